import math

import numpy as np
import pandas as pd
import pytest

from zajecia_06_monitoring.drift import (
    chi2_test,
    feature_drift,
    ks_test,
    psi_categorical,
    psi_numeric,
)

RNG = np.random.default_rng(0)
NORMAL = pd.Series(RNG.normal(size=20_000))


def test_identical_distributions_do_not_drift():
    same = pd.Series(np.random.default_rng(1).normal(size=20_000))
    assert psi_numeric(NORMAL, same) < 0.01
    statistic, pvalue = ks_test(NORMAL, same)
    assert statistic < 0.02 and pvalue > 0.01


def test_shifted_distribution_drifts_a_lot():
    shifted = NORMAL + 1.0
    assert psi_numeric(NORMAL, shifted) > 0.5
    assert ks_test(NORMAL, shifted)[1] < 1e-6


def test_empty_samples_give_no_verdict():
    empty = pd.Series([np.nan, np.nan])
    assert math.isnan(psi_numeric(NORMAL, empty))
    assert math.isnan(psi_categorical(pd.Series(["a"]), pd.Series([], dtype=str)))
    assert all(math.isnan(v) for v in ks_test(empty, NORMAL))
    assert all(math.isnan(v) for v in chi2_test(pd.Series(["a", "a"]), pd.Series([], dtype=str)))


def test_constant_columns():
    ones = pd.Series([1.0] * 100)
    assert psi_numeric(ones, ones) == 0
    assert psi_numeric(ones, pd.Series([2.0] * 100)) > 5


def test_categorical_psi_and_chi2():
    reference = pd.Series(["EWR"] * 50 + ["JFK"] * 50)
    assert psi_categorical(reference, reference) == pytest.approx(0)
    moved = pd.Series(["EWR"] * 10 + ["JFK"] * 60 + ["LGA"] * 30)
    assert psi_categorical(reference, moved) > 1
    statistic, pvalue = chi2_test(reference, moved)
    assert statistic > 50 and pvalue < 1e-6


def test_feature_drift_table_is_sorted_and_reports_missing_values():
    reference = pd.DataFrame({"temp": NORMAL, "origin": ["EWR", "JFK"] * 10_000})
    current = pd.DataFrame(
        {"temp": (NORMAL + 2).where(NORMAL > -1), "origin": ["EWR", "JFK"] * 10_000}
    )
    table = feature_drift(reference, current, ["temp"], ["origin"])
    assert table["feature"].tolist() == ["temp", "origin"]
    assert table.loc[0, "test"] == "KS" and table.loc[1, "test"] == "chi2"
    assert table.loc[0, "missing_reference"] == 0 and table.loc[0, "missing_change"] > 0.1
