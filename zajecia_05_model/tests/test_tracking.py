"""Training in MLflow (tracking.py, tracking_store.py): what a run holds, read back through
MLflow's client; a store that is down never stops training."""

import json
import logging
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from mlflow import MlflowClient

from kurs.testing.local_airflow import free_port
from zajecia_03_airflow_ingest.partitions import PartitionError
from zajecia_05_model.candidate import register_candidate, train_candidate
from zajecia_05_model.metadata import BASELINES, MAIN_MODEL
from zajecia_05_model.registry import Registry
from zajecia_05_model.tracking import GIT_COMMIT, TRAINING_EXPERIMENT, training_runs_line
from zajecia_05_model.tracking_store import tag_run, tracking_uri

LOGGER = "zajecia_05_model.tracking_store"


@pytest.fixture
def default_store(monkeypatch):
    """The store training uses when nothing is configured: SQLite in the data folder."""
    monkeypatch.delenv("MLFLOW_TRACKING_URI")


def test_a_training_run_holds_params_metrics_data_and_artifacts(
    features_dir, small_config, default_store
):
    assert training_runs_line(features_dir).endswith("mlflow.db: 0 — pokaże je make mlflow")
    summary = train_candidate(small_config, features_dir, "kandydat")
    # The three nested runs of the models are not trainings of their own.
    assert training_runs_line(features_dir).endswith("mlflow.db: 1 — pokaże je make mlflow")
    metadata = json.loads((Path(summary["candidate"]) / "metadata.json").read_text())
    assert metadata["tracking"] == {
        "experiment": TRAINING_EXPERIMENT,
        "run_id": summary["tracking_run_id"],
    }
    assert tracking_uri(features_dir) == f"sqlite:///{features_dir / 'mlflow' / 'mlflow.db'}"
    client = MlflowClient(tracking_uri(features_dir))
    run = client.get_run(summary["tracking_run_id"])

    assert run.info.status == "FINISHED" and run.info.run_name == "2013-01…2013-02 kandydat"
    assert client.get_experiment(run.info.experiment_id).name == TRAINING_EXPERIMENT
    params = run.data.params
    assert (params["train_start"], params["train_end"]) == ("2013-01", "2013-02")
    assert params["validation_month"] == "2013-02"
    assert params["boosting.max_iter"] == "30" and params["min_auc_gain"] == "0.01"
    metrics = run.data.metrics
    validation = metadata["metrics"]["validation"]
    assert metrics["validation_roc_auc"] == pytest.approx(validation[MAIN_MODEL]["roc_auc"])
    assert metrics["threshold"] == pytest.approx(metadata["threshold"])
    backtest = metadata["metrics"]["backtest"]
    assert metrics["backtest_roc_auc"] == pytest.approx(backtest["pooled"]["roc_auc"])
    # The backtest per month: one point per month of the data (March), step = its number.
    history = client.get_metric_history(run.info.run_id, "backtest_monthly_roc_auc")
    assert [(point.step, point.value) for point in history] == [
        (3, pytest.approx(backtest["per_month"]["2013-03"]["roc_auc"]))
    ]
    tags = run.data.tags
    assert tags["candidate"] == "kandydat" and tags["code_version"] == metadata["code_version"]
    if GIT_COMMIT.fullmatch(metadata["code_version"]):  # a clean checkout, as in CI
        assert tags["mlflow.source.git.commit"] == metadata["code_version"]
    else:  # uncommitted changes: no commit to name
        assert "mlflow.source.git.commit" not in tags

    inputs = {
        dataset.dataset.name: (dataset.tags[0].value, dataset.dataset.digest)
        for dataset in run.inputs.dataset_inputs
    }
    checksums = metadata["data_checksums"]
    assert inputs == {
        "features 2013-01": ("training", checksums["2013-01"][:16]),
        "features 2013-02": ("validation", checksums["2013-02"][:16]),
        "features 2013-03": ("backtest", checksums["2013-03"][:16]),
    }

    artifacts = {
        item.path for item in client.list_artifacts(run.info.run_id) if not item.is_dir
    } | {item.path for item in client.list_artifacts(run.info.run_id, "figures")}
    assert artifacts == {
        "model_card.md",
        "metadata.json",
        "data_checksums.json",
        "figures/roc.png",
        "figures/calibration.png",
        "figures/auc_per_month.png",
    }, "the model itself is never logged: the registry (skops) holds it"
    local = client.download_artifacts(run.info.run_id, "data_checksums.json", str(features_dir))
    assert json.loads(Path(local).read_text()) == checksums
    assert (features_dir / "mlflow" / "artifacts" / TRAINING_EXPERIMENT).is_dir()

    children = client.search_runs(
        [run.info.experiment_id], f"tags.mlflow.parentRunId = '{run.info.run_id}'"
    )
    by_model = {child.info.run_name: child.data.metrics["validation_roc_auc"] for child in children}
    assert by_model == {
        name: pytest.approx(validation[name]["roc_auc"]) for name in (MAIN_MODEL, *BASELINES)
    }


