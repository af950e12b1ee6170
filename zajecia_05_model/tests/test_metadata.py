import pytest

from zajecia_05_model.metadata import MAIN_MODEL, MetadataError, ModelMetadata
from zajecia_05_model.tests.synthetic import model_metadata


def test_round_trip_through_the_json_layout():
    raw = model_metadata({"roc_auc": 0.78}, backtest={"pooled": {"roc_auc": 0.75}})
    assert list(raw["metrics"]) == ["validation", "backtest"]
    assert list(raw).index("metrics") == list(raw).index("rows") + 1
    metadata = ModelMetadata.from_dict(raw | {"version": "v0007", "model_sha256": "ab"})
    assert metadata.to_dict() == raw
    assert metadata.validation_auc == 0.78 and metadata.best_baseline_auc == 0.5
    assert metadata.backtest_auc == 0.75
    assert metadata.main_validation is metadata.validation[MAIN_MODEL]


def test_no_backtest_has_no_backtest_auc():
    assert ModelMetadata.from_dict(model_metadata()).backtest_auc is None


def test_a_record_without_training_fields_is_refused_by_name():
    raw = model_metadata()
    del raw["threshold"], raw["metrics"]
    with pytest.raises(MetadataError, match="threshold, validation, backtest"):
        ModelMetadata.from_dict(raw)
