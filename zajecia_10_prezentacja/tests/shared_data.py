"""A data folder with every artifact the final report reads, made by the earlier
classes' own code on a real quarter of 2013.

Built once per test session (``kurs.testing.shared``) on a copy of class 05's trained
quarter (raw and feature partitions of January–March, quality reports): a model trained
on January–February with its backtest on March, in production; March monitored (06);
300 of March's flights answered and logged, and their live quality assessed (08); the
replay's results for March (09). Read-only: copy it to change it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kurs.testing.shared import once_per_session, private_copy
from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_04_preprocessing.features import FEATURES
from zajecia_05_model.registry import Registry
from zajecia_05_model.tests.shared_data import TEST_TRAINING, train_and_register, trained_quarter
from zajecia_06_monitoring.monitor import monitor_and_report
from zajecia_07_docker.events import PredictionEvent
from zajecia_08_deploy.flight_ids import flight_ids
from zajecia_08_deploy.live_quality import live_quality
from zajecia_08_deploy.prediction_log import PredictionLog, log_path
from zajecia_09_retraining.config import RetrainConfig
from zajecia_09_retraining.replay import MonthRow, write_results

MONTH = "2013-03"
LOGGED_FLIGHTS = 300


def log_month(folder: Path, version: str, flights: int) -> None:
    """The first ``flights`` of the month scored by ``version`` and logged as the API
    logs single-flight requests, with latencies from 1 to 10 ms."""
    loaded = Registry(folder).load(version)
    frame = features_partition(folder, MONTH).read().head(flights)
    probabilities = loaded.model.predict_proba(frame[list(FEATURES)])[:, 1]
    threshold = loaded.metadata["threshold"]
    log = PredictionLog(log_path(folder, {}))
    for number, (flight_id, p) in enumerate(zip(flight_ids(frame), probabilities, strict=True)):
        latency_s = (1 + number % 10) / 1000
        log.append(
            PredictionEvent(
                f"r{number}",
                version,
                [{"flight_id": flight_id}],
                [float(p)],
                [bool(p >= threshold)],
                threshold,
                latency_s,
            )
        )


def course_artifacts(factory: pytest.TempPathFactory) -> Path:
    """The data folder described above; ``v0002`` (backtest on March) in production."""

    def build(folder: Path) -> None:
        private_copy(trained_quarter(factory), folder)
        with_backtest = replace(TEST_TRAINING, test_months=(MONTH,))
        registry = train_and_register(folder, with_backtest, "model_backtest")
        version = registry.versions()[-1]
        registry.promote(version)
        summary = monitor_and_report(MONTH, folder)
        log_month(folder, version, LOGGED_FLIGHTS)
        live_quality(MONTH, folder, log_path(folder, {}))
        auc = summary["performance"]["roc_auc"]
        row = MonthRow(MONTH, version, auc, auc, summary["status"], 0, {})
        totals = {"served": auc, "never_retrain": auc}
        write_results([row], totals, version, RetrainConfig(), folder)

    return once_per_session(factory, "course_artifacts", build)
