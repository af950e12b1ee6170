"""flights_preprocess through real Airflow: asset schedule and a month with dag.test()."""

from pathlib import Path

import pytest
from airflow.dag_processing.dagbag import DagBag

from kurs.repository import data_dir
from kurs.testing.shared import private_copy
from zajecia_03_airflow_ingest.assets import RAW_FLIGHTS
from zajecia_03_airflow_ingest.tests.shared_data import ingested_quarter
from zajecia_04_preprocessing.assets import FEATURES
from zajecia_04_preprocessing.feature_partitions import features_partition

DAGS = Path(__file__).resolve().parents[1] / "dags"


def test_scheduled_by_the_ingest_asset():
    bag = DagBag(dag_folder=DAGS)
    assert not bag.import_errors
    dag = bag.dags["flights_preprocess"]
    assert dag.schedule == [RAW_FLIGHTS]
    assert dag.task_dict["build_month"].outlets == [FEATURES]


@pytest.mark.slow
def test_preprocess_an_ingested_month(run_dag, tmp_path_factory):
    private_copy(ingested_quarter(tmp_path_factory), data_dir())
    run = run_dag("flights_preprocess", "2013-01")
    assert run.state == "success"
    mapped = [ti for ti in run.get_task_instances() if ti.task_id == "build_month"]
    assert [ti.rendered_map_index for ti in mapped] == ["2013-01"]
    assert features_partition(data_dir(), "2013-01").manifest()["rows"] == 27_004


@pytest.mark.slow
def test_missing_raw_data_fails_the_run(run_dag):
    run = run_dag("flights_preprocess", "2013-01")
    assert run.state == "failed"
    assert not features_partition(data_dir(), "2013-01").exists()
