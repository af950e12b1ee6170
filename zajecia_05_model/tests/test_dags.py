"""flights_train through real Airflow: a candidate that passes the gate, one that does not."""

import pytest

from kurs.repository import data_dir
from kurs.testing.airflow import asset_events
from zajecia_05_model.registry import Registry
from zajecia_05_model.tests.tracked import tracked_run


@pytest.fixture
def features(run_dag, write_features):
    """Synthetic features for January–March in the run's data folder."""
    write_features(data_dir())
    return run_dag


@pytest.mark.slow
def test_train_gate_register(features):
    run = features(
        "flights_train", "2013-02", train_start="2013-01", train_end="2013-02", min_auc_gain=0.0
    )
    assert run.state == "success"
    registry = Registry(data_dir())
    assert registry.versions() == ["v0001"]
    assert registry.aliases() == {"production": "v0001", "staging": "v0001"}
    assert registry.metadata("v0001")["metrics"]["backtest"]["months"] == ["2013-03"]
    assert [extra["version"] for extra in asset_events(run)] == ["v0001"]
    run_id = registry.metadata("v0001")["tracking"]["run_id"]
    assert tracked_run(run_id).data.tags["registry_version"] == "v0001"


@pytest.mark.slow
def test_failed_gate_registers_nothing(features):
    run = features(
        "flights_train", "2013-02", train_start="2013-01", train_end="2013-02", min_auc_gain=0.9
    )
    assert run.state == "failed"
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states["quality_gate"] == "failed" and states["register"] != "success"
    assert Registry(data_dir()).versions() == []
    # The refused candidate is in MLflow all the same, with the gate's reason.
    (train,) = [ti for ti in run.get_task_instances() if ti.task_id == "train"]
    tracked = tracked_run(train.xcom_pull(task_ids="train")["tracking_run_id"])
    assert tracked.info.status == "FINISHED"
    assert "przewaga" in tracked.data.tags["refusal_reason"]
    assert "registry_version" not in tracked.data.tags
