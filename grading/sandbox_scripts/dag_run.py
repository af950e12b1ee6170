"""Run one DAG for periods in order with ``dag.test()``; write the runs' states as JSON.

Run inside the sandbox by the ``dag_run`` checks:
``python dag_run.py DAG_FOLDER DAG_ID RESULT_JSON PERIOD…``, with the Airflow environment
the check sets (a temporary ``AIRFLOW_HOME`` with SQLite, one DAG bundle: the folder).
Each period (``YYYY-MM`` or ``YYYY-MM-DD``) gives the logical date — its first day at
midnight in the DAG's time zone (its ``start_date``'s: a run dated before the start
date creates no task), as a scheduled run of a data interval starting there — and the
run configuration
``{"month": PERIOD}``, which the course's DAGs read in a manual run. The first run that
does not succeed ends the list: later periods build on it. Each run's entry names the
assets (name and URI) of the asset events that run emitted, in order.
"""

import json
import sys
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from airflow.dag_processing.dagbag import DagBag
from airflow.models.asset import AssetEvent
from airflow.utils.db import upgradedb
from airflow.utils.session import create_session
from sqlalchemy import select


def logical_date(period: str, zone: tzinfo) -> datetime:
    parts = [int(part) for part in period.split("-")]
    return datetime(parts[0], parts[1], parts[2] if len(parts) > 2 else 1, tzinfo=zone)


def emitted(run) -> list[dict]:
    """The assets of the events whose source is the DAG run ``run`` (its DAG and run id;
    the database is this process's own, so no earlier run shares the id)."""
    with create_session() as session:
        events = session.scalars(
            select(AssetEvent)
            .where(AssetEvent.source_dag_id == run.dag_id, AssetEvent.source_run_id == run.run_id)
            .order_by(AssetEvent.id)
        ).all()
        assets = [event.asset for event in events]
        return [{"name": a.name, "uri": a.uri} for a in assets if a is not None]


def main() -> None:
    folder, dag_id, result, periods = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4:]
    upgradedb()
    bag = DagBag(dag_folder=folder)
    outcome: dict = {
        "found": dag_id in bag.dags,
        "runs": [],
        "errors": list(bag.import_errors.values()),
    }
    for period in periods if outcome["found"] else []:
        dag = bag.dags[dag_id]
        start = logical_date(period, dag.timezone or UTC)
        run = dag.test(logical_date=start, run_after=start, run_conf={"month": period})
        tasks = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
        outcome["runs"].append(
            {"period": period, "state": str(run.state), "tasks": tasks, "assets": emitted(run)}
        )
        if run.state != "success":
            break
    result.write_text(json.dumps(outcome), encoding="utf-8")


if __name__ == "__main__":
    main()
