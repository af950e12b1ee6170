"""Experiment tracking with MLflow: every training run, to compare runs side by side.

A training run (``flights_train``, and any later training through ``train_candidate``)
becomes one MLflow run in the experiment ``flights_train``: its parameters (window, KPI,
gate, the boosting settings), metrics (validation, the backtest pooled and per month as a
series over the months), the data window as inputs with each partition's checksum, the
code version, and the model card, metadata and figures as artifacts. Each model of the
run — the main one and the two baselines — is a nested run with its validation metrics,
so the three compare in one table. A tag says what became of the candidate:
``registry_version`` or ``refusal_reason``.

MLflow is where experiments are compared; the registry (:mod:`registry`, skops) is what
production trusts. MLflow's scikit-learn flavour stores models with pickle, which the
registry refuses, so no model file is logged here and nothing is served from MLflow.

Where the runs go, and why tracking never breaks training: :mod:`tracking_store`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kurs.repository import code_version
from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_05_model.config import TrainConfig
from zajecia_05_model.metadata import BASELINES, MAIN_MODEL, ModelMetadata
from zajecia_05_model.registry import MODEL_FILE
from zajecia_05_model.tracking_store import Tracker, log_batch, timestamp_ms

if TYPE_CHECKING:
    from mlflow import MlflowClient

TRAINING_EXPERIMENT = "flights_train"
# What a training's parent run and a nested run are told apart by in the UI's table.
ROLE_TAG = "role"
# kurs.repository.code_version() of a clean checkout: an abbreviated commit hash.
GIT_COMMIT = re.compile(r"[0-9a-f]{7,40}")


def run_reference(run_id: str | None) -> dict:
    """What a candidate's ``metadata.json`` records about its MLflow run (``{}``: none)."""
    return {"tracking": {"experiment": TRAINING_EXPERIMENT, "run_id": run_id}} if run_id else {}


def tracked_run_id(metadata: Mapping) -> str | None:
    """The MLflow run of a registry version's metadata, ``None`` when it was not tracked."""
    return (metadata.get("tracking") or {}).get("run_id")


def training_runs_line(data_dir: Path) -> str:
    """One line for ``make run``'s summary: how many training runs the store holds, where
    it is and how to look at them."""
    tracker = Tracker(data_dir)
    count = tracker.call(_training_run_count)
    if count is None:
        return f"MLflow: magazyn {tracker.uri} niedostępny"
    return f"MLflow: przebiegi treningu w {tracker.uri}: {count} — pokaże je make mlflow"


def _training_run_count(client: MlflowClient) -> int:
    experiment = client.get_experiment_by_name(TRAINING_EXPERIMENT)
    if experiment is None:
        return 0
    query = f"tags.{ROLE_TAG} = 'training'"
    return len(client.search_runs([experiment.experiment_id], query, max_results=10_000))


def _flat(prefix: str, metrics: Mapping[str, float]) -> dict[str, float]:
    return {f"{prefix}_{key}": value for key, value in metrics.items()}


def training_params(config: TrainConfig) -> dict[str, Any]:
    """The run's parameters: the window, the KPI, the gate, the boosting settings."""
    # BEGIN SOLUTION: parametry przebiegu MLflow: okno, KPI, bramka, ustawienia boostingu
    return {
        "train_start": config.train_months[0],
        "train_end": config.train_months[-1],
        "validation_month": config.validation_month,
        "test_months": ",".join(config.test_months) or "—",
        "target_recall": config.target_recall,
        "min_auc_gain": config.min_auc_gain,
        "random_state": config.random_state,
        "model_type": MAIN_MODEL,
        **{f"boosting.{key}": value for key, value in config.boosting.items()},
    }
    # END SOLUTION


def training_metrics(metadata: ModelMetadata) -> dict[str, float]:
    """Validation metrics of the main model, the threshold, the gain over the baselines,
    the backtest pooled (``backtest_*``)."""
    # BEGIN SOLUTION: metryki przebiegu MLflow: walidacja, próg, przewaga, test wsteczny
    metrics = _flat("validation", metadata.main_validation) | {
        "threshold": metadata.threshold,
        "best_baseline_roc_auc": metadata.best_baseline_auc,
        "roc_auc_gain": metadata.validation_auc - metadata.best_baseline_auc,
    }
    if metadata.backtest:
        metrics |= _flat("backtest", metadata.backtest["pooled"])
    return metrics
    # END SOLUTION


