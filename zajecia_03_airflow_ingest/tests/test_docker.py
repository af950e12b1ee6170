"""The Airflow stack's Docker files, checked without a Docker engine.

No Docker engine runs on the course machines, so the Dockerfile is linted with hadolint,
the compose file is validated against the Compose specification, and the commands the
containers run — their entry point and ``airflow`` itself — are run here against a
temporary SQLite database.
"""

import os
import sqlite3
import subprocess
import sys

from kurs.airflow_env import airflow_environment, dag_folders
from kurs.testing.docker import Dockerfile, exec_form, hadolint
from kurs.testing.due import reraise
from kurs.testing.lockfile import locked_versions, normalized, requirement_pins
from zajecia_03_airflow_ingest.tests.airflow_stack import (
    CLASS_DIR,
    COMPOSE_FILE,
    DOCKERFILE,
    services,
)


def test_dockerfile_passes_hadolint():
    result = hadolint(DOCKERFILE)
    assert result.returncode == 0, result.stdout


def test_compose_file_follows_the_specification(compose_report):
    assert compose_report.errors(COMPOSE_FILE) == []


def test_image_and_requirements_match_the_lock():
    locked = locked_versions()
    dockerfile = Dockerfile.read(DOCKERFILE)
    assert dockerfile.all_arguments("FROM") == [
        f"apache/airflow:{locked['apache-airflow']}-python3.11"
    ]
    pins = requirement_pins(CLASS_DIR / "requirements-airflow.txt")
    assert pins
    for name, version in pins.items():
        assert locked[normalized(name)] == version, name


def test_every_container_starts_through_the_bundle_entrypoint():
    dockerfile = Dockerfile.read(DOCKERFILE)
    (entrypoint,) = dockerfile.arguments(dockerfile.final, "ENTRYPOINT")
    command = exec_form(entrypoint)
    assert command[:2] == ["/usr/bin/dumb-init", "--"]  # as in the official image
    (copy,) = [args for args in dockerfile.all_arguments("COPY") if "entrypoint.sh" in args]
    assert copy.split()[-1] == command[2] and "--chmod=755" in copy
    for name, service in services().items():
        if service.get("build") or "airflow" in str(service.get("image", "")):
            assert "entrypoint" not in service, f"{name} would skip the bundle list"


def test_container_commands_run_outside_docker(tmp_path):
    """airflow-init runs `airflow db migrate`; the DAG processor parses every bundle."""
    env = {**os.environ, **airflow_environment(tmp_path / "airflow")}

    def airflow(*args):
        result = subprocess.run(
            [sys.executable, "-m", "airflow", *args], env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr[-2000:]

    airflow("db", "migrate")
    airflow("dags", "reserialize")
    with sqlite3.connect(tmp_path / "airflow" / "airflow.db") as db:
        parsed = dict(db.execute("SELECT dag_id, bundle_name FROM dag").fetchall())
        errors = db.execute("SELECT stacktrace FROM import_error ORDER BY bundle_name").fetchall()
    # A DAG file that is a skeleton does not import: the earliest class's task is due.
    for (stacktrace,) in errors:
        reraise(stacktrace)
    assert parsed.get("flights_ingest") == "zajecia_03_airflow_ingest"
    assert set(parsed.values()) == {folder.parent.name for folder in dag_folders()}
