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

A job that runs several DAGs in turn (the year replay of class 09) uses the same two
parts: :func:`run_in_airflow` starts its module in such a child, and there an
:class:`AirflowSession` runs the DAGs, paying Airflow's start-up once.

``make run`` goes one step further: the whole course runs in one configured process, and
inside :func:`one_session` every :func:`run_in_airflow` calls its module's ``main`` right
there, in a single session opened at first use — Airflow starts once for the year, not
once per class.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from kurs import exit_codes
from kurs.airflow_env import airflow_environment, dag_folders
from kurs.cli import PolishArgumentParser, month_argument
from kurs.months import MONTHS_2013, month_start
from kurs.polish import seconds
from kurs.repository import data_dir as configured_data_dir
from kurs.run_conf import check_params, parse_conf

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


class UnknownDag(LookupError):
    """No class folder has a DAG of that id; the message (Polish) lists those there are."""


def load_dag(dag_id: str):
    """Parse the classes' DAG folders and return the DAG ``dag_id``.

    Raises:
        UnknownDag: no folder has it; the message (one line) lists the DAGs there are and
            the DAG files that failed to import — only ``<dag_id>.py`` when that is one of
            them (in a student starter every later class's DAG file fails too). The
            tracebacks go to stderr: Airflow's log inside a session.
    """
    # Airflow is imported here, not at the top: the parent process (make run) imports
    # this module too and must not load Airflow with an unprepared environment.
    from airflow.dag_processing.dagbag import DagBag

    errors, known = {}, []
    for folder in dag_folders():
        bag = DagBag(dag_folder=folder)
        if dag_id in bag.dags:
            return bag.dags[dag_id]
        errors |= bag.import_errors
        known += bag.dags
    for path, error in errors.items():
        print(f"{path}:\n{error}", file=sys.stderr)
    # The message is the line a parent process relays (its BŁĄD line): it names the
    # broken DAG file with its exception, e.g. the task a student starter's DAG still is.
    own = {path: error for path, error in errors.items() if Path(path).stem == dag_id}
    broken = "".join(
        f"; błąd importu {'/'.join(Path(path).parts[-3:])}: {_last_line(error)}"
        for path, error in (own or errors).items()
    )
    raise UnknownDag(
        f"nie ma DAG-a '{dag_id}' w folderach dags/ zajęć; są: "
        f"{', '.join(sorted(known)) or 'żadne'}{broken}"
    )


def _last_line(error: str) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else "?"


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


def all_skipped(run) -> bool:
    """Whether every task of a finished run skipped: the run had nothing to do (a month
    decided already, no alert); its tasks say why in the log."""
    instances = run.get_task_instances()
    return bool(instances) and all(ti.state == "skipped" for ti in instances)


@dataclass(frozen=True)
class MonthRun:
    """One finished DAG run of a session: ``problem`` is empty when it succeeded."""

    dag_id: str
    month: str
    problem: str
    seconds: float
    skipped: bool = False

    def line(self, log_path: Path) -> str:
        """``2013-03 … ok (1,2 s)``, a run that skipped, or the error with where the
        details are."""
        took = seconds(self.seconds)
        if self.problem:
            return f"{self.month} … {ERROR_MARK} ({took}): {self.problem}; szczegóły w {log_path}"
        if self.skipped:
            return f"{self.month} … pominięty ({took}): żadne zadanie nie miało nic do zrobienia"
        return f"{self.month} … ok ({took})"


