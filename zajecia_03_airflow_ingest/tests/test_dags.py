"""Every DAG of the repository parses; flights_ingest runs for real (dag.test, SQLite)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.models.asset import AssetEvent
from airflow.sdk import CronDataIntervalTimetable
from airflow.utils.session import create_session
from sqlalchemy import select

from zajecia_03_airflow_ingest.airflow_env import dag_folders
from zajecia_03_airflow_ingest.config import data_dir
from zajecia_03_airflow_ingest.partitions import Partition

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize("folder", dag_folders(), ids=lambda f: f.parent.name)
def test_dag_files_import_without_errors(folder):
    bag = DagBag(dag_folder=folder)
    assert not bag.import_errors
    assert bag.dags, f"{folder} nie ma DAG-ów"
    for dag in bag.dags.values():
        assert dag.tags and dag.doc_md, dag.dag_id


def test_ingest_dag_is_monthly_over_2013_with_catchup():
    dag = DagBag(dag_folder=dag_folders()[0]).dags["flights_ingest"]
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
    flights = Partition.of(data_dir(), "raw", "flights", "2013-02").manifest()
    assert flights["rows"] == 24_951
    assert Partition.of(data_dir(), "raw", "planes").exists()
    with create_session() as session:
        events = session.scalars(
            select(AssetEvent).where(
                AssetEvent.source_dag_id == run.dag_id, AssetEvent.source_run_id == run.run_id
            )
        ).all()
    assert [event.extra["data_sha256"] for event in events] == [flights["data_sha256"]]

    again = run_dag("flights_ingest", "2013-02")
    assert again.run_id == run.run_id and again.state == "success"
    assert (
        Partition.of(data_dir(), "raw", "flights", "2013-02").manifest()["data_sha256"]
        == flights["data_sha256"]
    )


@pytest.mark.slow
def test_bad_settings_fail_the_run_without_retries(run_dag):
    run = run_dag("flights_ingest", "2013-02", source="ftp://nie-ma")
    assert run.state == "failed"
    states = {ti.task_id: (ti.state, ti.try_number) for ti in run.get_task_instances()}
    assert states["reference_tables"] == ("failed", 1)
    assert not Partition.of(data_dir(), "raw", "flights", "2013-02").exists()
