"""The CeleryExecutor variant, docker-compose.celery.yml laid over docker-compose.yml, as
Compose merges them (no Docker engine here): every Airflow container on Celery, a broker
and a result backend that exist, workers that wait for what they need and can be scaled,
commands the image runs — and a check that fails on a broken variant."""

import copy
import importlib.util
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml

from kurs.testing.due import read_text
from zajecia_03_airflow_ingest.tests.airflow_stack import (
    CELERY_FILE,
    CLASS_DIR,
    COMPOSE_FILE,
    REPO_ROOT,
    container_environment,
    merged_services,
    mounts,
    services,
)

WORKER = "airflow-worker"
# Long-running Airflow commands of the LocalExecutor stack, and the ones Celery adds.
CELERY_COMMANDS = {WORKER: ["celery", "worker"], "flower": ["celery", "flower"]}
# An image pulled from a registry: a release number (16.4, 7.2.5), an optional variant.
PINNED_TAG = re.compile(r"^\d+(\.\d+){1,2}(-[a-z0-9]+)?$")
SECRET_NAME = re.compile(r"SECRET|FERNET|JWT|PASSWORD|TOKEN")


def celery_stack(project_dir: Path = CLASS_DIR) -> dict[str, dict]:
    """`docker compose -f docker-compose.yml -f docker-compose.celery.yml`, started in
    ``project_dir``; an including folder's file brings the stack with its own paths."""
    override = Path(os.path.normpath(project_dir / ".." / CLASS_DIR.name / CELERY_FILE.name))
    return merged_services(COMPOSE_FILE, override, project_dir=project_dir)


def airflow_of(stack: dict[str, dict]) -> dict[str, dict]:
    return {name: spec for name, spec in stack.items() if "build" in spec}


def check_celery_stack(stack: dict[str, dict]) -> None:
    """What the variant must be; AssertionError naming the service that is not."""
    airflow = airflow_of(stack)
    assert set(airflow) >= {*airflow_of(services()), *CELERY_COMMANDS}, sorted(airflow)
    postgres = stack["postgres"]["environment"]
    brokers, backends = set(), set()
    for name, spec in airflow.items():
        environment = container_environment(spec)
        assert environment.get("AIRFLOW__CORE__EXECUTOR") == "CeleryExecutor", name
        brokers.add(environment.get("AIRFLOW__CELERY__BROKER_URL"))
        backends.add(environment.get("AIRFLOW__CELERY__RESULT_BACKEND"))
        if name != "airflow-init":
            needs = spec.get("depends_on", {})
            assert needs.get("redis", {}).get("condition") == "service_healthy", name
    # One queue and one result store for every container.
    assert len(brokers) == 1 and len(backends) == 1, (brokers, backends)
    broker, backend = urlsplit(brokers.pop()), urlsplit(backends.pop())
    assert broker.scheme == "redis" and broker.port == 6379, broker
    assert broker.hostname in stack, f"no service {broker.hostname} for the broker"
    redis = stack[broker.hostname]
    assert redis["image"].split(":")[0] == "redis", redis["image"]
    assert redis.get("healthcheck", {}).get("test") == ["CMD", "redis-cli", "ping"]
    # Celery's database result backend: db+ and an SQLAlchemy URL of the postgres service.
    assert backend.scheme == "db+postgresql" and backend.hostname == "postgres", backend
    assert (backend.username, backend.password) == (
        postgres["POSTGRES_USER"],
        postgres["POSTGRES_PASSWORD"],
    )
    assert backend.path.lstrip("/") == postgres["POSTGRES_DB"]

    for name, command in CELERY_COMMANDS.items():
        assert airflow[name].get("command") == command, name
        assert "entrypoint" not in airflow[name], f"{name} would skip entrypoint.sh"
    worker = airflow[WORKER]
    needs = {name: need["condition"] for name, need in worker["depends_on"].items()}
    assert needs == {
        "postgres": "service_healthy",
        "redis": "service_healthy",
        "airflow-apiserver": "service_healthy",
        "airflow-init": "service_completed_successfully",
    }
    for image in [spec["image"] for spec in stack.values() if "build" not in spec]:
        name, _, tag = image.rpartition(":")
        assert name and PINNED_TAG.match(tag), f"{image}: not pinned to a release"


