"""The environment Airflow runs in here: a home folder, a metadata database (SQLite in the
home unless told otherwise), and the classes' DAG bundles.

Airflow reads its configuration when it is first imported, so these variables must be in
the environment before that: ``make run`` and ``make airflow`` start Airflow in a child
process with them, and the tests set them when pytest starts (``kurs.testing.airflow``).

Each class folder's ``dags/`` is one DAG bundle, found by globbing ``zajecia_*/dags``: the
Airflow UI shows which class a DAG comes from, nothing else (no example DAGs) is loaded,
and a new class needs no list to be edited. The Airflow containers of class 03 find their
bundles the same way when they start::

    python -m kurs.airflow_env bundles /opt/airflow/project
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kurs import exit_codes
from kurs.cli import PolishArgumentParser
from kurs.repository import REPO_ROOT, class_folders

LOCAL_BUNDLE = "airflow.dag_processing.bundles.local.LocalDagBundle"


def dag_folders(root: Path = REPO_ROOT) -> list[Path]:
    """The ``dags/`` folders of the class packages under ``root``, in class order."""
    return [folder / "dags" for folder in class_folders(root) if (folder / "dags").is_dir()]


def bundle_config(root: Path = REPO_ROOT, refresh_interval_s: int = 0) -> list[dict]:
    """Airflow's ``dag_bundle_config_list``: one local bundle per class, named after it.

    Args:
        refresh_interval_s: how often the DAG processor looks for changed files; 0 for
            batch runs, which parse once.
    """
    return [
        {
            "name": folder.parent.name,
            "classpath": LOCAL_BUNDLE,
            "kwargs": {"path": str(folder), "refresh_interval": refresh_interval_s},
        }
        for folder in dag_folders(root)
    ]


def airflow_environment(
    home: Path, quiet: bool = True, database_url: str | None = None
) -> dict[str, str]:
    """Environment variables for an Airflow with its home (logs) in ``home``.

    Args:
        home: the ``AIRFLOW_HOME`` folder (created if missing).
        quiet: log only warnings and errors (batch runs and tests); the local web
            server for students keeps Airflow's usual level.
        database_url: the metadata database as a SQLAlchemy URL (e.g.
            ``postgresql+psycopg2://user:password@127.0.0.1:5432/airflow``); ``None``
            for SQLite in ``home / "airflow.db"``.
    """
    home = Path(home).resolve()
    home.mkdir(parents=True, exist_ok=True)
    environment = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": database_url or f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST": json.dumps(bundle_config()),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
    }
    if quiet:
        environment["AIRFLOW__LOGGING__LOGGING_LEVEL"] = "WARNING"
    return environment


def main(argv: list[str] | None = None) -> int:
    parser = PolishArgumentParser(
        prog="python -m kurs.airflow_env",
        description="Lista paczek DAG-ów (folder dags/ każdych zajęć) w formacie Airflow.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    bundles = commands.add_parser("bundles", help="JSON dla dag_bundle_config_list")
    bundles.add_argument("root", type=Path, help="katalog repozytorium (w kontenerze: montowany)")
    bundles.add_argument("--refresh-interval", type=int, default=30, metavar="S")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    bundles = bundle_config(root, args.refresh_interval) if root.is_dir() else []
    if not bundles:
        # A container started with a wrong mount must not come up with no DAGs and no error.
        print(
            f"Błąd: w {root} nie ma folderów zajecia_NN_*/dags (czy to repozytorium kursu?)",
            file=sys.stderr,
        )
        return exit_codes.ERROR
    print(json.dumps(bundles))
    return exit_codes.OK


if __name__ == "__main__":
    raise SystemExit(main())
