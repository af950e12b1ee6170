"""flights_monitor through real Airflow: the ok path and the alert path."""

import pytest

from kurs.repository import data_dir
from kurs.testing.airflow import asset_events


def states(run) -> dict[str, str]:
    return {ti.task_id: ti.state for ti in run.get_task_instances()}


@pytest.mark.slow
def test_healthy_month_writes_the_report_and_no_alert(run_dag, prepare_data):
    prepare_data(data_dir())
    run = run_dag("flights_monitor", "2013-03")
    assert run.state == "success"
    assert states(run)["raise_alert"] == "skipped"
    assert asset_events(run) == []
    assert (data_dir() / "monitoring" / "month=2013-03" / "report.html").is_file()


@pytest.mark.slow
def test_broken_month_emits_the_alert_asset(run_dag, prepare_data):
    prepare_data(data_dir(), flip_march=True)
    run = run_dag("flights_monitor", "2013-03")
    assert run.state == "success"
    assert states(run)["raise_alert"] == "success"
    [extra] = asset_events(run)
    assert extra["months"] == ["2013-03"] and extra["model_version"] == "v0001"


@pytest.mark.slow
def test_month_of_the_training_window_is_skipped(run_dag, prepare_data):
    prepare_data(data_dir())
    run = run_dag("flights_monitor", "2013-02")
    assert states(run)["months"] == "skipped"
