"""Backfill: run a DAG for a list of months through real Airflow, one line per month.

Each month is one ``dag.test()`` run against the metadata database in
``$MLOPS_DATA_DIR/airflow`` — the same task code, operators and XComs as under the
scheduler, without starting the scheduler. ``make run`` runs every class's DAGs this way.

    python -m kurs.backfill flights_ingest [--months 2013-01 2013-02 ...] [--conf JSON]

The months must be months of the data set (2013); any other is refused before Airflow
starts (exit code ``USAGE``). Each run gets its month as the ``month`` param: the first
item of the DAGs' rule for which month a run processes (:func:`kurs.dag_tasks.run_month`).
A DAG without a ``month`` param (``flights_train``) ignores it: its run is only labelled
with the month; its window comes from its own params (``--conf``).

Airflow's own output goes to ``$AIRFLOW_HOME/logs/backfill.log``; the terminal gets one
line per month. Airflow must be configured before it is imported, so :func:`run_backfill`
runs this command in a child process with the course's Airflow environment; started by
hand without that environment, the command does the same for itself.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from kurs import exit_codes
from kurs.airflow_env import airflow_environment, dag_folders
from kurs.cli import PolishArgumentParser, month_argument
from kurs.months import MONTHS_2013, month_start
from kurs.polish import seconds
from kurs.repository import data_dir as configured_data_dir

LOG_NAME = "backfill.log"
ERROR_MARK = "BŁĄD"
# The module's own name: under `python -m kurs.backfill`, __name__ is "__main__".
MODULE = "kurs.backfill"
# Set for the child process of run_backfill: the one that runs the DAG itself. Not
# AIRFLOW_HOME: a student may have exported their own, without the course's DAG bundles.
CHILD_MARK = "MLOPS_BACKFILL_CHILD"
FAILED_STATES = ("failed", "upstream_failed")
# The last line of a Python traceback in Airflow's log: the exception and its message.
TRACEBACK_END = re.compile(
    r"^Traceback \(most recent call last\):\n(?:[ \t].*\n)+(?P<error>[\w.]+): (?P<message>.*)$",
    re.M,
)


def load_dag(dag_id: str):
    """Parse the classes' DAG folders and return the DAG ``dag_id``.

    Raises:
        KeyError: no folder has it; the message lists the import errors met on the way.
    """
    # Airflow is imported here, not at the top: the parent process (make run) imports
    # this module too and must not load Airflow with an unprepared environment.
    from airflow.dag_processing.dagbag import DagBag

    errors = {}
    for folder in dag_folders():
        bag = DagBag(dag_folder=folder)
        if dag_id in bag.dags:
            return bag.dags[dag_id]
        errors |= bag.import_errors
    detail = "".join(f"\n{path}:\n{error}" for path, error in errors.items())
    raise KeyError(f"nie ma DAG-a '{dag_id}' w folderach dags/ zajęć{detail}")


def run_month(dag, month: str, conf: dict | None = None):
    """One ``dag.test()`` run for ``month``; return the finished DAG run.

    The month goes in the run's configuration (the DAGs' ``month`` param), and the
    logical date is the month's first day, as for a scheduled run. ``dag.test()`` makes a
    manual run, which gets its month from that param only (:func:`kurs.dag_tasks.run_month`).
    A fixed ``run_after`` gives the same run id on a re-run: the old run is replaced, not
    duplicated.
    """
    start = month_start(month)
    return dag.test(logical_date=start, run_after=start, run_conf={"month": month, **(conf or {})})


def run_problem(run) -> str:
    """What went wrong in a finished DAG run, in Polish; empty when nothing did.

    Airflow calls a run successful when its last tasks succeeded, even if an earlier task
    failed under a final task with ``trigger_rule="all_done"``; and a month outside the
    DAG's schedule gives a run without any task. Both are failures here.
    """
    instances = run.get_task_instances()
    if not instances:
        return "żadne zadanie się nie wykonało (miesiąc poza harmonogramem DAG-a?)"
    failed = sorted({ti.task_id for ti in instances if ti.state in FAILED_STATES})
    if run.state != "success" and not failed:
        failed = sorted({ti.task_id for ti in instances if ti.state != "success"})
    return f"zadania {', '.join(failed)} nie powiodły się" if failed else ""


def task_error(log_text: str) -> str:
    """The last exception that a traceback in Airflow's log ends with; empty when none.

    A task's error goes to the log, not to its task instance: this is how the month's
    line can say what happened (``brak partycji …``) instead of only which task failed.
    The message of ``AirflowFailException`` is the task's own (Polish) text.
    """
    found = list(TRACEBACK_END.finditer(log_text))
    if not found:
        return ""
    error, message = found[-1]["error"].rsplit(".", 1)[-1], found[-1]["message"]
    return message if error == "AirflowFailException" else f"{error}: {message}"


def run_conf(text: str) -> dict:
    """``--conf``: a JSON object of DAG params; the month comes from ``--months`` only."""
    try:
        conf = json.loads(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"to nie JSON: {error}") from None
    if not isinstance(conf, dict):
        raise argparse.ArgumentTypeError('oczekiwano obiektu JSON, np. {"train_start": "2013-02"}')
    if "month" in conf:
        raise argparse.ArgumentTypeError("miesiąc podaje się w --months, nie w --conf")
    return conf


def _months(dag_id: str, months: Sequence[str], conf: dict, log_path: Path) -> int:
    """Run the months one by one in this (configured) process; one line each on stdout."""
    # Keep the terminal for one line per month; everything Airflow prints goes to a log.
    progress = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a", encoding="utf-8") as log:
        os.dup2(log.fileno(), sys.stdout.fileno())
        os.dup2(log.fileno(), sys.stderr.fileno())
        from airflow.utils.db import upgradedb  # imported late, as in load_dag

        try:
            upgradedb()
            dag = load_dag(dag_id)
        except Exception as error:  # anything: the terminal gets one line, the log the rest
            print(
                f"{ERROR_MARK}: {type(error).__name__}: {error}; szczegóły w {log_path}",
                file=progress,
            )
            raise
        for month in months:
            started, logged = time.perf_counter(), log_path.stat().st_size
            try:
                problem = run_problem(run_month(dag, month, conf))
            except Exception as error:
                problem = f"{type(error).__name__}: {error}"
            took = seconds(time.perf_counter() - started)
            if problem:
                sys.stdout.flush()
                sys.stderr.flush()
                with log_path.open("rb") as written:  # what this month's run logged
                    written.seek(logged)
                    if cause := task_error(written.read().decode("utf-8", "replace")):
                        problem = f"{problem}: {cause}"
                print(
                    f"{month} … {ERROR_MARK} ({took}): {problem}; szczegóły w {log_path}",
                    file=progress,
                )
                return exit_codes.ERROR
            print(f"{month} … ok ({took})", file=progress)
    return exit_codes.OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = PolishArgumentParser(
        prog="python -m kurs.backfill",
        description="Uruchamia DAG dla kolejnych miesięcy przez Airflow (dag.test).",
    )
    parser.add_argument("dag_id", metavar="DAG", help="np. flights_ingest")
    parser.add_argument(
        "--months",
        nargs="+",
        type=month_argument,
        default=list(MONTHS_2013),
        metavar="RRRR-MM",
        help="miesiące danych (2013); domyślnie wszystkie 12",
    )
    parser.add_argument(
        "--conf",
        type=run_conf,
        default={},
        metavar="JSON",
        help='parametry przebiegu (obiekt JSON), np. \'{"train_start": "2013-02"}\'',
    )
    args = parser.parse_args(argv)
    if CHILD_MARK not in os.environ:
        # Started by hand: the same command again, in a child with the course's Airflow.
        try:
            run_backfill(args.dag_id, args.months, configured_data_dir(), print, args.conf)
        except RuntimeError:
            return exit_codes.ERROR
        return exit_codes.OK
    log_path = Path(os.environ["AIRFLOW_HOME"]) / "logs" / LOG_NAME
    return _months(args.dag_id, args.months, args.conf, log_path)


def run_backfill(
    dag_id: str,
    months: Sequence[str],
    data_dir: Path,
    report: Callable[[str], None],
    conf: dict | None = None,
) -> Path:
    """Run :func:`main` in a child process with Airflow's environment; relay its lines.

    Args:
        data_dir: the data folder of the DAG tasks (``MLOPS_DATA_DIR`` of the child); the
            metadata database is in its ``airflow/`` folder.
        conf: added to every run's configuration (DAG params other than ``month``).

    Returns:
        The ``AIRFLOW_HOME`` used (``data_dir/airflow``).

    Raises:
        RuntimeError: a month (or the start) failed; the message is the child's error line.
    """
    home = Path(data_dir) / "airflow"
    command = [sys.executable, "-m", MODULE, dag_id, "--months", *months]
    command += ["--conf", json.dumps(conf or {})]
    environment = {
        **os.environ,
        **airflow_environment(home),
        "MLOPS_DATA_DIR": str(data_dir),
        CHILD_MARK: "1",
    }
    error = ""
    with subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, text=True) as child:
        for line in child.stdout:
            report(line.rstrip())
            if ERROR_MARK in line:
                error = line.rstrip()
    if child.returncode != 0:
        log = home / "logs" / LOG_NAME
        raise RuntimeError(
            error or f"{dag_id}: proces zakończył się kodem {child.returncode}; log: {log}"
        )
    return home


if __name__ == "__main__":
    raise SystemExit(main())