def test_a_retraining_under_a_registered_name_is_tracked_as_not_registered(
    features_dir, small_config
):
    """A DAG run trained again (the same run id, so the same candidate name) gets the
    version registered the first time; the new run says its model was not kept."""
    registry = Registry(features_dir)
    first = train_candidate(small_config, features_dir, "manual__2013-06")
    retry = Path(first["candidate"]).with_name("retry")
    shutil.copytree(first["candidate"], retry)
    assert register_candidate(first["candidate"], registry) == "v0001"
    # A retried register task finds the same training run: the same tag again.
    shutil.copytree(retry, first["candidate"])
    assert register_candidate(first["candidate"], registry) == "v0001"
    again = train_candidate(small_config, features_dir, "manual__2013-06")
    assert register_candidate(again["candidate"], registry) == "v0001"

    client = MlflowClient(tracking_uri(features_dir))
    kept = client.get_run(first["tracking_run_id"]).data.tags
    dropped = client.get_run(again["tracking_run_id"]).data.tags
    assert kept["registry_version"] == "v0001" and "refusal_reason" not in kept
    assert "registry_version" not in dropped
    assert first["tracking_run_id"] in dropped["refusal_reason"]
    assert "v0001" in dropped["refusal_reason"]


def test_logging_that_fails_half_way_ends_the_run_failed_not_running(
    features_dir, small_config, monkeypatch
):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(MlflowClient, "log_artifact", disk_full)
    summary = train_candidate(small_config, features_dir, "dysk_pelny")
    assert (Path(summary["candidate"]) / "model.skops").is_file()
    run = MlflowClient(tracking_uri(features_dir)).get_run(summary["tracking_run_id"])
    assert run.info.status == "FAILED"
    assert "No space left on device" in run.data.tags["tracking_error"]


def test_a_failed_training_is_a_failed_run_with_its_error(features_dir, small_config):
    missing = replace(small_config, train_months=("2013-05", "2013-06"))
    with pytest.raises(PartitionError):
        train_candidate(missing, features_dir, "bez_danych")
    client = MlflowClient(tracking_uri(features_dir))
    (run,) = client.search_runs(
        [client.get_experiment_by_name(TRAINING_EXPERIMENT).experiment_id],
        "tags.candidate = 'bez_danych'",
    )
    assert run.info.status == "FAILED"
    assert run.data.tags["error"].startswith("PartitionError")


@pytest.mark.parametrize(
    "store",
    [
        pytest.param(lambda tmp: f"http://127.0.0.1:{free_port()}", id="server-down"),
        # The database's folder would be inside a file: it can never be created.
        pytest.param(lambda tmp: f"sqlite:///{tmp / 'plik' / 'mlflow.db'}", id="unwritable"),
    ],
)
def test_training_goes_on_when_the_store_is_unavailable_and_says_so_once(
    features_dir, small_config, tmp_path, monkeypatch, caplog, store
):
    (tmp_path / "plik").write_text("not a folder")
    uri = store(tmp_path)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        summary = train_candidate(small_config, features_dir, "bez_mlflow")
        tag_run(features_dir, summary["tracking_run_id"], {"registry_version": "v0001"})
    assert summary["tracking_run_id"] is None
    assert (Path(summary["candidate"]) / "model.skops").is_file()
    assert "tracking" not in json.loads((Path(summary["candidate"]) / "metadata.json").read_text())
    warnings = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert len(warnings) == 1 and warnings[0].startswith(f"MLflow niedostępny ({uri}): ")
    assert training_runs_line(features_dir).endswith("niedostępny")