def test_the_variant_is_a_valid_compose_override_and_model():
    spec = importlib.util.find_spec("check_jsonschema")
    assert spec and spec.origin
    schema_file = Path(spec.origin).parent / "builtin_schemas" / "vendor" / "compose-spec.json"
    schema = json.loads(schema_file.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    override = yaml.safe_load(read_text(CELERY_FILE))
    assert [error.message for error in validator.iter_errors(override)] == []
    merged = {**yaml.safe_load(read_text(COMPOSE_FILE)), "services": celery_stack()}
    assert [error.message for error in validator.iter_errors(merged)] == []


def test_every_airflow_container_runs_on_celery_with_one_broker_and_backend():
    check_celery_stack(celery_stack())


def test_the_celery_variant_is_the_same_from_a_folder_that_includes_the_stack():
    """Later classes include docker-compose.yml (same project name); from their folders
    the override is given as ../zajecia_03_airflow_ingest/docker-compose.celery.yml and
    its relative paths count from there: they must name the same files."""
    sibling = REPO_ROOT / "folder_obok"  # where a later class's folder would be
    assert celery_stack(sibling) == celery_stack()


def test_the_worker_is_the_airflow_image_with_the_stack_shared():
    """Like every Airflow container: the course image through entrypoint.sh (bundles,
    secrets), the repository, the data, the task logs and the config volume."""
    stack = celery_stack()
    scheduler, worker = stack["airflow-scheduler"], stack[WORKER]
    for key in ("build", "image", "env_file", "volumes", "user"):
        assert worker[key] == scheduler[key], key
    assert mounts(worker)["/opt/airflow/logs"] == "airflow-logs"
    assert mounts(worker)["/opt/airflow/config"] == "airflow-config"
    assert Path(mounts(worker)["/opt/airflow/data"]) == REPO_ROOT / "data"


def test_the_worker_scales_and_stops_warmly():
    """`--scale airflow-worker=N`: no fixed name, hostname or host port; each replica
    pings its own Celery node (``$${HOSTNAME}``: escaped from Compose, expanded by the
    container's shell). dumb-init signals only its child (DUMB_INIT_SETSID=0), which
    entrypoint.sh replaces by the command (test_entrypoint.py)."""
    worker = celery_stack()[WORKER]
    assert not {"container_name", "hostname", "ports"} & set(worker)
    kind, check = worker["healthcheck"]["test"]
    assert kind == "CMD-SHELL"
    assert '-d "celery@$${HOSTNAME}"' in check and "inspect ping" in check
    assert container_environment(worker)["DUMB_INIT_SETSID"] == "0"


def test_the_worker_healthcheck_pings_the_app_of_airflows_celery_executor():
    """The ``--app`` of the check is the Celery app of the module Airflow loads for
    "CeleryExecutor" (the official image ships apache-airflow-providers-celery)."""
    from airflow.executors.executor_loader import ExecutorLoader

    (_, check) = celery_stack()[WORKER]["healthcheck"]["test"]
    app = re.search(r"--app (\S+)", check)
    assert app
    executor = ExecutorLoader.executors["CeleryExecutor"]
    assert app[1] == f"{executor.rpartition('.')[0]}.app"


def test_flower_is_optional_and_only_on_this_machine():
    flower = celery_stack()["flower"]
    assert flower["profiles"] == ["flower"]
    assert flower["ports"] == ["127.0.0.1:5555:5555"]
    assert flower["healthcheck"]["test"][-1] == "http://localhost:5555/"


def test_the_variant_commits_no_secret():
    names = set()
    for spec in celery_stack().values():
        names |= set(container_environment(spec)) if "build" in spec else set()
    secret = {n for n in names if SECRET_NAME.search(n) and not n.endswith(("_FILE", "_SECRETS"))}
    assert secret == set()


def broken(change):
    stack = copy.deepcopy(celery_stack())
    change(stack)
    return stack


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda s: s["airflow-scheduler"]["environment"].pop("AIRFLOW__CORE__EXECUTOR"),
            id="executor-left-local",
        ),
        pytest.param(
            lambda s: s[WORKER]["environment"].update(
                AIRFLOW__CELERY__BROKER_URL="redis://redis:6379/1"
            ),
            id="worker-on-another-queue",
        ),
        pytest.param(
            lambda s: [
                spec["environment"].update(AIRFLOW__CELERY__BROKER_URL="redis://broker:6379/0")
                for spec in airflow_of(s).values()
            ],
            id="broker-of-no-service",
        ),
        pytest.param(lambda s: s["redis"].pop("healthcheck"), id="redis-without-healthcheck"),
        pytest.param(
            lambda s: s[WORKER]["depends_on"].pop("redis"), id="worker-not-waiting-for-redis"
        ),
        pytest.param(
            lambda s: s[WORKER].update(command=["celery", "workers"]), id="unknown-command"
        ),
        pytest.param(lambda s: s["redis"].update(image="redis:latest"), id="unpinned-image"),
        pytest.param(
            lambda s: s[WORKER]["environment"].update(
                AIRFLOW__CELERY__RESULT_BACKEND="db+postgresql://airflow:x@postgres/airflow"
            ),
            id="backend-with-other-credentials",
        ),
    ],
)
def test_the_check_catches_a_broken_variant(change):
    with pytest.raises(AssertionError):
        check_celery_stack(broken(change))
