"""The compose file of class 05: the Airflow stack of class 03, its tasks logging to an
MLflow service beside it, checked without a Docker engine."""

import subprocess
from pathlib import Path

from kurs.testing.docker import BIN, compose_model, compose_project
from kurs.testing.lockfile import locked_versions
from zajecia_05_model.tracking_store import artifact_root

COMPOSE_FILE = Path(__file__).resolve().parents[1] / "docker-compose.yml"
OVERRIDE = COMPOSE_FILE.with_name("airflow-tracking.yml")
CLASS_03 = COMPOSE_FILE.parents[1] / "zajecia_03_airflow_ingest"


def mlflow_service() -> dict:
    services = compose_model(COMPOSE_FILE)["services"]
    assert "mlflow" in services, "docker-compose.yml: brak usługi mlflow"
    return services["mlflow"]


def server_options() -> dict[str, str]:
    command = mlflow_service()["command"]
    assert command[:2] == ["mlflow", "server"]
    return dict(zip(command[2::2], command[3::2], strict=True))


def test_compose_files_follow_the_specification(compose_report):
    assert compose_report.errors(COMPOSE_FILE) == []
    # The override file alone is a (partial) compose file too.
    check = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(OVERRIDE)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_mlflow_joins_the_one_airflow_of_the_course():
    ours, theirs = compose_project(COMPOSE_FILE), compose_project(CLASS_03 / "docker-compose.yml")
    assert ours.name == theirs.name
    assert ours.services.keys() == theirs.services.keys() | {"mlflow"}
    assert ours.published_ports()[5000] == (ours.name, "mlflow")
    assert mlflow_service()["ports"] == ["127.0.0.1:5000:5000"]
    # The override adds to the scheduler's settings and keeps the rest of class 03's.
    scheduler, base = ours.services["airflow-scheduler"], theirs.services["airflow-scheduler"]
    assert {k: v for k, v in scheduler.items() if k != "environment"} == {
        k: v for k, v in base.items() if k != "environment"
    }


def test_the_tasks_log_to_the_service_it_answers_and_keeps_the_store_layout():
    """The scheduler runs the tasks (LocalExecutor): its MLFLOW_TRACKING_URI names the
    service, whose allowed Host headers include it; the server keeps mlflow.db and
    artifacts/ side by side, as tracking_store does for a SQLite store, in its volume."""
    project = compose_project(COMPOSE_FILE)
    uri = project.services["airflow-scheduler"]["environment"]["MLFLOW_TRACKING_URI"]
    assert uri == "http://mlflow:5000"
    options = server_options()
    assert uri.removeprefix("http://") in options["--allowed-hosts"].split(",")
    assert options["--port"] == "5000" and options["--host"] == "0.0.0.0"
    store = options["--backend-store-uri"]
    assert store == "sqlite:////mlflow/mlflow.db"
    assert Path(options["--artifacts-destination"]) == artifact_root(store)
    assert mlflow_service()["volumes"] == ["mlflow-store:/mlflow"]
    assert project.volumes["mlflow-store"] == f"{project.name}_mlflow-store"
    assert options["--workers"] == "1"
    assert mlflow_service()["environment"]["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] == "false"


def test_the_image_is_the_locked_mlflow_and_the_tasks_have_its_client():
    assert mlflow_service()["image"] == f"ghcr.io/mlflow/mlflow:v{locked_versions()['mlflow']}"
    requirements = (CLASS_03 / "requirements-airflow.txt").read_text()
    assert f"mlflow-skinny=={locked_versions()['mlflow-skinny']}" in requirements.splitlines()