class AirflowSession:
    """DAG runs in this process, which is configured for Airflow (see :func:`run_in_airflow`).

    Entered, it keeps the terminal for the caller's lines (:meth:`report`) and sends
    everything Airflow prints to ``log_path``; it upgrades the metadata database once, before
    the first DAG, and parses each DAG once, so a job that runs many DAGs (the year replay
    of class 09) pays Airflow's start-up only once.
    """

    def __init__(self, log_path: Path):
        self.log_path = Path(log_path)
        self._dags: dict[str, object] = {}
        # Where report() sends lines: the terminal the session found, unless reporting_to.
        self._report: Callable[[str], None] | None = None

    def report(self, line: str) -> None:
        """One line for the person watching: the terminal, not Airflow's log."""
        if self._report is not None:
            self._report(line)
        else:
            print(line, file=self.progress)

    @contextmanager
    def reporting_to(self, report: Callable[[str], None]) -> Iterator[None]:
        """Inside the block, :meth:`report` sends lines to ``report``."""
        previous, self._report = self._report, report
        try:
            yield
        finally:
            self._report = previous

    def __enter__(self) -> AirflowSession:
        self.progress = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
        self._saved = [os.dup(fd) for fd in (sys.stdout.fileno(), sys.stderr.fileno())]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("a", encoding="utf-8")
        os.dup2(self._log.fileno(), sys.stdout.fileno())
        os.dup2(self._log.fileno(), sys.stderr.fileno())
        self._upgraded = False
        return self

    def __exit__(self, *exc_info) -> None:
        """Give the terminal back: the process may go on after the session."""
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, saved in zip((sys.stdout.fileno(), sys.stderr.fileno()), self._saved, strict=True):
            os.dup2(saved, fd)
            os.close(saved)
        self._log.close()
        self.progress.close()

    def _guarded(self, action, *args):
        """``action(*args)``; on any error the terminal gets one line, the log the rest."""
        try:
            return action(*args)
        except Exception as error:
            self.report(
                f"{ERROR_MARK}: {type(error).__name__}: {error}; szczegóły w {self.log_path}"
            )
            raise

    def dag(self, dag_id: str):
        """The parsed DAG ``dag_id``; the first call upgrades the metadata database."""
        if not self._upgraded:
            from airflow.utils.db import upgradedb  # imported late, as in load_dag

            self._guarded(upgradedb)
            self._upgraded = True
        if dag_id not in self._dags:
            self._dags[dag_id] = self._guarded(load_dag, dag_id)
        return self._dags[dag_id]

    def run(self, dag_id: str, month: str, conf: dict | None = None) -> MonthRun:
        """One ``dag.test()`` run for ``month`` (:func:`run_month`); never raises for a
        failed run — the returned record says what went wrong, with the task's own error."""
        dag = self.dag(dag_id)
        started, logged = time.perf_counter(), self.log_path.stat().st_size
        skipped = False
        try:
            run = run_month(dag, month, conf)
            problem, skipped = run_problem(run), all_skipped(run)
        except Exception as error:
            problem = f"{type(error).__name__}: {error}"
        if problem:
            sys.stdout.flush()
            sys.stderr.flush()
            with self.log_path.open("rb") as written:  # what this month's run logged
                written.seek(logged)
                if cause := task_error(written.read().decode("utf-8", "replace")):
                    problem = f"{problem}: {cause}"
        return MonthRun(dag_id, month, problem, time.perf_counter() - started, skipped)


def session_log() -> Path:
    """Where a session of the configured child process logs Airflow's output."""
    return Path(os.environ["AIRFLOW_HOME"]) / "logs" / LOG_NAME


class _Shared:
    """The one session of a process inside :func:`one_session`: opened at first use."""

    stack: ExitStack | None = None
    session: AirflowSession | None = None


@contextmanager
def one_session() -> Iterator[None]:
    """Inside the block, :func:`run_in_airflow` runs its module in this process, and
    :func:`airflow_session` gives every module the same session — opened when the first
    DAG runs, closed at the end of the block. Only in a configured process
    (:func:`in_airflow_child`): Airflow reads its configuration once, on import."""
    if not in_airflow_child():
        raise RuntimeError("one_session() needs a process configured for Airflow")
    with ExitStack() as stack:
        _Shared.stack = stack
        try:
            yield
        finally:
            _Shared.stack = _Shared.session = None


@contextmanager
def airflow_session(log_path: Path) -> Iterator[AirflowSession]:
    """The session for a job's DAG runs: the process's shared one inside
    :func:`one_session`, else a session of its own for the block."""
    if _Shared.stack is None:
        with AirflowSession(log_path) as session:
            yield session
        return
    if _Shared.session is None:
        _Shared.session = _Shared.stack.enter_context(AirflowSession(log_path))
    yield _Shared.session


def _months(dag_id: str, months: Sequence[str], conf: dict, log_path: Path) -> int:
    """Run the months one by one in this (configured) process; one line each on stdout."""
    with airflow_session(log_path) as session:
        try:
            check_params(session.dag(dag_id).params, conf)
        except ValueError as error:
            session.report(f"{ERROR_MARK}: --conf: {error}")
            return exit_codes.USAGE
        for month in months:
            outcome = session.run(dag_id, month, conf)
            session.report(outcome.line(log_path))
            if outcome.problem:
                return exit_codes.ERROR
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
        type=parse_conf,
        default={},
        metavar="JSON",
        help='parametry przebiegu (obiekt JSON), np. \'{"train_start": "2013-02"}\'',
    )
    args = parser.parse_args(argv)
    if not in_airflow_child():
        # Started by hand: the same command again, in a child with the course's Airflow.
        try:
            run_backfill(args.dag_id, args.months, configured_data_dir(), print, args.conf)
        except RuntimeError:
            return exit_codes.ERROR
        return exit_codes.OK
    return _months(args.dag_id, args.months, args.conf, session_log())


