"""The class's step of `make run`: the production model behind gunicorn, real flights."""

import pytest

from kurs.runner import RunContext
from kurs.testing.shared import private_copy
from zajecia_07_docker import step


@pytest.mark.slow
def test_step_serves_a_month_in_batches_and_one_by_one(real_data, tmp_path):
    data = private_copy(real_data, tmp_path / "data")
    lines = []
    outputs = step.run(RunContext(data, lines.append), month="2013-03", flights=50)
    assert "model v0001 (2013-01…2013-02)" in lines[0]
    assert lines[1].startswith("50 lotów z 2013-03 w jednej partii")
    assert lines[2].startswith("złe żądanie (dep_hour = 25) → 422")
    assert outputs[0].name == "Dockerfile" and outputs[1].is_file()
