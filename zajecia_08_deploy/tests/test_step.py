"""The class's step of `make run`: a deployment under traffic, live quality, a rollback.

The step's DAGs run in the test's own process (the ``airflow_child`` fixture), inside
:func:`kurs.backfill.one_session`, as in ``make run``; class 03's and 04's step tests
cover the child process that a step started on its own runs them in.
"""

from pathlib import Path

import pytest

from kurs.backfill import one_session
from kurs.runner import RunContext
from kurs.testing.shared import private_copy
from zajecia_05_model.tests.shared_data import trained_quarter
from zajecia_08_deploy import step
from zajecia_08_deploy.prediction_log import archive, log_path


@pytest.mark.slow
def test_step_deploys_during_traffic_then_rolls_back(
    airflow_child, tmp_path, tmp_path_factory, monkeypatch
):
    data = private_copy(trained_quarter(tmp_path_factory), tmp_path / "data")
    monkeypatch.setenv("MLOPS_DATA_DIR", str(data))
    lines = []
    with one_session():
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


def test_earlier_prediction_logs_are_archived_not_deleted(tmp_path):
    assert archive(tmp_path) is None  # no log yet
    path = log_path(tmp_path)
    path.parent.mkdir(parents=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").write_text(f"przebieg 1{suffix}")
    first = archive(tmp_path)
    path.write_text("przebieg 2")
    second = archive(tmp_path)
    assert (first.name, second.name) == ("0001", "0002")
    assert sorted(p.name for p in first.iterdir()) == sorted(
        [path.name, f"{path.name}-shm", f"{path.name}-wal"]
    )
    assert (second / path.name).read_text() == "przebieg 2"
    assert not path.exists()  # the next API starts a log of its own


class Aliases:
    """A registry that only points ``production`` somewhere."""

    production = "v0001"

    def __init__(self, data_dir):
        pass

    def resolve(self, alias):
        return Aliases.production

    def promote(self, version):
        Aliases.production = version


@pytest.mark.parametrize("stop", [KeyboardInterrupt, RuntimeError])
def test_an_interrupted_step_puts_back_the_model_it_started_with(tmp_path, monkeypatch, stop):
    """Ctrl+C or a failure between the promotion and the rollback: the next make run must
    not find the candidate in production."""

    def promoted_then_stopped(*args):
        Aliases.production = "v0002"
        raise stop("przerwany po promocji")

    monkeypatch.setattr(step, "Registry", Aliases)
    monkeypatch.setattr(step, "_deploy_and_roll_back", promoted_then_stopped)
    Aliases.production, lines = "v0001", []
    with pytest.raises(stop):
        step.run(RunContext(tmp_path, lines.append))
    assert Aliases.production == "v0001"
    assert lines == ["production → v0001, jak na początku kroku"]
