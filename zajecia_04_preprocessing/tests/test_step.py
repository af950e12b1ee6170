"""The class's step of `make run`: flights_preprocess through Airflow, in a child process."""

import pytest

from kurs.runner import RunContext
from kurs.testing.shared import private_copy
from zajecia_03_airflow_ingest.tests.shared_data import ingested_quarter
from zajecia_04_preprocessing import step


@pytest.mark.slow
def test_step_preprocesses_a_month_through_airflow_and_sums_it_up(tmp_path, tmp_path_factory):
    data = private_copy(ingested_quarter(tmp_path_factory), tmp_path / "data")
    lines = []
    outputs = step.run(RunContext(data, lines.append), months=("2013-01",))
    assert outputs[0] == data / "features"
    assert lines[0].startswith("2013-01 … ok")
    assert lines[1].startswith("cechy: 27 004 wierszy, liczba cech 34; bramka jakości ok w 1")
