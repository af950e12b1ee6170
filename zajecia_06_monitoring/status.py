"""The status of a monitored month — ok, warning or alert — from the thresholds in
``monitoring.yaml``, with every reason for it (Polish)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml

if TYPE_CHECKING:
    from zajecia_06_monitoring.monitor import MonthResult

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "monitoring.yaml"
STATUSES = ("ok", "warning", "alert")


def load_thresholds(path: Path | None = None) -> dict:
    """Status thresholds from ``monitoring.yaml`` (or ``MLOPS_MONITORING_CONFIG``).

    Raises:
        ValueError: the file lacks the ``drift`` or ``performance`` section.
    """
    path = Path(path or os.environ.get("MLOPS_MONITORING_CONFIG") or DEFAULT_THRESHOLDS)
    thresholds = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(thresholds, dict) or set(thresholds) != {"drift", "performance"}:
        raise ValueError(f"{path}: oczekiwano sekcji 'drift' i 'performance'")
    return thresholds


def decide_status(result: MonthResult, thresholds: dict) -> tuple[str, list[str]]:
    """The month's status and the reasons for it, in Polish.

    Only the quality of predictions (known outcomes) can raise an alert; drift of the
    inputs or of the predictions raises at most a warning.
    """
    # BEGIN SOLUTION: status i powody z progów (README, „Statusy”)
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
        reasons += _quality_reasons(result.performance, result.validation, quality)
    status = max((level for level, _ in reasons), key=STATUSES.index, default="ok")
    return status, [text for _, text in reasons] or ["bez zastrzeżeń"]
    # END SOLUTION


# BEGIN SOLUTION NO PROMPT
def _quality_reasons(performance: dict, validation: dict, limits: dict) -> list[tuple[str, str]]:
    auc, reference = performance["roc_auc"], validation["roc_auc"]
    drop = reference - auc
    text = f"jakość: ROC AUC {auc:.3f}, spadek o {drop:.3f} względem walidacji ({reference:.3f})"
    reasons = []
    if not np.isfinite(auc):
        reasons.append(("warning", "jakość: ROC AUC nie do obliczenia (jedna klasa w miesiącu)"))
    elif drop >= limits["auc_drop_alert"] or auc < limits["min_auc_alert"]:
        reasons.append(("alert", text))
    elif drop >= limits["auc_drop_warning"]:
        reasons.append(("warning", text))
    if performance["calibration_error"] >= limits["calibration_error_warning"]:
        reasons.append(("warning", f"kalibracja: błąd {performance['calibration_error']:.3f}"))
    return reasons


# END SOLUTION
