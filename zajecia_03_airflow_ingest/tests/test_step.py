"""The class's step of `make run`: flights_ingest through Airflow, in a child process."""

import pytest

from kurs.runner import RunContext
from zajecia_03_airflow_ingest import step


@pytest.mark.slow
def test_step_ingests_a_month_through_airflow_and_sums_it_up(tmp_path):
    lines = []
    outputs = step.run(RunContext(tmp_path, lines.append), months=("2013-01",))
    assert outputs == [tmp_path / "raw", tmp_path / "quarantine"]
    assert lines[0].startswith("2013-01 … ok")
    assert (
        lines[1]
        == "loty: 27 004 wierszy, w kwarantannie 0; pogoda: 2 226 wierszy, w kwarantannie 0"
    )
