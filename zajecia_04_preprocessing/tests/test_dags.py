"""flights_preprocess through real Airflow: asset schedule and a month with dag.test()."""

import pytest
from airflow.dag_processing.dagbag import DagBag

from zajecia_03_airflow_ingest.airflow_env import dag_folders
from zajecia_03_airflow_ingest.assets import RAW_FLIGHTS
from zajecia_03_airflow_ingest.config import data_dir
from zajecia_03_airflow_ingest.partitions import Partition
from zajecia_04_preprocessing.assets import FEATURES


@pytest.fixture(scope="module")
def dag():
    folder = next(f for f in dag_folders() if f.parent.name == "zajecia_04_preprocessing")
    return DagBag(dag_folder=folder).dags["flights_preprocess"]


def test_scheduled_by_the_ingest_asset(dag):
    assert dag.schedule == [RAW_FLIGHTS]
    assert dag.task_dict["build_month"].outlets == [FEATURES]


@pytest.mark.slow
def test_ingest_then_preprocess_a_month(run_dag):
    assert run_dag("flights_ingest", "2013-01").state == "success"
    run = run_dag("flights_preprocess", "2013-01")
    assert run.state == "success"
    mapped = [ti for ti in run.get_task_instances() if ti.task_id == "build_month"]
    assert [ti.rendered_map_index for ti in mapped] == ["2013-01"]
    assert Partition.of(data_dir(), "features", "flights", "2013-01").manifest()["rows"] == 27_004


@pytest.mark.slow
def test_missing_raw_data_fails_the_run(run_dag):
    run = run_dag("flights_preprocess", "2013-01")
    assert run.state == "failed"
    assert not Partition.of(data_dir(), "features", "flights", "2013-01").exists()
