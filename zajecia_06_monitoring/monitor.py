"""Monitoring of one month after training: drift, prediction drift, quality, a status.

The reference is the production model's training window (from its registry metadata).
For the month being monitored the model scores every flight; the report compares the
inputs and the predictions with the reference, and — when the month's outcomes are
known — the quality with the validation figures in the model card.

``flights_monitor`` runs :func:`months_to_monitor`, :func:`monitor_and_report` per month
and :func:`alert`; each month leaves ``monitoring/month=YYYY-MM/summary.json`` and
``report.html``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kurs.jsonio import json_ready, write_json_atomic
from kurs.polish import decimal
from zajecia_04_preprocessing.feature_partitions import load_features
from zajecia_04_preprocessing.features import (
    CATEGORICAL_FEATURES,
    FEATURES,
    NUMERIC_FEATURES,
    TARGET,
)
from zajecia_04_preprocessing.preprocess import months_to_process
from zajecia_05_model.metadata import ModelMetadata
from zajecia_05_model.registry import Registry
from zajecia_06_monitoring.drift import feature_drift, psi_from_bins
from zajecia_06_monitoring.performance import performance
from zajecia_06_monitoring.report import summary_path, write_report
from zajecia_06_monitoring.status import decide_status, load_thresholds


@dataclass
class MonthResult:
    month: str
    model_version: str
    validation: dict[str, float]
    drift: pd.DataFrame
    prediction_psi: float
    performance: dict[str, float] | None
    status: str = "ok"
    reasons: list[str] = field(default_factory=list)
    drifted_features: list[str] = field(default_factory=list)
    # For the report's figures: the reference and current samples, the score bins.
    reference: pd.DataFrame | None = None
    current: pd.DataFrame | None = None
    score_reference: dict[str, list[float]] = field(default_factory=dict)

    def summary(self) -> dict:
        """JSON-ready summary (no samples)."""
        return {
            "month": self.month,
            "model_version": self.model_version,
            "status": self.status,
            "reasons": self.reasons,
            "labels_available": self.performance is not None,
            "performance": self.performance,
            "validation": self.validation,
            "prediction_psi": self.prediction_psi,
            "drifted_features": self.drifted_features,
            "drift": json.loads(self.drift.to_json(orient="records")),
        }


def monitor_month(
    month: str,
    data_dir: Path,
    alias: str = "production",
    labels_available: bool = True,
    thresholds: dict | None = None,
) -> MonthResult:
    """Score ``month`` with the model behind ``alias`` and compare it with the training window.

    Raises:
        RegistryError: no model behind ``alias``, or a changed model file.
        PartitionError: the features of the month or of the training window are missing.
    """
    # BEGIN SOLUTION: predykcje, dryf, jakość i status miesiąca
    thresholds = thresholds or load_thresholds()
    loaded = Registry(data_dir).load(alias)
    metadata = ModelMetadata.from_dict(loaded.metadata)
    reference, _ = load_features(data_dir, metadata.train_months)
    current, _ = load_features(data_dir, (month,))
    current = current.assign(probability=loaded.model.predict_proba(current[list(FEATURES)])[:, 1])

    drift = feature_drift(reference, current, list(NUMERIC_FEATURES), list(CATEGORICAL_FEATURES))
    result = MonthResult(
        month=month,
        model_version=loaded.version,
        validation=metadata.main_validation,
        drift=drift,
        prediction_psi=psi_from_bins(**metadata.score_reference, current=current["probability"]),
        score_reference=metadata.score_reference,
        performance=(
            performance(current[TARGET], current["probability"].to_numpy(), metadata.threshold)
            if labels_available
            else None
        ),
        reference=reference,
        current=current,
    )
    result.drifted_features = drift.loc[
        drift["psi"] > thresholds["drift"]["psi_feature"], "feature"
    ].tolist()
    result.status, result.reasons = decide_status(result, thresholds)
    return result
    # END SOLUTION


def months_to_monitor(month: str | None, events: list, data_dir: Path) -> list[str]:
    """The month param or the feature months in the events, after the model's window.

    Months inside the production model's training window are its training data, not new
    data, so they are left out.
    """
    # BEGIN SOLUTION: miesiące do sprawdzenia, po oknie treningowym
    registry = Registry(data_dir)
    window = ModelMetadata.from_dict(registry.metadata(registry.resolve("production")))
    return [m for m in months_to_process(month, events) if m > window.train_months[-1]]
    # END SOLUTION


def history(data_dir: Path) -> list[dict]:
    """Summaries of the months monitored so far, oldest first."""
    folder = Path(data_dir) / "monitoring"
    paths = sorted(folder.glob("month=*/summary.json")) if folder.is_dir() else []
    return [json.loads(path.read_text(encoding="utf-8")) for path in paths]


def write_summary(result: MonthResult, data_dir: Path) -> Path:
    return write_json_atomic(summary_path(data_dir, result.month), json_ready(result.summary()))


def monitor_and_report(month: str, data_dir: Path, labels_available: bool = True) -> dict:
    """Monitor ``month``, write ``summary.json`` and ``report.html``; return the summary."""
    result = monitor_month(month, data_dir, labels_available=labels_available)
    write_summary(result, data_dir)
    write_report(result, data_dir, history(data_dir))
    return json_ready(result.summary())


def alert(summaries: list[dict]) -> dict | None:
    """The asset event's ``extra`` when any month is in alert, else ``None``."""
    # BEGIN SOLUTION: extra zdarzenia model_alert albo None
    alerts = [s for s in summaries if s["status"] == "alert"]
    if not alerts:
        return None
    return {
        "months": [s["month"] for s in alerts],
        "model_version": alerts[0]["model_version"],
        "reasons": [reason for s in alerts for reason in s["reasons"]],
    }
    # END SOLUTION


def status_line(summary: dict) -> str:
    """``2013-07: ROC AUC 0,784 (walidacja 0,788) — warning``, for ``make run``."""
    quality = summary["performance"]
    auc = f"ROC AUC {decimal(quality['roc_auc'], 3)}" if quality else "wyniki nieznane"
    validation = decimal(summary["validation"]["roc_auc"], 3)
    return f"{summary['month']}: {auc} (walidacja {validation}) — {summary['status']}"
