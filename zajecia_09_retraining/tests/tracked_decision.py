"""Checks of a decision's MLflow runs, through MLflow's own client."""

from __future__ import annotations

from mlflow import MlflowClient

from kurs.repository import data_dir
from zajecia_05_model.registry import Registry
from zajecia_05_model.tracking_store import tracking_uri
from zajecia_09_retraining.comparison_runs import EXPERIMENT


def assert_tracked_decision(record: dict, verdict: str, deployment: str) -> None:
    """The month's decision run links both training runs, holds champion and challenger
    as nested runs with the same metrics, and says what was decided and deployed."""
    client = MlflowClient(tracking_uri(data_dir()))
    registry = Registry(data_dir())
    decision = client.get_run(record["tracking"]["run_id"])
    assert client.get_experiment(decision.info.experiment_id).name == EXPERIMENT
    tags = decision.data.tags
    assert (tags["decision"], tags["deployment"]) == (verdict, deployment)
    assert tags["reason"] == record["decision"]["reason"]
    assert tags["production"] == record["production"]
    assert decision.data.metrics["auc_difference"] == record["evaluation"]["difference"]
    trained = {}
    for role in ("champion", "challenger"):
        version = record[role]["version"]
        trained[role] = client.get_run(tags[f"{role}_training_run"])
        # The training run is the one the registry version came from.
        assert trained[role].data.tags["registry_version"] == version
        assert trained[role].data.tags["candidate"] == registry.metadata(version)["candidate"]
    assert trained["challenger"].data.tags["retraining_month"] == record["month"]
    assert trained["challenger"].data.tags["decision"].startswith(verdict)
    assert trained["challenger"].data.tags["decision_run"] == decision.info.run_id

    nested = client.search_runs(
        [decision.info.experiment_id], f"tags.mlflow.parentRunId = '{decision.info.run_id}'"
    )
    by_role = {run.data.tags["role"]: run for run in nested}
    assert set(by_role) == {"champion", "challenger"}
    assert set(by_role["champion"].data.metrics) == set(by_role["challenger"].data.metrics)
    for role, run in by_role.items():
        assert run.data.tags["training_run"] == trained[role].info.run_id
        assert run.data.metrics["evaluation_roc_auc"] == record[role]["metrics"]["roc_auc"]
