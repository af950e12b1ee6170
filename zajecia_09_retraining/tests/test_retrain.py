"""The plan of a retraining run: which window, which champion, or why nothing is done."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from kurs.testing.shared import private_copy
from zajecia_05_model.registry import Registry
from zajecia_09_retraining import audit
from zajecia_09_retraining.config import RetrainConfig
from zajecia_09_retraining.retrain import (
    Plan,
    RetrainingSkipped,
    alerted_month,
    challenger_window,
    decide,
    plan,
)
from zajecia_09_retraining.tests.scenario import year


@pytest.mark.parametrize(
    ("month", "length", "window"),
    [
        ("2013-10", 6, ("2013-04", "2013-05", "2013-06", "2013-07", "2013-08", "2013-09")),
        ("2013-03", 6, ("2013-01", "2013-02")),  # the data starts in January
        ("2013-01", 6, ()),
    ],
)
def test_the_window_ends_the_month_before_the_evaluated_one(month, length, window):
    assert challenger_window(month, length) == window


@pytest.mark.parametrize("month", ["2014-01", "2013-13", "abc"])
def test_a_month_outside_the_data_is_refused(month):
    with pytest.raises(ValueError, match="miesiąc"):
        challenger_window(month, 6)


def alert(*months: str) -> SimpleNamespace:
    """An asset event of class 06's alert, as Airflow hands it to the task."""
    return SimpleNamespace(extra={"months": list(months), "model_version": "v0001"})


def test_an_alert_run_answers_the_latest_month_in_alert():
    # Two monitoring runs ended before the scheduler started the DAG: one run answers both.
    assert alerted_month([alert("2013-08", "2013-10"), alert("2013-09")]) == "2013-10"
    assert alerted_month([alert("2013-07")]) == "2013-07"


@pytest.mark.parametrize("events", [[], [SimpleNamespace(extra=None)], [alert()]])
def test_an_alert_without_a_month_is_refused(events):
    with pytest.raises(ValueError, match="ani parametru month, ani miesięcy w zdarzeniu"):
        alerted_month(events)


@pytest.fixture(scope="module")
def champion_only(tmp_path_factory):
    return year(tmp_path_factory.mktemp("year"))


def test_the_plan_names_champion_challenger_window_and_trigger(champion_only):
    planned = plan("2013-05", champion_only, RetrainConfig(window_months=2))
    assert planned == Plan.from_dict(planned.to_dict())
    assert (planned.champion, planned.champion_window) == ("v0001", ("2013-01", "2013-02"))
    assert planned.window == ("2013-03", "2013-04")
    assert planned.challenger_name == "retrain_2013-05_2013-03_2013-04"
    assert planned.trigger["source"] == "manual" and planned.trigger["status"] is None


@pytest.mark.parametrize(
    ("month", "length", "reason"),
    [
        ("2013-02", 6, "za mało miesięcy danych"),
        ("2013-03", 6, "brak nowych danych z wynikami"),
        ("2013-04", 6, None),
        ("2013-06", 2, "brak danych z wynikami lotów miesiąca 2013-06"),
    ],
)
def test_runs_without_anything_new_to_decide_skip_with_the_reason(
    champion_only, month, length, reason
):
    config = RetrainConfig(window_months=length)
    if reason is None:
        assert plan(month, champion_only, config).window == ("2013-01", "2013-02", "2013-03")
        return
    with pytest.raises(RetrainingSkipped, match=reason):
        plan(month, champion_only, config)


def recorded(data: Path, promote: bool, **more) -> tuple[dict, Path]:
    """A decision of 2013-05 as decide() records it (the parts plan() reads); its path."""
    record = {
        "month": "2013-05",
        "champion": {"version": "v0001"},
        "challenger": {"version": "v0002", "window": ["2013-03", "2013-04"]},
        "decision": {"promote": promote, "reason": "…"},
        "deployment": {"status": "pending" if promote else "not_needed", "checks": []},
        **more,
    }
    path = audit.folder(data, "2013-05") / audit.DECISION
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(record))
    return record, path


def test_a_decided_month_skips_and_a_skip_never_replaces_a_decision(champion_only, tmp_path):
    data = private_copy(champion_only, tmp_path / "data")
    record, decision = recorded(data, promote=False)
    with pytest.raises(RetrainingSkipped, match=r"już rozstrzygnięty .* decyzja: zostaje v0001"):
        plan("2013-05", data, RetrainConfig(window_months=2))
    audit.write_skip(data, "2013-05", "miesiąc już rozstrzygnięty")
    assert audit.skip_reason(data, "2013-05") == "miesiąc już rozstrzygnięty"
    assert json.loads(decision.read_text()) == record
    assert Registry(data).versions() == ["v0001"]


def test_a_decision_not_carried_out_is_resumed_not_decided_again(champion_only, tmp_path):
    data = private_copy(champion_only, tmp_path / "data")
    planned = plan("2013-05", data, RetrainConfig(window_months=2))
    pending, _ = recorded(data, promote=True, plan=planned.to_dict())
    # A different window now: the recorded plan wins, so the decision is carried out as taken.
    assert plan("2013-05", data, RetrainConfig(window_months=3)) == planned
    assert decide(planned, "v0002", data, RetrainConfig()) == json.loads(json.dumps(pending))
