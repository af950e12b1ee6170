"""flights_retrain through real Airflow: promote, keep, a gate refusal, skips, re-runs,
and a promotion that a running API follows during traffic."""

import threading

import pytest

from kurs.repository import data_dir
from zajecia_05_model.registry import Registry
from zajecia_08_deploy.deploy import wait_for_version
from zajecia_08_deploy.service import production_server
from zajecia_08_deploy.traffic import ReplayResult, month_requests, replay
from zajecia_09_retraining import audit
from zajecia_09_retraining.tests.scenario import SMALL, year
from zajecia_09_retraining.tests.tracked_decision import assert_tracked_decision

pytestmark = pytest.mark.slow


def states(run) -> dict[str, str]:
    return {ti.task_id: ti.state for ti in run.get_task_instances()}


def decision(month: str = "2013-05") -> dict:
    return audit.existing(data_dir(), month)


def test_the_same_world_keeps_the_champion_and_a_rerun_decides_nothing_again(run_dag):
    year(data_dir())
    first = run_dag("flights_retrain", "2013-05", **SMALL)
    assert states(first)["carry_out"] == "success"
    record = decision()
    assert not record["decision"]["promote"]
    assert "nie przekracza marginesu" in record["decision"]["reason"]
    registry = Registry(data_dir())
    assert registry.resolve("production") == "v0001"
    # Refused, and still in the registry, marked as such.
    assert registry.versions() == ["v0001", "v0002"]
    assert registry.tags("v0002")["decision"].startswith("odrzucona (miesiąc 2013-05)")
    assert_tracked_decision(record, "zostaje v0001", "not_needed")
    written = (audit.folder(data_dir(), "2013-05") / audit.DECISION).read_bytes()

    again = run_dag("flights_retrain", "2013-05", **SMALL)

    assert states(again) == {
        "plan": "skipped",
        "challenger": "skipped",
        "decide": "skipped",
        "carry_out": "skipped",
    }
    assert registry.versions() == ["v0001", "v0002"]
    assert (audit.folder(data_dir(), "2013-05") / audit.DECISION).read_bytes() == written


def test_a_challenger_failing_the_quality_gate_is_refused_however_good(run_dag):
    year(data_dir(), changed_from="2013-03")
    run = run_dag("flights_retrain", "2013-05", min_auc_gain=0.9, **SMALL)
    assert run.state == "success"
    record = decision()
    assert record["evaluation"]["low"] > 0.3  # far better on the month…
    assert not record["gate"]["passed"] and not record["decision"]["promote"]  # …but refused
    assert record["decision"]["reason"].startswith("challenger nie przeszedł bramki jakości")
    registry = Registry(data_dir())
    assert registry.resolve("production") == "v0001"
    assert "bramki jakości" in registry.tags("v0002")["decision"]


@pytest.mark.parametrize(
    ("month", "reason"),
    [
        ("2013-03", "brak nowych danych z wynikami: okno challengera kończy się na 2013-02"),
        ("2013-06", "brak danych z wynikami lotów miesiąca 2013-06"),
    ],
)
def test_a_run_without_new_labelled_data_skips_with_the_reason(run_dag, month, reason):
    year(data_dir())
    run = run_dag("flights_retrain", month, **SMALL)
    assert states(run)["plan"] == "skipped"
    assert reason in audit.skip_reason(data_dir(), month)
    assert Registry(data_dir()).versions() == ["v0001"]


def test_a_bad_param_is_refused_before_the_run_naming_it(run_dag):
    from airflow.sdk.exceptions import ParamValidationError

    year(data_dir())
    with pytest.raises(ParamValidationError, match="window_months"):
        run_dag("flights_retrain", "2013-05", window_months=1)
    assert Registry(data_dir()).versions() == ["v0001"]


def test_after_an_alert_the_challenger_is_promoted_and_the_api_switches_during_traffic(
    run_dag,
):
    year(data_dir(), changed_from="2013-03")
    monitored = run_dag("flights_monitor", "2013-05")
    assert states(monitored)["raise_alert"] == "success"
    bodies = month_requests(data_dir(), "2013-05")
    done = threading.Event()
    results: list[ReplayResult] = []

    def traffic(base_url: str) -> None:
        while not done.is_set():
            results.append(replay(base_url, bodies[:300], concurrency=2))

    with production_server(data_dir()) as server:
        sender = threading.Thread(target=traffic, args=(server.base_url,))
        sender.start()
        try:
            run = run_dag("flights_retrain", "2013-05", **SMALL)
            switched = wait_for_version(server.base_url, "v0002")
        finally:
            done.set()
            sender.join()

    assert run.state == "success" and set(states(run).values()) == {"success"} and switched
    # Traffic never stopped, nothing failed, and both versions answered it.
    failures = [failure for result in results for failure in result.failures]
    versions = {version for result in results for version in result.versions}
    assert failures == [] and versions == {"v0001", "v0002"}

    record = decision()
    assert record["trigger"]["status"] == "alert" and record["trigger"]["reasons"]
    assert record["champion"]["window"] == ["2013-01", "2013-02"]
    assert record["challenger"]["window"] == ["2013-03", "2013-04"]
    scored = {"period": "2013-05", "rows": record["evaluation"]["flights"]}
    assert record["champion"]["evaluated_on"] == record["challenger"]["evaluated_on"] == scored
    assert record["evaluation"]["low"] > record["settings"]["margin"]
    assert record["decision"]["promote"] and record["deployment"]["status"] == "promoted"
    assert [check["passed"] for check in record["deployment"]["checks"]] == [True, True]
    registry = Registry(data_dir())
    assert record["production"] == registry.resolve("production") == "v0002"
    assert registry.tags("v0002")["decision"].startswith("promowana (miesiąc 2013-05)")
    assert_tracked_decision(record, "promocja v0002", "promoted")
    markdown = (audit.folder(data_dir(), "2013-05") / "decision.md").read_text()
    assert "**Wynik: PROMOCJA.**" in markdown and "status **alert**" in markdown
