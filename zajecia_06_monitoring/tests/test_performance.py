import numpy as np
import pandas as pd
import pytest

from zajecia_06_monitoring.performance import calibration_error, performance


def test_calibrated_probabilities_have_a_small_error():
    rng = np.random.default_rng(0)
    probability = rng.uniform(size=50_000)
    outcome = pd.Series((rng.uniform(size=50_000) < probability).astype(int))
    assert calibration_error(outcome, probability) < 0.01


def test_overconfident_probabilities_have_a_large_error():
    outcome = pd.Series([0, 1] * 500)
    assert calibration_error(outcome, np.full(1000, 0.9)) == pytest.approx(0.4)


def test_performance_adds_calibration_to_the_class_05_metrics():
    metrics = performance(pd.Series([0, 1, 0, 1]), np.array([0.1, 0.9, 0.2, 0.8]), 0.5)
    assert metrics["roc_auc"] == 1.0 and metrics["recall"] == 1.0
    assert "calibration_error" in metrics
