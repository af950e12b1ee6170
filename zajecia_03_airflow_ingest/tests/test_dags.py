"""flights_ingest through real Airflow: its schedule, and a month run with dag.test()."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.sdk import CronDataIntervalTimetable

from kurs.backfill import load_dag, task_error
from kurs.repository import data_dir
from kurs.testing.airflow import asset_events
from zajecia_03_airflow_ingest.partitions import raw_partition

NEW_YORK = ZoneInfo("America/New_York")
DAGS = Path(__file__).resolve().parents[1] / "dags"


def test_ingest_dag_is_monthly_over_2013_with_catchup():
    bag = DagBag(dag_folder=DAGS)
    assert not bag.import_errors
    dag = bag.dags["flights_ingest"]
    assert isinstance(dag.timetable, CronDataIntervalTimetable)
    assert dag.catchup is True
    assert dag.start_date == datetime(2013, 1, 1, tzinfo=NEW_YORK)
    assert dag.end_date == datetime(2013, 12, 1, tzinfo=NEW_YORK)
    assert [task.task_id for task in dag.topological_sort()] == [
        "reference_tables",
        "monthly_tables",
    ]


@pytest.mark.slow
def test_ingest_dag_runs_a_month_and_emits_the_asset(run_dag):
    run = run_dag("flights_ingest", "2013-02")
    assert run.state == "success"
    assert run.logical_date == datetime(2013, 2, 1, tzinfo=NEW_YORK)
    assert run.conf == {"month": "2013-02"}
    flights = raw_partition(data_dir(), "flights", "2013-02").manifest()
    assert flights["rows"] == 24_951
    assert raw_partition(data_dir(), "planes").exists()
    assert [extra["data_sha256"] for extra in asset_events(run)] == [flights["data_sha256"]]

    again = run_dag("flights_ingest", "2013-02")
    assert again.run_id == run.run_id and again.state == "success"
    assert (
        raw_partition(data_dir(), "flights", "2013-02").manifest()["data_sha256"]
        == flights["data_sha256"]
    )


@pytest.mark.slow
def test_bad_settings_fail_the_run_without_retries(run_dag):
    run = run_dag("flights_ingest", "2013-02", source="ftp://nie-ma")
    assert run.state == "failed"
    states = {ti.task_id: (ti.state, ti.try_number) for ti in run.get_task_instances()}
    assert states["reference_tables"] == ("failed", 1)
    assert not raw_partition(data_dir(), "flights", "2013-02").exists()


@pytest.mark.slow
def test_a_manual_run_takes_its_month_from_the_month_param_only(run_dag, capfd):
    """The rule of kurs/dag_tasks.py: a manual run for 2013-03-01 without ``month`` gets
    February's data interval from Airflow — it is refused instead of ingesting February;
    a month outside the data is refused naming the param. Neither is retried."""
    dag = load_dag("flights_ingest")
    march = datetime(2013, 3, 1, tzinfo=NEW_YORK)
    for conf, message in (
        ({}, "brak miesiąca: przebieg typu manual bez parametru month"),
        ({"month": "2014-01"}, "parametr month: miesiąc 2014-01 jest poza danymi kursu"),
    ):
        run = dag.test(logical_date=march, run_after=march, run_conf=conf)
        assert run.data_interval_start == datetime(2013, 2, 1, tzinfo=NEW_YORK)
        states = {ti.task_id: (ti.state, ti.try_number) for ti in run.get_task_instances()}
        assert run.state == "failed" and states["monthly_tables"] == ("failed", 1)
        captured = capfd.readouterr()
        assert task_error(captured.out + captured.err).startswith(message)
    assert not (data_dir() / "raw" / "flights").exists()
