"""The class's step of `make run`: a deployment under traffic, live quality, a rollback."""

import pytest

from kurs.runner import RunContext
from kurs.testing.shared import private_copy
from zajecia_05_model.tests.shared_data import trained_quarter
from zajecia_08_deploy import step


@pytest.mark.slow
def test_step_deploys_during_traffic_then_rolls_back(tmp_path, tmp_path_factory):
    data = private_copy(trained_quarter(tmp_path_factory), tmp_path / "data")
    lines = []
    outputs = step.run(
        RunContext(data, lines.append),
        # Three months (one of them the replayed one) are too few for the default margin.
        window=("2013-01", "2013-03"),
        month="2013-03",
        min_auc_gain=0.0,
        # The traffic goes on until 100 requests after the switch, however long it takes.
        deploy_after=50,
        after_switch=100,
    )
    text = "\n".join(lines)
    assert "production: v0001 → v0002" in text
    assert "API przełączone na v0002 w trakcie ruchu" in text
    (summary,) = [line for line in lines if line.startswith("wysłano ")]
    sent = summary.removeprefix("wysłano ").split(" żądań")[0]
    assert f"200: {sent}, błędy: 0" in summary
    assert "v0001: " in summary and "v0002: " in summary  # both versions answered
    assert "jakość na żywo 2013-03, v0001" in text and "jakość na żywo 2013-03, v0002" in text
    assert "rollback: production → v0001; API przełączone: tak" in text
    assert outputs[0].is_file() and outputs[1].is_file()