@dataclass
class TrainingRun:
    """The MLflow run of one candidate; ``run_id`` is ``None`` when tracking is off."""

    tracker: Tracker
    run_id: str | None

    def log_result(self, metadata: ModelMetadata, folder: Path) -> None:
        """Metrics, nested runs of the three models, the data window and the artifacts.

        Args:
            metadata: the candidate's record (metrics, window, checksums).
            folder: the candidate's folder; every file but the model is logged.
        """
        if self.run_id is not None:
            metrics = training_metrics(metadata)
            data_dir = self.tracker.data_dir
            self.tracker.call(_log_result, data_dir, self.run_id, metrics, metadata, folder)


def _log_result(
    client: MlflowClient,
    data_dir: Path,
    run_id: str,
    metrics: dict[str, float],
    metadata: ModelMetadata,
    folder: Path,
) -> None:
    from mlflow.entities import Metric

    now = timestamp_ms()
    # Each backtest metric also as a series over the months (step = the month's number),
    # which the UI draws as a chart: backtest_monthly_roc_auc…
    monthly = [
        Metric(f"backtest_monthly_{key}", float(value), now, int(month[-2:]))
        for month, month_metrics in metadata.backtest.get("per_month", {}).items()
        for key, value in month_metrics.items()
    ]
    client.log_batch(
        run_id,
        metrics=[Metric(key, float(value), now, 0) for key, value in metrics.items()] + monthly,
    )
    experiment_id = client.get_run(run_id).info.experiment_id
    for name in (MAIN_MODEL, *BASELINES):
        child = client.create_run(
            experiment_id,
            start_time=now,
            tags={ROLE_TAG: "model", "mlflow.parentRunId": run_id},
            run_name=name,
        )
        log_batch(
            client,
            child.info.run_id,
            params={"model_type": name, "validation_month": metadata.validation_month},
            metrics=_flat("validation", metadata.validation[name]),
            tags={"candidate_run": run_id},
        )
        client.set_terminated(child.info.run_id, end_time=timestamp_ms())
    client.log_inputs(run_id, datasets=_data_window(data_dir, metadata))
    client.log_dict(run_id, metadata.data_checksums, "data_checksums.json")
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MODEL_FILE:
            relative = path.parent.relative_to(folder).as_posix()
            client.log_artifact(run_id, str(path), None if relative == "." else relative)


def _data_window(data_dir: Path, metadata: ModelMetadata) -> list:
    """The feature partitions a run read, each with its context (``training``,
    ``validation``, ``backtest``) and checksum: the UI's "Datasets used". A dataset's
    digest holds at most 36 characters: the full SHA-256 is in ``data_checksums.json``."""
    from mlflow.entities import Dataset, DatasetInput, InputTag

    contexts = {month: "training" for month in metadata.fit_months}
    contexts[metadata.validation_month] = "validation"
    contexts |= {month: "backtest" for month in metadata.backtest.get("months", [])}
    return [
        DatasetInput(
            Dataset(
                name=f"features {month}",
                digest=metadata.data_checksums[month][:16],
                source_type="local",
                source=json.dumps({"uri": features_partition(data_dir, month).folder.as_uri()}),
            ),
            [InputTag("mlflow.data.context", context)],
        )
        for month, context in contexts.items()
        if month in metadata.data_checksums
    ]


@contextmanager
def training_run(
    data_dir: Path,
    name: str,
    config: TrainConfig,
    tags: Mapping[str, str] | None = None,
) -> Iterator[TrainingRun]:
    """An MLflow run around one training: started with its parameters, ended FINISHED, or
    FAILED (KILLED on Ctrl+C) with the error as a tag when the training raises.

    Args:
        name: the candidate's name: its ``candidate`` tag, and in the run's name after the
            training window (``2013-01…2013-06 manual__2013-06-01…``).
        tags: added to the run's tags (e.g. what made a later class train again).
    """
    params = training_params(config)
    version = code_version()
    # A clean commit also goes where MLflow's UI shows a run's source commit.
    commit = {"mlflow.source.git.commit": version} if GIT_COMMIT.fullmatch(version) else {}
    tracker = Tracker(data_dir)
    run_id = tracker.start_run(
        TRAINING_EXPERIMENT,
        # The window first: what tells runs apart in the UI's list.
        f"{config.train_months[0]}…{config.train_months[-1]} {name}",
        {"candidate": name, "code_version": version, ROLE_TAG: "training"}
        | commit
        | dict(tags or {}),
    )
    tracker.log(run_id, params=params)
    try:
        yield TrainingRun(tracker, run_id)
    except BaseException as error:
        tracker.log(run_id, tags={"error": f"{type(error).__name__}: {error}"[:5000]})
        tracker.end_run(run_id, "KILLED" if isinstance(error, KeyboardInterrupt) else "FAILED")
        raise
    tracker.end_run(run_id)
