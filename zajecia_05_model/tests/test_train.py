from dataclasses import replace

import pandas as pd
import pytest

from zajecia_02_eda.data import LEAKAGE_COLUMNS
from zajecia_03_airflow_ingest.partitions import PartitionError
from zajecia_04_preprocessing.feature_partitions import load_features
from zajecia_04_preprocessing.features import FEATURES, TARGET
from zajecia_05_model.metadata import BASELINES, MAIN_MODEL
from zajecia_05_model.train import build_models, train


def test_training_validates_on_the_last_month_and_backtests_later_ones(features_dir, small_config):
    result = train(small_config, features_dir)
    assert result.rows == {"fit": 1500, "validation": 1500, "window": 3000}
    assert set(result.validation) == {*BASELINES, MAIN_MODEL}
    assert result.validation["dummy"]["roc_auc"] == 0.5
    assert result.validation[MAIN_MODEL]["roc_auc"] > result.best_baseline_auc - 0.05
    assert result.validation[MAIN_MODEL]["recall"] >= small_config.target_recall
    assert result.backtest["months"] == ["2013-03"]  # April has no features
    assert set(result.data_checksums) == {"2013-01", "2013-02", "2013-03"}


def test_model_uses_exactly_the_features_and_never_leakage(features_dir, small_config):
    model = train(small_config, features_dir).model
    assert list(model.feature_names_in_) == list(FEATURES)
    assert not set(LEAKAGE_COLUMNS) & set(model.feature_names_in_)


def test_unseen_categories_and_missing_values_do_not_break_prediction(features_dir, small_config):
    model = train(small_config, features_dir).model
    frame, _ = load_features(features_dir, ("2013-03",))
    odd = frame.head(3).copy()
    odd["dest"] = ["WAW", "KRK", pd.NA]
    odd["temp"] = float("nan")
    probability = model.predict_proba(odd[list(FEATURES)])[:, 1]
    assert ((probability > 0) & (probability < 1)).all()


def test_encoders_are_fitted_inside_each_pipeline(small_config):
    for name, model in build_models(small_config).items():
        assert model.steps[-1][0] == "model", name
        assert name == "dummy" or model.steps[0][0] == "features"


def test_missing_month_is_a_clear_error(features_dir, small_config):
    with pytest.raises(PartitionError, match="month=2012-12"):
        train(replace(small_config, train_months=("2012-12", "2013-01")), features_dir)


def test_target_is_not_among_features():
    assert TARGET not in FEATURES
