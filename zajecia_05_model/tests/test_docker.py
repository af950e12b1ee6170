"""The compose file of class 05: the Airflow stack of class 03 plus an MLflow service over
the store training writes, checked without a Docker engine."""

import shlex
import subprocess
from pathlib import Path

from kurs.testing.docker import compose_model, compose_project
from kurs.testing.lockfile import locked_versions
from zajecia_05_model.tracking import artifact_location, tracking_uri

COMPOSE_FILE = Path(__file__).resolve().parents[1] / "docker-compose.yml"
CLASS_03 = COMPOSE_FILE.parents[1] / "zajecia_03_airflow_ingest"


def mlflow_service() -> dict:
    services = compose_model(COMPOSE_FILE)["services"]
    assert "mlflow" in services, "docker-compose.yml: brak usługi mlflow"
    return services["mlflow"]


def airflow_data_dir() -> str:
    (line,) = [
        line
        for line in (CLASS_03 / "airflow.env").read_text().splitlines()
        if line.startswith("MLOPS_DATA_DIR=")
    ]
    return line.split("=", 1)[1]


def test_compose_file_follows_the_specification(compose_report):
    assert compose_report.errors(COMPOSE_FILE) == []


def test_mlflow_joins_the_one_airflow_of_the_course():
    ours, theirs = compose_project(COMPOSE_FILE), compose_project(CLASS_03 / "docker-compose.yml")
    assert ours.name == theirs.name
    assert ours.services.keys() == theirs.services.keys() | {"mlflow"}
    assert ours.published_ports()[5000] == (ours.name, "mlflow")
    assert mlflow_service()["ports"] == ["127.0.0.1:5000:5000"]


def test_the_image_is_the_locked_mlflow_and_the_tasks_have_its_client():
    assert mlflow_service()["image"] == f"ghcr.io/mlflow/mlflow:v{locked_versions()['mlflow']}"
    requirements = (CLASS_03 / "requirements-airflow.txt").read_text()
    assert f"mlflow-skinny=={locked_versions()['mlflow-skinny']}" in requirements.splitlines()


def test_the_server_reads_the_store_airflow_tasks_write():
    """Mounted where the Airflow containers mount the data folder, serving the SQLite file
    and artifacts that training there writes by default (no MLFLOW_TRACKING_URI)."""
    data = airflow_data_dir()
    service = mlflow_service()
    assert f"../data:{data}" in service["volumes"]
    airflow = compose_project(CLASS_03 / "docker-compose.yml").services["airflow-scheduler"]
    assert f"../data:{data}" in airflow["volumes"]

    (script,) = service["command"]
    # Compose turns $$ into $ before the shell runs the script.
    script = script.replace("$$", "$")
    assert subprocess.run(["sh", "-n", "-c", script], check=False).returncode == 0
    words = shlex.split(script[script.index("mlflow server") :])
    options = dict(zip(words[2::2], words[3::2], strict=True))
    assert options["--backend-store-uri"] == tracking_uri(Path(data), environ={})
    artifacts = Path(options["--artifacts-destination"])
    experiment = artifact_location(options["--backend-store-uri"], "flights_train")
    assert experiment == (artifacts / "flights_train").as_uri()
    assert options["--workers"] == "1" and options["--host"] == "0.0.0.0"
    assert service["environment"]["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] == "false"