def in_airflow_child() -> bool:
    """Whether this process is the configured child that :func:`run_in_airflow` started."""
    return CHILD_MARK in os.environ


@contextmanager
def sigterm_as_exit() -> Iterator[None]:
    """SIGTERM (``kill``, ``timeout``, CI) raises ``SystemExit`` in the block, so that the
    block can stop what it started; by default Python would just die. Main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def exit_(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, exit_)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def stop(child: subprocess.Popen, grace_s: float = 10.0) -> None:
    """Terminate ``child``, and kill it if it is still there after ``grace_s``."""
    child.terminate()
    try:
        child.wait(grace_s)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


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
    arguments = [dag_id, "--months", *months, "--conf", json.dumps(conf or {})]
    return run_in_airflow(MODULE, arguments, data_dir, report, what=dag_id)


def run_in_airflow(
    module: str,
    arguments: Sequence[str],
    data_dir: Path,
    report: Callable[[str], None],
    what: str | None = None,
) -> Path:
    """``python -m module arguments`` in a child process configured for Airflow.

    Airflow reads its configuration once, on import, so a job that runs DAGs runs in a
    child with the course's Airflow environment (``data_dir/airflow``, the classes' DAG
    bundles) and ``MLOPS_DATA_DIR``; there :func:`in_airflow_child` is true. Every line
    the child prints is relayed to ``report``; a line with ``BŁĄD`` is its error.

    Returns:
        The ``AIRFLOW_HOME`` used (``data_dir/airflow``).

    Raises:
        RuntimeError: the child ended with a non-zero exit code; the message is its error
            line, or the code and the log's path.
    """
    home = Path(data_dir) / "airflow"
    if _Shared.stack is not None:
        return _run_here(module, arguments, data_dir, report, what)
    command = [sys.executable, "-m", module, *arguments]
    error = ""
    with (
        sigterm_as_exit(),
        subprocess.Popen(
            command, env=child_environment(data_dir), stdout=subprocess.PIPE, text=True
        ) as child,
    ):
        try:
            for line in child.stdout:
                report(line.rstrip())
                if ERROR_MARK in line:
                    error = line.rstrip()
        except BaseException:  # Ctrl+C, or `kill`/`timeout` here: never leave the child
            stop(child)
            raise
    if child.returncode != 0:
        log = home / "logs" / LOG_NAME
        raise RuntimeError(
            error or f"{what or module}: proces zakończył się kodem {child.returncode}; log: {log}"
        )
    return home


def child_environment(data_dir: Path) -> dict[str, str]:
    """This process's environment with the course's Airflow for ``data_dir`` (its
    ``airflow/`` folder), ``MLOPS_DATA_DIR`` and the mark of a configured process."""
    return {
        **os.environ,
        **airflow_environment(Path(data_dir) / "airflow"),
        "MLOPS_DATA_DIR": str(data_dir),
        CHILD_MARK: "1",
    }


def _run_here(
    module: str,
    arguments: Sequence[str],
    data_dir: Path,
    report: Callable[[str], None],
    what: str | None,
) -> Path:
    """:func:`run_in_airflow` inside :func:`one_session`: ``module.main(arguments)`` in
    this process, its lines to ``report``, a non-zero exit code as the same RuntimeError."""
    if Path(data_dir).resolve() != configured_data_dir().resolve():
        raise RuntimeError(
            f"{what or module}: folder danych {data_dir} inny niż folder tego procesu "
            f"({configured_data_dir()}); Airflow jest skonfigurowany dla jednego"
        )
    errors: list[str] = []

    def relay(line: str) -> None:
        report(line)
        if ERROR_MARK in line:
            errors.append(line)

    log = session_log()
    with airflow_session(log) as session, session.reporting_to(relay):
        try:
            code = importlib.import_module(module).main(list(arguments))
        except SystemExit as exit_:  # argparse refusing the arguments
            code = exit_.code
    if code:
        raise RuntimeError(
            errors[-1] if errors else f"{what or module}: zakończony kodem {code}; log: {log}"
        )
    return Path(data_dir) / "airflow"


if __name__ == "__main__":
    raise SystemExit(main())
