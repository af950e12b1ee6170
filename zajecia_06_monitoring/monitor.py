"""Monitoring of one month after training: drift, prediction drift, quality, a status.

The reference is the production model's training window (from its registry metadata).
For the month being monitored the model scores every flight; the report compares the
inputs and the predictions with the reference, and — when the month's outcomes are
known — the quality with the validation figures in the model card.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from zajecia_01_planowanie.atomic_io import write_text_atomic
from zajecia_04_preprocessing.features import (
    CATEGORICAL_FEATURES,
    FEATURES,
    NUMERIC_FEATURES,
    TARGET,
)
from zajecia_05_model.registry import Registry, RegistryError
from zajecia_05_model.train import MAIN_MODEL, load_features
from zajecia_06_monitoring.drift import feature_drift, psi_from_bins
from zajecia_06_monitoring.performance import performance

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "monitoring.yaml"
STATUSES = ("ok", "warning", "alert")


def load_thresholds(path: Path | None = None) -> dict:
    """Status thresholds from ``monitoring.yaml`` (or ``MLOPS_MONITORING_CONFIG``)."""
    path = Path(path or os.environ.get("MLOPS_MONITORING_CONFIG") or DEFAULT_THRESHOLDS)
    thresholds = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(thresholds, dict) or set(thresholds) != {"drift", "performance"}:
        raise ValueError(f"{path}: oczekiwano sekcji 'drift' i 'performance'")
    return thresholds


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


def decide_status(result: MonthResult, thresholds: dict) -> tuple[str, list[str]]:
    """The month's status and the reasons for it, in Polish.

    Only the quality of predictions (known outcomes) can raise an alert; drift of the
    inputs or of the predictions raises at most a warning.
    """
    drift, quality = thresholds["drift"], thresholds["performance"]
    reasons: list[tuple[str, str]] = []
    shifted = result.drifted_features
    if shifted:
        names = ", ".join(shifted[:5]) + ("…" if len(shifted) > 5 else "")
        text = (
            f"dryf danych: {len(shifted)} z {len(result.drift)} cech z PSI > "
            f"{drift['psi_feature']} ({names})"
        )
        if len(shifted) / len(result.drift) >= drift["drifted_share_warning"]:
            reasons.append(("warning", text))
        else:
            # Said, not hidden: the shift is real even when it does not change the status.
            reasons.append(
                ("ok", f"{text} — poniżej progu ostrzeżenia; o statusie decyduje jakość")
            )
    if result.prediction_psi >= drift["psi_prediction_warning"]:
        reasons.append(("warning", f"dryf predykcji: PSI {result.prediction_psi:.2f}"))
    if result.performance is None:
        reasons.append(
            ("ok", "wyniki lotów jeszcze nieznane: jakość nieoceniona, status tylko z dryfu")
        )
    else:
        auc, reference = result.performance["roc_auc"], result.validation["roc_auc"]
        drop = reference - auc
        quality_text = (
            f"jakość: ROC AUC {auc:.3f}, spadek o {drop:.3f} względem walidacji ({reference:.3f})"
        )
        if not np.isfinite(auc):
            reasons.append(
                ("warning", "jakość: ROC AUC nie do obliczenia (jedna klasa w miesiącu)")
            )
        elif drop >= quality["auc_drop_alert"] or auc < quality["min_auc_alert"]:
            reasons.append(("alert", quality_text))
        elif drop >= quality["auc_drop_warning"]:
            reasons.append(("warning", quality_text))
        error = result.performance["calibration_error"]
        if error >= quality["calibration_error_warning"]:
            reasons.append(("warning", f"kalibracja: błąd {error:.3f}"))
    status = max((level for level, _ in reasons), key=STATUSES.index, default="ok")
    return status, [text for _, text in reasons] or ["bez zastrzeżeń"]


def monitor_month(
    month: str,
    data_dir: Path,
    alias: str = "production",
    labels_available: bool = True,
    thresholds: dict | None = None,
) -> MonthResult:
    """Score ``month`` with the model behind ``alias`` and compare it with the training window."""
    thresholds = thresholds or load_thresholds()
    loaded = Registry(data_dir).load(alias)
    metadata = loaded.metadata
    reference, _ = load_features(data_dir, tuple(metadata["train_months"]))
    current, _ = load_features(data_dir, (month,))
    if "score_reference" not in metadata:
        raise RegistryError(
            f"model {loaded.version} nie ma rozkładu odniesienia predykcji (score_reference); "
            "wytrenuj nowy model bieżącym kodem"
        )
    current = current.assign(probability=loaded.model.predict_proba(current[list(FEATURES)])[:, 1])

    drift = feature_drift(reference, current, list(NUMERIC_FEATURES), list(CATEGORICAL_FEATURES))
    result = MonthResult(
        month=month,
        model_version=loaded.version,
        validation=metadata["metrics"]["validation"][MAIN_MODEL],
        drift=drift,
        prediction_psi=psi_from_bins(**metadata["score_reference"], current=current["probability"]),
        score_reference=metadata["score_reference"],
        performance=(
            performance(current[TARGET], current["probability"].to_numpy(), metadata["threshold"])
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


def report_folder(data_dir: Path, month: str) -> Path:
    return Path(data_dir) / "monitoring" / f"month={month}"


def history(data_dir: Path) -> list[dict]:
    """Summaries of the months monitored so far, oldest first."""
    folder = Path(data_dir) / "monitoring"
    paths = sorted(folder.glob("month=*/summary.json")) if folder.is_dir() else []
    return [json.loads(path.read_text(encoding="utf-8")) for path in paths]


def json_ready(value):
    """NaN is not JSON: an unknown number becomes null."""
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_ready(item) for item in value]
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def write_summary(result: MonthResult, data_dir: Path) -> Path:
    text = json.dumps(json_ready(result.summary()), indent=2, ensure_ascii=False)
    return write_text_atomic(report_folder(data_dir, result.month) / "summary.json", text + "\n")
