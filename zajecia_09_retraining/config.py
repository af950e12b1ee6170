"""Configuration of retraining: defaults, then environment, then run overrides (DAG params)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from kurs.settings import number, read_settings


@dataclass(frozen=True)
class RetrainConfig:
    """One retraining run.

    Attributes:
        window_months: length of the challenger's sliding window, the months ending at
            M−1 (fewer at the start of the data); at least 2, because class 05's training
            validates on the window's last month.
        margin: the smallest gain in ROC AUC worth a deployment. The lower bound of the
            interval of the difference must be above it, so a challenger wins only when it
            is better beyond noise *and* by enough to pay for the risk of a new version.
            Half a point of AUC: below that, a month of flights is ranked almost the same.
        confidence: of the paired (DeLong) interval of the ROC AUC difference.
        min_auc_gain: class 05's quality gate margin for the challenger; ``None`` = the
            default of class 05.
    """

    window_months: int = 6
    margin: float = 0.005
    confidence: float = 0.95
    min_auc_gain: float | None = None


SETTINGS = {
    "window_months": ("MLOPS_RETRAIN_WINDOW_MONTHS", number(int, 2, 11)),
    "margin": ("MLOPS_RETRAIN_MARGIN", number(float, 0, 1)),
    "confidence": ("MLOPS_RETRAIN_CONFIDENCE", number(float, 0.5, 0.999)),
    "min_auc_gain": ("MLOPS_TRAIN_MIN_AUC_GAIN", number(float, 0)),
}


def load_config(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] = os.environ
) -> RetrainConfig:
    """Defaults, then ``MLOPS_RETRAIN_*`` (and class 05's ``MLOPS_TRAIN_MIN_AUC_GAIN``),
    then overrides with the same names as :class:`RetrainConfig` (``None`` = not set).

    Raises:
        ValueError: an unknown setting or a value out of range; the message names it.
    """
    return replace(RetrainConfig(), **read_settings(SETTINGS, overrides, environ, "dotrenowania"))
