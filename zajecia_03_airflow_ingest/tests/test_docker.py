"""The Airflow stack's Docker files, checked without a Docker engine.

No Docker engine runs on the course machines, so the Dockerfile is linted with
hadolint, the compose files are validated against the Compose specification, and the
commands the containers run are run here against a temporary SQLite database.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from zajecia_03_airflow_ingest.airflow_env import airflow_environment, dag_folders
from zajecia_03_airflow_ingest.config import REPO_ROOT

CLASS_DIR = REPO_ROOT / "zajecia_03_airflow_ingest"
BIN = Path(sys.executable).parent
COMPOSE_FILES = [
    CLASS_DIR / "docker-compose.yml",
    REPO_ROOT / "zajecia_04_preprocessing" / "docker-compose.yml",
]


def locked_versions() -> dict[str, str]:
    lock = (REPO_ROOT / "uv.lock").read_text()
    return dict(re.findall(r'\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"', lock))


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_dockerfile_passes_hadolint():
    result = run(str(BIN / "hadolint"), str(CLASS_DIR / "Dockerfile"))
    assert result.returncode == 0, result.stdout


def test_hadolint_does_catch_problems(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM apache/airflow:latest\nRUN pip install pandas\n")
    assert run(str(BIN / "hadolint"), str(bad)).returncode != 0


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.parent.name)
def test_compose_files_follow_the_specification(path):
    result = run(
        str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(path)
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_does_catch_problems(tmp_path):
    bad = tmp_path / "docker-compose.yml"
    bad.write_text("services:\n  api:\n    imgae: python:3.11\n    ports: 8080\n")
    result = run(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(bad))
    assert result.returncode != 0


def test_class_04_includes_the_class_03_stack_instead_of_copying_it():
    compose = yaml.safe_load(COMPOSE_FILES[1].read_text())
    assert compose == {"include": ["../zajecia_03_airflow_ingest/docker-compose.yml"]}


def test_image_and_requirements_match_the_lock():
    locked = locked_versions()
    dockerfile = (CLASS_DIR / "Dockerfile").read_text()
    assert f"FROM apache/airflow:{locked['apache-airflow']}-python3.11" in dockerfile
    pins = re.findall(
        r"^([\w-]+)==(\S+)$", (CLASS_DIR / "requirements-airflow.txt").read_text(), re.M
    )
    assert pins
    for name, version in pins:
        assert locked[name] == version, name


def test_containers_load_every_dag_folder():
    env = dict(
        line.split("=", 1)
        for line in (CLASS_DIR / "airflow.env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    bundles = json.loads(env["AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST"])
    expected = [
        (f.parent.name, f"/opt/airflow/project/{f.parent.name}/dags") for f in dag_folders()
    ]
    assert [(b["name"], b["kwargs"]["path"]) for b in bundles] == expected


@pytest.mark.slow
def test_container_commands_run_outside_docker(tmp_path):
    """airflow-init runs `airflow db migrate`, the DAG processor parses the bundles."""
    env = {**os.environ, **airflow_environment(tmp_path / "airflow")}

    def airflow(*args):
        result = subprocess.run(
            [sys.executable, "-m", "airflow", *args], env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    airflow("db", "migrate")
    airflow("dags", "reserialize")
    listed = json.loads(airflow("dags", "list", "-o", "json").strip().splitlines()[-1])
    assert {d["dag_id"]: d["bundle_name"] for d in listed} == {
        "flights_ingest": "zajecia_03_airflow_ingest",
        "flights_preprocess": "zajecia_04_preprocessing",
        "flights_train": "zajecia_05_model",
        "flights_monitor": "zajecia_06_monitoring",
        "flights_live_quality": "zajecia_08_deploy",
    }
