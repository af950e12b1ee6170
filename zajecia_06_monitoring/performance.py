"""Quality of the predictions once the month's outcomes are known."""

from __future__ import annotations

import numpy as np
import pandas as pd

from zajecia_05_model.evaluate import all_metrics

CALIBRATION_BINS = 10


def calibration_error(y: pd.Series, probability: np.ndarray, bins: int = CALIBRATION_BINS) -> float:
    """Expected calibration error: the mean |predicted − observed| over equal-size bins,
    weighted by bin size. 0 means the probabilities can be read at face value."""
    # BEGIN SOLUTION: błąd kalibracji (ECE) w bins przedziałach
    if not len(probability):
        return float("nan")
    order = np.argsort(probability, kind="stable")
    error = 0.0
    for chunk in np.array_split(order, bins):
        if len(chunk):
            error += len(chunk) * abs(probability[chunk].mean() - np.asarray(y)[chunk].mean())
    return float(error / len(probability))
    # END SOLUTION


def performance(y: pd.Series, probability: np.ndarray, threshold: float) -> dict[str, float]:
    """The class 05 metrics at the model's threshold, plus the calibration error."""
    # BEGIN SOLUTION: metryki z zajęć 05 i błąd kalibracji
    return {
        **all_metrics(y, probability, threshold),
        "calibration_error": calibration_error(y, probability),
    }
    # END SOLUTION
