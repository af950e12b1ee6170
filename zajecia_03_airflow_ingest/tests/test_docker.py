"""The Airflow stack's Docker files, checked without a Docker engine.

No Docker engine runs on the course machines, so the Dockerfile is linted with hadolint,
the compose file is validated against the Compose specification, and the commands the
containers run — their entry point and ``airflow`` itself — are run here against a
temporary SQLite database.
"""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml

from kurs.airflow_env import airflow_environment, dag_folders
from kurs.testing.docker import Dockerfile, exec_form, hadolint
from kurs.testing.lockfile import locked_versions, normalized, requirement_pins

CLASS_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = CLASS_DIR.parent
DOCKERFILE = CLASS_DIR / "Dockerfile"
COMPOSE_FILE = CLASS_DIR / "docker-compose.yml"
ENTRYPOINT = CLASS_DIR / "entrypoint.sh"


def env_file() -> dict[str, str]:
    lines = (CLASS_DIR / "airflow.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


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
    stack = yaml.safe_load(COMPOSE_FILE.read_text())
    for name, service in stack["services"].items():
        if service.get("build") or "airflow" in str(service.get("image", "")):
            assert "entrypoint" not in service, f"{name} would skip the bundle list"


def test_entrypoint_finds_every_class_dag_folder_and_starts_the_command(tmp_path):
    """entrypoint.sh as a container runs it: the mounted repository, then the real command."""
    official = tmp_path / "entrypoint"
    official.write_text(
        "#!/bin/sh\n"
        'echo "$AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST" > "$CAPTURE"\n'
        'echo "$@" >> "$CAPTURE"\n'
    )
    official.chmod(0o755)
    capture = tmp_path / "capture.txt"
    env = {
        **os.environ,
        **env_file(),
        "MLOPS_PROJECT_DIR": str(REPO_ROOT),
        "PYTHONPATH": str(REPO_ROOT),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "AIRFLOW_IMAGE_ENTRYPOINT": str(official),
        "CAPTURE": str(capture),
    }
    result = subprocess.run(
        ["bash", str(ENTRYPOINT), "scheduler"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    bundles, command = capture.read_text().splitlines()
    assert command == "scheduler"
    listed = [(b["name"], b["kwargs"]["path"]) for b in json.loads(bundles)]
    assert listed == [(f.parent.name, str(f)) for f in dag_folders()]
    assert ("zajecia_03_airflow_ingest", str(CLASS_DIR / "dags")) in listed
    assert env_file()["MLOPS_PROJECT_DIR"] == "/opt/airflow/project"
    assert "AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST" not in env_file()


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
    assert parsed["flights_ingest"] == "zajecia_03_airflow_ingest"
    assert set(parsed.values()) == {folder.parent.name for folder in dag_folders()}
