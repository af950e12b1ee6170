"""Metrics of a probabilistic classifier and the decision threshold chosen for the KPI."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
)

BINS = 10


def _finite(values: pd.Series | np.ndarray) -> np.ndarray:
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(float)
    return numbers[np.isfinite(numbers)]


def reference_bins(
    reference: pd.Series | np.ndarray, bins: int = BINS
) -> tuple[list[float], list[float]]:
    """Inner bin edges (reference quantiles) and the reference's share in each bin.

    Training stores them for the validation scores (``score_reference`` in the model's
    metadata), so that later months' scores can be compared with them (prediction drift).
    A constant reference gets one bin holding exactly its value.
    """
    values = _finite(reference)
    if not len(values):
        return [], []
    if values.min() == values.max():
        inner = np.array([values[0], np.nextafter(values[0], np.inf)])
    else:
        inner = np.unique(np.quantile(values, np.linspace(0, 1, bins + 1)[1:-1]))
    shares = np.histogram(values, np.concatenate([[-np.inf], inner, [np.inf]]))[0] / len(values)
    return inner.tolist(), shares.tolist()


def bin_shares(edges: list[float], current: pd.Series) -> np.ndarray:
    """The share of ``current`` in each bin given by :func:`reference_bins` edges."""
    values = _finite(current)
    counts = np.histogram(values, np.concatenate([[-np.inf], edges, [np.inf]]))[0]
    return counts / len(values) if len(values) else counts.astype(float)


def ranking_metrics(y: pd.Series, probability: np.ndarray) -> dict[str, float]:
    """ROC AUC, PR AUC (average precision) and Brier score; NaN AUCs for a single class."""
    # BEGIN SOLUTION: ROC AUC, PR AUC, Brier, odsetek klasy i liczba lotów
    both_classes = len(np.unique(y)) == 2
    return {
        "roc_auc": float(roc_auc_score(y, probability)) if both_classes else float("nan"),
        "pr_auc": float(average_precision_score(y, probability)) if both_classes else float("nan"),
        "brier": float(brier_score_loss(y, probability)),
        "positive_rate": float(np.mean(y)),
        "rows": len(y),
    }
    # END SOLUTION


def decision_metrics(y: pd.Series, probability: np.ndarray, threshold: float) -> dict[str, float]:
    """Precision, recall and F1 when a flight is flagged at ``probability >= threshold``."""
    # BEGIN SOLUTION: precyzja, czułość, F1 i odsetek oznaczonych lotów
    flagged = probability >= threshold
    return {
        "precision": float(precision_score(y, flagged, zero_division=0)),
        "recall": float(recall_score(y, flagged, zero_division=0)),
        "f1": float(f1_score(y, flagged, zero_division=0)),
        "flagged_share": float(np.mean(flagged)),
    }
    # END SOLUTION


def all_metrics(y: pd.Series, probability: np.ndarray, threshold: float) -> dict[str, float]:
    return {**ranking_metrics(y, probability), **decision_metrics(y, probability, threshold)}


def per_month(
    months: pd.Series, y: pd.Series, probability: np.ndarray, threshold: float
) -> dict[str, dict[str, float]]:
    """:func:`all_metrics` for each month separately (the class share varies by month)."""
    # BEGIN SOLUTION: all_metrics osobno dla każdego miesiąca
    return {
        month: all_metrics(y[mask], probability[mask.to_numpy()], threshold)
        for month, mask in ((m, months == m) for m in sorted(months.unique()))
    }
    # END SOLUTION


def threshold_for_recall(y: pd.Series, probability: np.ndarray, recall: float) -> float:
    """The highest threshold whose recall on ``(y, probability)`` is at least ``recall``.

    Highest, because among thresholds that find enough disrupted flights it flags the
    fewest flights, so its warnings are the most precise (``cel_biznesowy.md``).
    """
    # BEGIN SOLUTION: najwyższy próg z czułością ≥ recall
    _, recalls, thresholds = precision_recall_curve(y, probability)
    # recalls[i] belongs to thresholds[i]; recall falls as the threshold rises.
    reaching = np.flatnonzero(recalls[:-1] >= recall)
    if not len(reaching):
        raise ValueError(f"żaden próg nie daje czułości {recall}")
    return float(thresholds[reaching[-1]])
    # END SOLUTION
