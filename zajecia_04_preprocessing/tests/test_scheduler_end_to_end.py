"""The pipeline under Airflow's real scheduler, not ``dag.test()``: ``make airflow``
(``kurs.airflow_local``: API server, scheduler, DAG processor, triggerer; LocalExecutor)
with PostgreSQL as the metadata database runs ``flights_ingest`` (class 03) for one month,
triggered through the REST API v2, and its asset event starts ``flights_preprocess``; one
Ctrl+C then stops everything.
"""

import json
import signal

import pytest

from kurs import airflow_local, exit_codes
from kurs.testing.airflow_api import FINISHED, AirflowApi, ApiError, wait_for, wait_for_dag
from kurs.testing.local_airflow import (
    airflow_processes,
    free_port,
    launched_processes,
    local_airflow,
    output,
    stopped,
    wait_until_ready,
)
from kurs.testing.postgres import stop_cluster
from zajecia_03_airflow_ingest.partitions import raw_partition
from zajecia_04_preprocessing.feature_partitions import features_partition

MONTH = "2013-01"
# The logical date of the catch-up's first run, as `make run` gives its run of January:
# with a run on that date already there, unpausing flights_ingest does not start the
# year's catch-up (kurs/README.md, `make airflow`), and the scheduler runs this run alone.
LOGICAL_DATE = "2013-01-01T00:00:00-05:00"


def diagnosis(api: AirflowApi, home, data_dir) -> str:
    """The state of every task of every run of both DAGs, and the tails of the newest
    task logs and of Airflow's own output."""
    lines = []
    try:
        for dag_id in ("flights_ingest", "flights_preprocess"):
            for run in api.runs(dag_id):
                states = api.task_states(dag_id, run["dag_run_id"])
                lines.append(f"{dag_id} {run['dag_run_id']} {run['state']}: {states}")
    except (ApiError, OSError) as error:  # the API server may be what failed
        lines.append(f"API: {error}")
    task_logs = sorted(home.glob("logs/dag_id=*/**/*.log"), key=lambda log: log.stat().st_mtime)
    for log in task_logs[-3:]:
        lines.append(f"--- {log.relative_to(home)}\n{log.read_text()[-1500:]}")
    return "\n".join([*lines, "--- kurs.airflow_local", output(data_dir)[-2000:]])


@pytest.mark.slow
def test_scheduler_runs_ingest_and_then_preprocess_on_its_asset(tmp_path, postgres):
    home, port = tmp_path / "airflow", free_port()
    settings = {airflow_local.DATABASE_VARIABLE: postgres.url}
    with local_airflow(tmp_path, port, settings) as airflow:
        wait_until_ready(airflow, tmp_path, timeout_s=240)
        password = json.loads((home / "passwords.json").read_text())[airflow_local.USER]
        api = AirflowApi.login(f"http://127.0.0.1:{port}", airflow_local.USER, password)

        def diagnose() -> str:
            return diagnosis(api, home, tmp_path)

        for dag_id in ("flights_ingest", "flights_preprocess"):
            wait_for_dag(api, dag_id, 120, diagnose)
        # Preprocess first: it must be running when the asset event comes. The ingest run
        # exists before its DAG is unpaused, so the catch-up finds its date taken.
        api.unpause("flights_preprocess")
        run_id = api.request(
            "POST",
            "dags/flights_ingest/dagRuns",
            {"logical_date": LOGICAL_DATE, "conf": {"month": MONTH}},
        )["dag_run_id"]
        api.unpause("flights_ingest")

        def finished_ingest() -> dict | None:
            run = api.run("flights_ingest", run_id)
            return run if run["state"] in FINISHED else None

        ingest = wait_for(finished_ingest, 240, f"koniec przebiegu {run_id}", diagnose)
        assert ingest["state"] == "success", diagnose()

        def finished_preprocess() -> dict | None:
            runs = api.runs("flights_preprocess", run_type="asset_triggered")
            return runs[0] if runs and runs[0]["state"] in FINISHED else None

        preprocess = wait_for(finished_preprocess, 240, "flights_preprocess po zasobie", diagnose)
        assert preprocess["state"] == "success", diagnose()
        preprocess_id = preprocess["dag_run_id"]
        # Started by the event of this ingest run, with the month in its extra.
        assert [
            (event["name"], event["source_dag_id"], event["source_run_id"], event["extra"]["month"])
            for event in api.asset_events("flights_preprocess", preprocess_id)
        ] == [("raw_flights", "flights_ingest", run_id, MONTH)]
        assert api.task_states("flights_preprocess", preprocess_id) == {
            "months": "success",
            "build_month[0]": "success",
        }
        # The features of the month that the ingest wrote, from all of its flights.
        raw = raw_partition(tmp_path, "flights", MONTH).manifest()
        features = features_partition(tmp_path, MONTH).manifest()
        assert features["month"] == MONTH and features["rows_in"] == raw["rows"] > 20_000
        # One run of the ingest: the scheduler did not start the catch-up of 2013.
        assert [run["dag_run_id"] for run in api.runs("flights_ingest")] == [run_id]

        # kurs.airflow_local, its four components and their workers.
        assert len(launched_processes(tmp_path)) > 5
        took = stopped(airflow, signal.SIGINT)  # Ctrl+C in a terminal
        log = output(tmp_path)
        assert airflow.returncode == exit_codes.OK, log[-3000:]
    assert took <= airflow_local.STOP_GRACE_S + 5
    assert "Airflow zatrzymany" in log and "Traceback" not in log
    assert launched_processes(tmp_path) == [] and airflow_processes(home) == []
    stop_cluster(postgres)  # the metadata database ends with no process left, too
    assert postgres.server() is None and not postgres.folder.exists()
