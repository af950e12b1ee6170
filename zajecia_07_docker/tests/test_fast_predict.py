"""The fast path gives the registered pipeline's probabilities, to rounding."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from zajecia_05_model.registry import Registry
from zajecia_07_docker.fast_predict import BinnedForest, CompiledForest, UnsupportedModel
from zajecia_07_docker.served_model import ServedModel, features_table
from zajecia_07_docker.tests.flights import flights_of

TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def served(real_data):
    return ServedModel.load(Registry(real_data), "production")


@pytest.mark.slow
def test_fast_path_equals_the_pipeline_on_10000_real_flights(served, real_data):
    flights = flights_of(real_data, rows=10_000)
    expected = served.pipeline.predict_proba(features_table(flights))[:, 1]
    fast = np.array([served.forest.predict_proba(flight) for flight in flights])
    assert len(flights) == 10_000
    assert np.max(np.abs(fast - expected)) <= TOLERANCE
    batch = served.batch.predict_proba(features_table(flights))
    assert np.max(np.abs(batch - expected)) <= TOLERANCE
    # The rows exercise every kind of split: missing numbers and all categories.
    frame = features_table(flights)
    assert frame["plane_prev_late"].isna().any() and frame["dest"].nunique() > 50


def test_unknown_categories_and_missing_values_match_the_pipeline(served, flights):
    odd = [
        flights[0] | {"carrier": "ZZ", "dest": "XYZ"},
        flights[1] | dict.fromkeys(["temp", "plane_age", "origin_late_share_3h"]),
        flights[2] | {"dest": "HNL", "distance": 4983},
    ]
    expected = served.pipeline.predict_proba(features_table(odd))[:, 1]
    fast = [served.forest.predict_proba(flight) for flight in odd]
    np.testing.assert_allclose(fast, expected, rtol=0, atol=TOLERANCE)
    batch = served.batch.predict_proba(features_table(odd))
    np.testing.assert_allclose(batch, expected, rtol=0, atol=TOLERANCE)


def test_batch_and_single_predictions_agree(served, flights):
    batch = served.predict(flights[:20])
    single = [served.predict([flight])[0] for flight in flights[:20]]
    np.testing.assert_allclose(batch, single, rtol=0, atol=TOLERANCE)


def test_a_batch_with_a_column_of_nulls_only_is_scored(served, flights):
    batch = [flight | {"plane_prev_late": None} for flight in flights[:3]]
    assert np.all((served.predict(batch) >= 0) & (served.predict(batch) <= 1))


def test_other_models_are_refused_by_name(flights):
    pipeline = Pipeline([("model", LogisticRegression())])
    for fast_path in (CompiledForest, BinnedForest):
        with pytest.raises(UnsupportedModel, match="HistGradientBoostingClassifier"):
            fast_path(pipeline)
