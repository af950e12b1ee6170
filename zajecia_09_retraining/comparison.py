"""Champion against challenger on the same flights: is the ROC AUC difference beyond noise?

Two models scored on one month give two ROC AUCs, and their difference is an estimate: on
another month of the same kind it would come out different. The models are compared on
the *same* flights, so their errors are correlated, and a paired method measures the
difference far more precisely than two separate intervals would.

The interval here is DeLong's (DeLong, DeLong & Clarke-Pearson, *Biometrics* 44, 1988),
the standard paired test of two ROC AUCs (``roc.test`` in R's pROC), computed with the
midrank algorithm of Sun & Xu (*IEEE Signal Processing Letters* 21, 2014): exact,
deterministic and O(n log n) — one month of flights takes milliseconds, where a
bootstrap would take seconds. The tests check it against a paired bootstrap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm, rankdata

from kurs.polish import decimal, signed


@dataclass(frozen=True)
class AucComparison:
    """ROC AUC of the champion and of the challenger on the same flights, and the
    confidence interval of their difference (challenger − champion)."""

    champion_auc: float
    challenger_auc: float
    standard_error: float
    low: float
    high: float
    confidence: float
    positives: int
    negatives: int

    @property
    def difference(self) -> float:
        """Challenger − champion; positive when the challenger ranks flights better."""
        return self.challenger_auc - self.champion_auc


def compare_auc(
    y_true: np.ndarray,
    champion_scores: np.ndarray,
    challenger_scores: np.ndarray,
    confidence: float = 0.95,
) -> AucComparison:
    """Paired comparison of two models' ROC AUC on the same flights (DeLong).

    Args:
        y_true: shape (n,), 1 = delayed, 0 = on time.
        champion_scores, challenger_scores: shape (n,), the models' scores (probabilities)
            for the same flights in the same order.
        confidence: of the two-sided interval of the difference, in (0, 1).

    Raises:
        ValueError: lengths differ, a score is not finite, a label is not 0/1, only one
            class is present, or ``confidence`` is outside (0, 1).
    """
    # BEGIN SOLUTION: przedział różnicy ROC AUC metodą DeLonga (README)
    y = np.asarray(y_true)
    if not len(y) == len(champion_scores) == len(challenger_scores):
        raise ValueError(
            f"różne długości: etykiet {len(y)}, wyników championa {len(champion_scores)}, "
            f"challengera {len(challenger_scores)}"
        )
    scores = np.vstack([np.asarray(champion_scores, float), np.asarray(challenger_scores, float)])
    if not np.isfinite(scores).all():
        raise ValueError("wyniki modeli muszą być liczbami skończonymi (bez NaN)")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("etykiety muszą być 0 (lot na czas) albo 1 (lot opóźniony)")
    if not 0 < confidence < 1:
        raise ValueError(f"poziom ufności musi być w przedziale (0, 1), jest {confidence}")
    positive = y == 1
    m, n = int(positive.sum()), int((~positive).sum())
    if m == 0 or n == 0:
        raise ValueError("ROC AUC wymaga lotów obu klas: opóźnionych i nieopóźnionych")

    aucs, v10, v01 = _structural_components(scores[:, positive], scores[:, ~positive])
    # Covariance of the two AUC estimates: S10 / m + S01 / n (DeLong 1988, eq. 5).
    covariance = np.cov(v10) / m + np.cov(v01) / n
    variance = covariance[0, 0] + covariance[1, 1] - 2 * covariance[0, 1]
    standard_error = float(np.sqrt(max(variance, 0.0)))
    z = float(norm.ppf(0.5 + confidence / 2))
    difference = float(aucs[1] - aucs[0])
    return AucComparison(
        champion_auc=float(aucs[0]),
        challenger_auc=float(aucs[1]),
        standard_error=standard_error,
        low=difference - z * standard_error,
        high=difference + z * standard_error,
        confidence=confidence,
        positives=m,
        negatives=n,
    )
    # END SOLUTION


# BEGIN SOLUTION NO PROMPT
def _structural_components(
    positives: np.ndarray, negatives: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """AUC per model and DeLong's placement values, from midranks (Sun & Xu 2014).

    ``positives`` has shape (models, m), ``negatives`` (models, n). ``V10[k, i]`` is the
    share of negatives model ``k`` scores below positive ``i`` (ties count half);
    ``V01[k, j]`` the share of positives it scores above negative ``j``.
    """
    m, n = positives.shape[1], negatives.shape[1]
    together = np.hstack([positives, negatives])
    ranks = rankdata(together, axis=1)  # midranks: tied scores share their mean rank
    within_positives = rankdata(positives, axis=1)
    within_negatives = rankdata(negatives, axis=1)
    v10 = (ranks[:, :m] - within_positives) / n
    v01 = 1.0 - (ranks[:, m:] - within_negatives) / m
    aucs = v10.mean(axis=1)
    return aucs, v10, v01
    # END SOLUTION


@dataclass(frozen=True)
class Decision:
    """Whether the challenger replaces the champion, and why (in Polish, for the audit)."""

    promote: bool
    reason: str


def decide(comparison: AucComparison, margin: float, gate_failure: str | None = None) -> Decision:
    """Promote only a challenger better beyond noise that also passed class 05's gate.

    Better beyond noise: the lower bound of the interval of the ROC AUC difference is above
    ``margin``. A point estimate above the champion is not enough — on a month of flights
    it moves by about ``standard_error`` from sample to sample alone. The margin asks for a
    gain worth a deployment on top of that (a new version has its own risks and costs).

    Args:
        comparison: the champion and the challenger on the same month.
        margin: the smallest gain in ROC AUC worth deploying, >= 0.
        gate_failure: why the challenger failed class 05's quality gate; None if it passed.
    """
    # BEGIN SOLUTION: promuj, gdy dolna granica > margines i bramka OK (README)
    level = f"{decimal(comparison.confidence * 100, 0)}%"
    interval = (
        f"różnica ROC AUC {signed(comparison.difference)}, przedział {level} "
        f"[{signed(comparison.low)}; {signed(comparison.high)}]"
    )
    if gate_failure:
        return Decision(False, f"challenger nie przeszedł bramki jakości: {gate_failure}")
    if comparison.low > margin:
        return Decision(True, f"{interval}: dolna granica powyżej marginesu {decimal(margin, 3)}")
    if comparison.high < 0:
        why = "challenger jest gorszy ponad szum"
    elif comparison.difference > margin:
        why = "poprawa mieści się w szumie"
    elif comparison.difference > 0:
        why = "challenger nie jest lepszy o margines"
    else:
        why = "challenger nie jest lepszy"
    return Decision(
        False,
        f"{interval}: dolna granica nie przekracza marginesu {decimal(margin, 3)} — {why}",
    )
    # END SOLUTION
