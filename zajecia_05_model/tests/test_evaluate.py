import math

import numpy as np
import pandas as pd
import pytest

from zajecia_05_model.evaluate import all_metrics, per_month, ranking_metrics, threshold_for_recall

Y = pd.Series([0, 0, 0, 0, 1, 1, 1, 1])
P = np.array([0.1, 0.2, 0.3, 0.6, 0.4, 0.7, 0.8, 0.9])


def test_threshold_is_the_highest_that_reaches_the_recall():
    assert threshold_for_recall(Y, P, 0.5) == 0.8  # flags 0.8 and 0.9: recall 2/4
    assert threshold_for_recall(Y, P, 0.75) == 0.7
    assert threshold_for_recall(Y, P, 1.0) == 0.4


def test_metrics_at_a_threshold():
    metrics = all_metrics(Y, P, 0.5)
    assert metrics["roc_auc"] == pytest.approx(15 / 16)
    assert metrics["precision"] == 0.75 and metrics["recall"] == 0.75
    assert metrics["flagged_share"] == 0.5 and metrics["rows"] == 8
    assert metrics["brier"] == pytest.approx(np.mean((P - Y) ** 2))


def test_one_class_month_has_no_auc_but_other_metrics():
    metrics = ranking_metrics(pd.Series([0, 0]), np.array([0.2, 0.4]))
    assert math.isnan(metrics["roc_auc"]) and metrics["brier"] == pytest.approx(0.1)


def test_per_month():
    months = pd.Series(["2013-07"] * 4 + ["2013-08"] * 4)
    result = per_month(months, Y, P, 0.5)
    assert list(result) == ["2013-07", "2013-08"]
    assert result["2013-08"]["recall"] == 0.75
