"""The champion/challenger comparison on synthetic scores with known answers."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from zajecia_09_retraining.comparison import compare_auc, decide


def month(n: int, champion_noise: float, challenger_noise: float, seed: int = 0):
    """Labels and two models' scores for ``n`` flights: each model sees the flight's true
    risk through its own noise (less noise = a better model); the noises are correlated,
    as two models trained on similar data are."""
    rng = np.random.default_rng(seed)
    risk = rng.normal(size=n)
    delayed = (risk + rng.normal(size=n) > 1.0).astype(int)
    shared = rng.normal(size=n)
    champion = risk + champion_noise * (0.7 * shared + 0.3 * rng.normal(size=n))
    challenger = risk + challenger_noise * (0.7 * shared + 0.3 * rng.normal(size=n))
    return delayed, champion, challenger


def test_aucs_are_scikit_learns_also_with_tied_scores():
    y, champion, challenger = month(3000, 1.0, 0.8)
    coarse = np.round(challenger, 1)  # many ties
    comparison = compare_auc(y, champion, coarse)
    assert comparison.champion_auc == pytest.approx(roc_auc_score(y, champion), abs=1e-12)
    assert comparison.challenger_auc == pytest.approx(roc_auc_score(y, coarse), abs=1e-12)
    assert (comparison.positives, comparison.negatives) == (y.sum(), len(y) - y.sum())


def test_the_standard_error_agrees_with_a_paired_bootstrap():
    y, champion, challenger = month(2000, 1.0, 0.9, seed=1)
    rng = np.random.default_rng(2)
    differences = []
    for _ in range(400):
        sample = rng.integers(0, len(y), len(y))
        differences.append(
            roc_auc_score(y[sample], challenger[sample])
            - roc_auc_score(y[sample], champion[sample])
        )
    comparison = compare_auc(y, champion, challenger)
    assert comparison.standard_error == pytest.approx(np.std(differences), rel=0.15)


def test_identical_models_are_kept():
    y, champion, _ = month(5000, 1.0, 1.0)
    comparison = compare_auc(y, champion, champion)
    assert comparison.difference == 0 and comparison.standard_error == 0
    decision = decide(comparison, margin=0.0)
    assert not decision.promote and "nie jest lepszy" in decision.reason


def test_a_clearly_better_challenger_is_promoted():
    y, champion, challenger = month(20_000, 1.2, 0.6)
    comparison = compare_auc(y, champion, challenger)
    assert comparison.low > 0.02
    decision = decide(comparison, margin=0.005)
    assert decision.promote and "powyżej marginesu 0,005" in decision.reason


def test_a_tiny_gain_inside_the_noise_is_kept():
    # Slightly less noise: a real but tiny gain, here +0.0036 with an interval across zero.
    y, champion, challenger = month(2000, 1.0, 0.97, seed=1)
    comparison = compare_auc(y, champion, challenger)
    assert 0 < comparison.difference < comparison.high and comparison.low < 0
    decision = decide(comparison, margin=0.0)
    assert not decision.promote and "mieści się w szumie" in decision.reason


def test_a_gain_beyond_noise_but_below_the_margin_is_kept():
    y, champion, _ = month(2000, 1.0, 1.0)
    # A nudge towards the truth reorders only flights the champion scored almost alike:
    # a gain on nearly every resample (a narrow interval above zero), but a small one.
    challenger = champion + 0.02 * (y - 0.5)
    comparison = compare_auc(y, champion, challenger)
    assert 0 < comparison.low < comparison.difference < 0.005
    assert decide(comparison, margin=0.0).promote
    decision = decide(comparison, margin=0.005)
    assert not decision.promote and "nie jest lepszy o margines" in decision.reason


def test_a_challenger_that_failed_the_quality_gate_is_kept_however_good():
    y, champion, challenger = month(20_000, 1.2, 0.6)
    decision = decide(compare_auc(y, champion, challenger), 0.0, "przewaga 0,001 < 0,005")
    assert not decision.promote and "bramki jakości: przewaga 0,001" in decision.reason


def test_the_interval_widens_with_confidence():
    y, champion, challenger = month(3000, 1.0, 0.9)
    narrow, wide = (compare_auc(y, champion, challenger, level) for level in (0.8, 0.99))
    assert wide.low < narrow.low < narrow.difference < narrow.high < wide.high


@pytest.mark.parametrize(
    ("y", "champion", "challenger", "message"),
    [
        ([0, 1, 1], [0.1, 0.2], [0.1, 0.2, 0.3], "różne długości"),
        ([0, 1], [0.1, float("nan")], [0.1, 0.2], "bez NaN"),
        ([0, 2], [0.1, 0.2], [0.1, 0.2], "etykiety"),
        ([1, 1], [0.1, 0.2], [0.1, 0.2], "obu klas"),
    ],
)
def test_bad_input_is_refused_with_the_reason(y, champion, challenger, message):
    with pytest.raises(ValueError, match=message):
        compare_auc(np.array(y), champion, challenger)


def test_a_confidence_outside_zero_one_is_refused():
    with pytest.raises(ValueError, match="poziom ufności"):
        compare_auc(np.array([0, 1]), [0.1, 0.2], [0.2, 0.1], confidence=95)


def test_a_worse_challenger_is_called_worse():
    y, champion, challenger = month(3000, 0.5, 1.5, seed=3)
    comparison = compare_auc(y, champion, challenger)
    assert comparison.high < 0
    assert decide(comparison, margin=0.005).reason.endswith("challenger jest gorszy ponad szum")
