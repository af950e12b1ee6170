"""pytest plugin: a real Airflow for the test session, with a temporary home and SQLite.

Registered in ``pyproject.toml`` (``-p kurs.testing.airflow``) so that the environment is
set when pytest starts, before any test module imports Airflow (which reads its
configuration on import). Tests of every class that has DAGs use its fixtures:

* ``airflow_db`` — the metadata database, created once per session;
* ``airflow_child`` — this process marked as the configured child of ``make run``, so
  that a step run inside :func:`kurs.backfill.one_session` runs its DAGs here;
* ``run_dag(dag_id, month, **params)`` — ``dag.test()`` for one month on a fresh
  ``MLOPS_DATA_DIR``, returning the DAG run;

and :func:`asset_events`, what such a run emitted.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

HOME_KEY = pytest.StashKey[Path]()


# Project modules are imported inside the hooks: this plugin loads before pytest-cov
# starts measuring, and whatever it imported at the top would count as not covered.


def pytest_configure(config: pytest.Config) -> None:
    from kurs.airflow_env import airflow_environment

    home = Path(tempfile.mkdtemp(prefix="airflow-home-"))
    config.stash[HOME_KEY] = home
    os.environ.update(airflow_environment(home))


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(config.stash.get(HOME_KEY, None) or "", ignore_errors=True)


@pytest.fixture(scope="session")
def airflow_db(pytestconfig: pytest.Config) -> Path:
    """Create the Airflow metadata database (SQLite) once; return ``AIRFLOW_HOME``."""
    from airflow.utils.db import upgradedb  # imported late: the environment comes first

    upgradedb()
    return pytestconfig.stash[HOME_KEY]


@pytest.fixture
def airflow_child(airflow_db, monkeypatch) -> Path:
    """Mark this process as the child :func:`kurs.backfill.run_in_airflow` starts, which the
    plugin has configured already; return ``AIRFLOW_HOME``.

    A test then runs a step inside :func:`kurs.backfill.one_session`, as ``make run`` does:
    every DAG of the step runs in this process, on the session's migrated database,
    instead of a child that imports Airflow and migrates a database of its own (about
    10 s each). The test opens the session itself, in its call: pytest captures each
    phase's output on other file descriptors. ``MLOPS_DATA_DIR`` must be the step's data
    folder (:func:`kurs.backfill.run_in_airflow` refuses another one).
    """
    from kurs.backfill import CHILD_MARK

    monkeypatch.setenv(CHILD_MARK, "1")
    return airflow_db


@pytest.fixture
def run_dag(airflow_db, tmp_path, monkeypatch):
    """Run a DAG once with ``dag.test()`` on a fresh ``MLOPS_DATA_DIR``; return the run.

    Interval DAGs get the month as their data interval; every DAG also gets
    ``{"month": "YYYY-MM"}`` in its run configuration. The data folder is
    ``tmp_path / "data"``; a test prepares inputs there before the run.
    """
    from kurs.backfill import load_dag, run_month

    monkeypatch.setenv("MLOPS_DATA_DIR", str(tmp_path / "data"))

    def run(dag_id: str, month: str, **conf):
        return run_month(load_dag(dag_id), month, conf)

    return run


def asset_events(run) -> list[dict]:
    """The ``extra`` of each asset event that the DAG run ``run`` emitted, oldest first.

    The database is the session's, and a run of a month reuses the run (and its id) of an
    earlier run of that month, whose events stay: another test, of any class, may have run
    the same DAG for the same month on this worker before. An event counts when its task
    emitted it after that task instance last started, in this run.
    """
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session
    from sqlalchemy import select

    started = {ti.task_id: ti.start_date for ti in run.get_task_instances() if ti.start_date}
    with create_session() as session:
        events = session.scalars(
            select(AssetEvent)
            .where(AssetEvent.source_dag_id == run.dag_id, AssetEvent.source_run_id == run.run_id)
            .order_by(AssetEvent.id)
        ).all()
    return [
        event.extra
        for event in events
        if event.source_task_id in started and event.timestamp >= started[event.source_task_id]
    ]
