"""The environment Airflow runs in here: a home folder, SQLite, and the repository's DAGs.

Airflow reads its configuration when it is first imported, so these variables must be
in the environment before that: ``make run`` and ``make airflow`` start Airflow in a
child process with them, and the tests set them when pytest starts
(``zajecia_03_airflow_ingest.pytest_airflow``).

Each class folder's ``dags/`` is one DAG bundle, so the Airflow UI shows which class a
DAG comes from and nothing else (no example DAGs) is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

from zajecia_03_airflow_ingest.config import REPO_ROOT

LOCAL_BUNDLE = "airflow.dag_processing.bundles.local.LocalDagBundle"


def dag_folders(root: Path = REPO_ROOT) -> list[Path]:
    """The ``dags/`` folders of all class packages, in class order."""
    return sorted(root.glob("zajecia_[0-9][0-9]_*/dags"))


def airflow_environment(home: Path, quiet: bool = True) -> dict[str, str]:
    """Environment variables for an Airflow with its metadata DB (SQLite) in ``home``.

    Args:
        home: the ``AIRFLOW_HOME`` folder (created if missing).
        quiet: log only warnings and errors (batch runs and tests); the local web
            server for students keeps Airflow's usual level.
    """
    home = Path(home).resolve()
    home.mkdir(parents=True, exist_ok=True)
    bundles = [
        {
            "name": folder.parent.name,
            "classpath": LOCAL_BUNDLE,
            "kwargs": {"path": str(folder), "refresh_interval": 0},
        }
        for folder in dag_folders()
    ]
    environment = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST": json.dumps(bundles),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
    }
    if quiet:
        environment["AIRFLOW__LOGGING__LOGGING_LEVEL"] = "WARNING"
    return environment
