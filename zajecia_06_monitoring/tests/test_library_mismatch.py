"""Monitoring never scores a month with a model saved with other library versions."""

import pytest

from kurs.testing.shared import private_copy
from zajecia_05_model.library_versions import OVERRIDE_VARIABLE
from zajecia_05_model.registry import LibraryMismatch, Registry
from zajecia_05_model.tests.other_libraries import OTHER_SKLEARN, register_with_other_sklearn
from zajecia_05_model.tests.shared_data import SERVED_MONTH, trained_quarter
from zajecia_06_monitoring.monitor import monitor_month


def test_monitoring_refuses_the_model_and_says_why(tmp_path_factory, tmp_path, monkeypatch):
    monkeypatch.delenv(OVERRIDE_VARIABLE, raising=False)
    data = private_copy(trained_quarter(tmp_path_factory), tmp_path / "data")
    registry = Registry(data)
    registry.promote(register_with_other_sklearn(registry), allow_library_mismatch=True)
    with pytest.raises(LibraryMismatch, match=f"scikit-learn {OTHER_SKLEARN}"):
        monitor_month(SERVED_MONTH, data)
