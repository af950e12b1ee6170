"""flights_live_quality through real Airflow: the report, and the runs that must fail."""

import json
from pathlib import Path

import numpy as np
import pytest
from airflow.dag_processing.dagbag import DagBag
from sklearn.dummy import DummyClassifier

from kurs.backfill import load_dag, run_month
from kurs.repository import data_dir
from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_04_preprocessing.features import TARGET
from zajecia_05_model.registry import Registry
from zajecia_05_model.tests.synthetic import model_metadata, synthetic_month
from zajecia_07_docker.events import PredictionEvent
from zajecia_08_deploy.flight_ids import flight_ids
from zajecia_08_deploy.prediction_log import PredictionLog, log_path

DAGS = Path(__file__).resolve().parents[1] / "dags"


def prepare(month: str) -> None:
    """In the run's data folder: the month's features, model v0001, and its logged traffic."""
    frame = synthetic_month(month, rows=200)
    features_partition(data_dir(), month).write(frame, {})
    validation = {"roc_auc": 0.8, "pr_auc": 0.6, "brier": 0.15}
    Registry(data_dir()).register(DummyClassifier(), model_metadata(validation))
    probabilities = np.where(frame[TARGET] == 1, 0.7, 0.3).tolist()
    PredictionLog(log_path(data_dir())).append(  # the default path, as the API writes it
        PredictionEvent(
            "replay-1",
            "v0001",
            [{"flight_id": flight_id} for flight_id in flight_ids(frame)],
            probabilities,
            [p >= 0.5 for p in probabilities],
            0.5,
            0.02,
        )
    )


@pytest.fixture
def default_log(monkeypatch):
    monkeypatch.delenv("PREDICTION_LOG_PATH", raising=False)


def states(run) -> dict[str, str]:
    return {ti.task_id: ti.state for ti in run.get_task_instances()}


def test_manual_dag_with_a_month_param():
    bag = DagBag(dag_folder=DAGS)
    assert not bag.import_errors
    assert "flights_live_quality" in bag.dags, "no DAG flights_live_quality in dags/"
    dag = bag.dags["flights_live_quality"]
    assert dag.schedule is None
    assert "month" in dag.params
    assert [task.task_id for task in dag.topological_sort()] == ["check_log", "report"]


@pytest.mark.slow
def test_month_with_predictions_writes_the_report(run_dag, default_log):
    prepare("2013-03")
    run = run_dag("flights_live_quality", "2013-03")
    assert run.state == "success"
    folder = data_dir() / "live_quality" / "month=2013-03"
    summary = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    [quality] = summary["versions"]
    assert quality["model_version"] == "v0001" and quality["joined"] == 200
    assert quality["metrics"]["roc_auc"] == 1.0
    assert quality["auc_drop"] == pytest.approx(-0.2)
    assert (folder / "report.html").is_file()


@pytest.mark.slow
def test_month_without_predictions_fails_cleanly(run_dag, default_log):
    prepare("2013-03")
    run = run_dag("flights_live_quality", "2013-04")
    assert run.state == "failed"
    assert states(run) == {"check_log": "failed", "report": "upstream_failed"}
    assert not (data_dir() / "live_quality" / "month=2013-04").exists()


@pytest.mark.slow
def test_run_without_a_month_fails(run_dag, default_log):
    prepare("2013-03")
    # run_dag always sets the month; a manual trigger may leave it empty.
    run = run_month(load_dag("flights_live_quality"), "2013-03", {"month": None})
    assert states(run) == {"check_log": "failed", "report": "upstream_failed"}


@pytest.mark.slow
def test_damaged_features_fail_the_report(run_dag, default_log):
    prepare("2013-03")
    partition = features_partition(data_dir(), "2013-03")
    (partition.folder / partition.manifest()["data_file"]).write_bytes(b"damaged")
    run = run_dag("flights_live_quality", "2013-03")
    assert states(run) == {"check_log": "success", "report": "failed"}
    assert not (data_dir() / "live_quality" / "month=2013-03").exists()
