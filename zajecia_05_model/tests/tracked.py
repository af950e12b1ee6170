"""Reading what training logged, through MLflow's own client."""

from __future__ import annotations

from mlflow import MlflowClient
from mlflow.entities import Run

from kurs.repository import data_dir
from zajecia_05_model.tracking_store import tracking_uri


def tracked_run(run_id: str) -> Run:
    """The run as the tracking store of this process has it (``MLFLOW_TRACKING_URI`` or
    the data folder's store)."""
    assert run_id, "trening nie zapisał przebiegu w MLflow"
    return MlflowClient(tracking_uri(data_dir())).get_run(run_id)
