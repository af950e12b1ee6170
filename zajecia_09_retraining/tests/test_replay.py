"""What the replay refuses and keeps, without running it."""

import pytest
from sklearn.dummy import DummyClassifier

from zajecia_05_model.registry import Registry
from zajecia_05_model.tests.synthetic import model_metadata
from zajecia_09_retraining import audit
from zajecia_09_retraining.replay import archive_earlier, check_start


def test_earlier_records_are_archived_never_deleted(tmp_path):
    assert archive_earlier(tmp_path, ["2013-07"]) is None
    for run in (1, 2):
        audit.write_skip(tmp_path, "2013-07", f"przebieg {run}")
        archive = archive_earlier(tmp_path, ["2013-07", "2013-08"])
        assert archive.name == f"{run:04d}"
        assert (archive / "month=2013-07" / audit.SKIPPED).is_file()
        assert not audit.folder(tmp_path, "2013-07").exists()


def test_a_never_retrain_model_trained_on_a_replayed_month_is_refused(tmp_path):
    registry = Registry(tmp_path)
    model = DummyClassifier().fit([[0], [1]], [0, 1])
    registry.register(model, model_metadata(train_months=["2013-01", "2013-06"]))
    check_start(tmp_path, "v0001", "2013-07")
    with pytest.raises(RuntimeError, match="trenowany do 2013-06, a przegląd zaczyna się od"):
        check_start(tmp_path, "v0001", "2013-06")
