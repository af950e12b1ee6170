"""The whole course, class by class, on the embedded data: what ``make run`` executes.

Every class folder with a ``step.py`` contributes one step: a ``TITLE``, an ``ACTION`` and
a function ``run(context) -> list[Path]`` that rebuilds the class's deliverable and
returns what it produced. The runner finds the steps in class order — nothing lists them
by hand — resolves the data folder once and passes it to every step. Steps run in class
order because each builds on the previous ones; the first failure stops the run, so a
broken class never feeds the next one. A class without a step is listed with the status
from its README, so the output doubles as a map of the course.

A step may declare what it reads from the earlier steps, ``NEEDS = {"raw/flights": 3}``
(a path in the data folder → the class whose step writes it). Run on a data folder
without it (``--only 4`` on empty data), the step stops before it starts and the message
names the missing folder and the command that builds it. A step may also give lines for
the run's final summary, ``summary(data_dir) -> list[str]`` (the model versions, the
year's ROC AUC month by month), and ``ALWAYS_RUN = True`` when it reads something that
no fingerprint of code and data covers (the git history), so that it is never skipped.

The whole run is one process configured for Airflow: started without that configuration,
:func:`main` starts itself again in a child that has it (:func:`kurs.backfill.child_environment`),
and there every step's DAG runs share one Airflow session (:func:`kurs.backfill.one_session`)
— Airflow starts once for the year, not once per class.

A second run skips every step whose work is still current (:mod:`kurs.run_state`: same
code, same run of the step before, its outputs still there); ``--force`` runs them all,
``--only`` runs the chosen ones whatever their state. At the end the course grades this
repository with the instructor's tool (``python -m grading``, static mode).

    python -m kurs [--only 1 2 ...] [--force]
"""

from __future__ import annotations

import importlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from kurs import exit_codes, run_state
from kurs.backfill import (
    child_environment,
    in_airflow_child,
    one_session,
    sigterm_as_exit,
    stop,
)
from kurs.cli import PolishArgumentParser
from kurs.jsonio import write_json_atomic
from kurs.polish import seconds
from kurs.repository import REPO_ROOT, class_folders, class_number, data_dir

INDENT = " " * 8
STATUS_LINE = re.compile(r"^> Status: \*\*(.+?)\*\*", re.M)
PREPARING = "w przygotowaniu"
# The timings of the last run, for `make bench` (kurs/bench.py).
TIMINGS = "last_run.json"
# How long the child gets to end by itself after Ctrl+C (it stops its API servers).
INTERRUPT_GRACE_S = 20.0


@dataclass(frozen=True)
class RunContext:
    """What a step gets: the data folder of this run, and where its progress lines go."""

    data_dir: Path
    report: Callable[[str], None]


class MissingInputs(RuntimeError):
    """A step's inputs from earlier classes are not in the data folder; the message says
    which and what to run first."""


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    action: str
    run: Callable[[RunContext], list[Path]]
    # What the step reads from earlier steps: a path in the data folder → their class.
    needs: Mapping[str, int] = field(default_factory=dict)
    # Lines for the run's final summary, from the data folder; None: the step has none.
    summary: Callable[[Path], list[str]] | None = None
    # Never skipped: the step reads what no fingerprint of code and data covers.
    always_run: bool = False

    def check_inputs(self, data_dir: Path) -> None:
        """Raises :class:`MissingInputs` when a path of ``needs`` is not in ``data_dir``."""
        missing = {
            path: number for path, number in self.needs.items() if not (data_dir / path).exists()
        }
        if not missing:
            return
        listed = ", ".join(f"{path}/ (zajęcia {number:02d})" for path, number in missing.items())
        earlier = " ".join(str(number) for number in sorted(set(missing.values())))
        raise MissingInputs(
            f"W folderze danych {data_dir} brakuje wyników wcześniejszych zajęć: {listed}. "
            f"Uruchom najpierw ich krok: python -m kurs --only {earlier} (albo cały kurs: "
            "make run); inny folder danych wskazuje MLOPS_DATA_DIR."
        )


@dataclass(frozen=True)
class Course:
    """The classes found in the repository: their steps, and the status of the others.

    ``step_numbers`` are all the classes with a step, also those ``--only`` left out: a
    step's work is current only for the run of the step before it (:mod:`kurs.run_state`).
    """

    steps: tuple[Step, ...]
    without_step: dict[int, str]
    class_count: int
    root: Path = REPO_ROOT
    step_numbers: tuple[int, ...] = ()

    def step_before(self, number: int) -> int | None:
        """The class whose step comes before class ``number``'s; ``None`` for the first."""
        numbers = self.step_numbers or tuple(step.number for step in self.steps)
        return max((n for n in numbers if n < number), default=None)


@dataclass(frozen=True)
class Done:
    """A step of this run: what it made, how long it took (s), whether it was skipped."""

    step: Step
    outputs: list[Path]
    seconds: float
    skipped: bool = False


def readme_status(folder: Path) -> str:
    """The status a class README declares (``> Status: **gotowe**``), or what is missing."""
    readme = Path(folder) / "README.md"
    match = STATUS_LINE.search(readme.read_text(encoding="utf-8")) if readme.is_file() else None
    return match[1] if match else "brak statusu w README"


def classes_with_steps(root: Path = REPO_ROOT) -> list[int]:
    """The numbers of the classes under ``root`` that have a ``step.py`` (nothing imported)."""
    return [class_number(f) for f in class_folders(root) if (f / "step.py").is_file()]


def discover(root: Path = REPO_ROOT, only: Collection[int] | None = None) -> Course:
    """Import the ``step`` module of every class folder under ``root`` that has one.

    Args:
        only: import just these classes' steps (a step imports its class's libraries,
            which takes seconds); the others are left out of the course.

    Raises:
        AttributeError: a ``step.py`` without ``TITLE``, ``ACTION`` or ``run``.
    """
    steps, without_step = [], {}
    folders = class_folders(root)
    for folder in folders:
        number = class_number(folder)
        if not (folder / "step.py").is_file():
            without_step[number] = readme_status(folder)
        elif only is None or number in only:
            module = importlib.import_module(f"{folder.name}.step")
            needs, summary = getattr(module, "NEEDS", {}), getattr(module, "summary", None)
            always = getattr(module, "ALWAYS_RUN", False)
            steps.append(
                Step(number, module.TITLE, module.ACTION, module.run, needs, summary, always)
            )
    numbers = tuple(classes_with_steps(root))
    return Course(tuple(steps), without_step, len(folders), Path(root), numbers)


def _relative(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _without_step_lines(without_step: dict[int, str]) -> list[str]:
    by_status: dict[str, list[int]] = {}
    for number, status in sorted(without_step.items()):
        by_status.setdefault(status, []).append(number)
    lines = []
    for status, numbers in by_status.items():
        listed = ", ".join(f"{number:02d}" for number in numbers)
        why = "jeszcze bez kodu" if status == PREPARING else "bez kroku w make run"
        lines.append(f"{status[0].upper()}{status[1:]} ({why}): zajęcia {listed}.")
    return lines


def _heading(step: Step, class_count: int) -> str:
    return f"[{step.number:02d}/{class_count}] {step.title}: {step.action} … "


def _run_step(step: Step, class_count: int, folder: Path, out: TextIO) -> tuple[list[Path], float]:
    """One step with its progress line; details it reports go indented under it. Return
    what it made and how long it took (s)."""
    print(_heading(step, class_count), end="", file=out)
    out.flush()
    details = 0

    def report(line: str) -> None:
        nonlocal details
        print(("\n" if details == 0 else "") + INDENT + line, file=out)
        out.flush()
        details += 1

    def finish(verdict: str) -> float:
        took = time.perf_counter() - started
        print(f"{INDENT if details else ''}{verdict} ({seconds(took)})", file=out)
        return took

    started = time.perf_counter()
    try:
        step.check_inputs(folder)
        outputs = step.run(RunContext(folder, report))
    except KeyboardInterrupt:
        finish("przerwany")
        raise
    except Exception:
        finish("BŁĄD")
        raise
    return outputs, finish("ok")


def _run_or_skip(step: Step, course: Course, folder: Path, out: TextIO, force: bool) -> Done:
    """Skip the step when its work is current (:mod:`kurs.run_state`), else run it and
    stamp it done."""
    before = course.step_before(step.number)
    previous = run_state.read_stamp(folder, before) if before is not None else None
    key = run_state.step_key(run_state.code_fingerprint(step.number, course.root), previous)
    stamp = run_state.read_stamp(folder, step.number)
    if not (force or step.always_run) and stamp is not None and stamp.is_current(key):
        print(
            f"{_heading(step, course.class_count)}pominięty: zrobiony w poprzednim przebiegu "
            f"({seconds(stamp.seconds)}), kod bez zmian, wyniki na miejscu",
            file=out,
        )
        return Done(step, [Path(path) for path in stamp.outputs], 0.0, skipped=True)
    run_state.clear_stamp(folder, step.number)
    outputs, took = _run_step(step, course.class_count, folder, out)
    run_state.write_stamp(folder, step.number, key, took, outputs)
    return Done(step, outputs, took)


@dataclass(frozen=True)
class Grade:
    """The grader's verdict on this repository (static mode): a line for the summary, and
    ``ok`` false when the grader is there but could not grade it."""

    line: str
    ok: bool


def _points(value: str) -> str:
    number = float(value)
    return f"{number:.0f}" if number.is_integer() else f"{number:.1f}".replace(".", ",")


def grade_repository(root: Path, timeout_s: float = 600) -> Grade:
    """Grade ``root`` with the instructor's tool, ``python -m grading ROOT --format json``
    (static mode: nothing of the student's is run; ``grading/README.md``).

    The grader is a separate program, never imported: it trusts nothing of the repository
    it grades, this one included.
    """
    if not (Path(root) / "grading" / "__main__.py").is_file():
        return Grade("pominięta: w tym repozytorium nie ma narzędzia oceniania (grading/)", True)
    command = [sys.executable, "-m", "grading", str(root), "--format", "json"]
    try:
        done = subprocess.run(
            command, cwd=root, capture_output=True, text=True, timeout=timeout_s, check=False
        )
        result = json.loads(done.stdout)
    except subprocess.TimeoutExpired:
        return Grade(f"narzędzie oceniania nie skończyło w {seconds(timeout_s)}", False)
    except ValueError:
        problem = (done.stderr.strip().splitlines() or [f"kod wyjścia {done.returncode}"])[-1]
        return Grade(f"narzędzie oceniania nie oceniło repozytorium: {problem}", False)
    if result.get("status") != "graded":
        return Grade(f"repozytorium nieocenione: {result.get('error')}", False)
    commit = (result.get("graded_commit") or "bez commitu")[:12]
    return Grade(
        f"{_points(result['total'])} z {_points(result['evaluated_max'])} pkt sprawdzanych bez "
        f"uruchamiania (commit {commit}); cała rubryka ma {_points(result['max'])} pkt — resztę "
        "sprawdza tryb uruchomieniowy: make grade RUN=1",
        True,
    )


def _write_timings(folder: Path, done: list[Done], grade_s: float, total_s: float) -> None:
    """The run's times per stage (s), for ``make bench``."""
    stages = [
        {
            "stage": f"{d.step.number:02d} {d.step.title}",
            "seconds": round(d.seconds, 3),
            "skipped": d.skipped,
        }
        for d in done
    ]
    stages.append({"stage": "ocena", "seconds": round(grade_s, 3), "skipped": False})
    path = Path(folder) / run_state.STATE_FOLDER / TIMINGS
    write_json_atomic(path, {"seconds": round(total_s, 3), "stages": stages})


def _summary(
    course: Course, folder: Path, done: list[Done], grade: Grade, took: float, out: TextIO
) -> None:
    skipped = sum(d.skipped for d in done)
    kept = f"; pominięte (zrobione wcześniej): {skipped} z {len(done)}" if skipped else ""
    print(f"\nGotowe w {seconds(took)}{kept}. Wyniki:", file=out)
    for d in done:
        for index, path in enumerate(d.outputs):
            label = f"{d.step.number:02d} {d.step.title}" if index == 0 else ""
            print(f"  {label:<26} {_relative(path)}", file=out)
    for d in done:
        lines = d.step.summary(folder) if d.step.summary else []
        if lines:
            print(f"\n{d.step.title} (zajęcia {d.step.number:02d}):", file=out)
            print(*(f"  {line}" for line in lines), sep="\n", file=out)
    print(f"\nOcena tego repozytorium (narzędzie prowadzącego): {grade.line}", file=out)
    if course.without_step:
        print("", *_without_step_lines(course.without_step), sep="\n", file=out)


def run(course: Course, folder: Path, out: TextIO = sys.stdout, force: bool = False) -> int:
    """Run the course's steps in order on the data folder ``folder``, skipping those whose
    work is current unless ``force``; grade the repository; return the exit code."""
    started = time.perf_counter()
    done: list[Done] = []
    for step in course.steps:
        try:
            done.append(_run_or_skip(step, course, folder, out, force))
        except KeyboardInterrupt:
            print(f"\nPrzerwano (Ctrl+C) na zajęciach {step.number:02d}.", file=out)
            return exit_codes.INTERRUPTED
        except Exception as error:
            # A missing input's message is whole: what is missing and what to run first.
            named = isinstance(error, MissingInputs)
            print(f"\n{error if named else f'{type(error).__name__}: {error}'}", file=out)
            print(
                f"\nPrzerwano na zajęciach {step.number:02d}; kolejne nie były uruchamiane.",
                file=out,
            )
            return exit_codes.ERROR
    print("[ocena] Ocena repozytorium: python -m grading, tryb statyczny … ", end="", file=out)
    out.flush()
    grading_started = time.perf_counter()
    grade = grade_repository(course.root)
    grade_s = time.perf_counter() - grading_started
    print(f"{'ok' if grade.ok else 'BŁĄD'} ({seconds(grade_s)})", file=out)
    took = time.perf_counter() - started
    _write_timings(folder, done, grade_s, took)
    _summary(course, folder, done, grade, took, out)
    return exit_codes.OK if grade.ok else exit_codes.ERROR


def _in_configured_child(argv: list[str], folder: Path) -> int:
    """``python -m kurs argv`` again, in a child configured for Airflow; its exit code.

    The child has the terminal. Ctrl+C reaches it too (same process group): it stops
    what it started and ends; it gets :data:`INTERRUPT_GRACE_S` before it is stopped.
    """
    command = [sys.executable, "-m", "kurs", *argv]
    with sigterm_as_exit(), subprocess.Popen(command, env=child_environment(folder)) as child:
        try:
            return child.wait()
        except KeyboardInterrupt:
            try:
                child.wait(INTERRUPT_GRACE_S)
            except subprocess.TimeoutExpired:
                stop(child)
            return exit_codes.INTERRUPTED
        except SystemExit:
            # SIGTERM here. The child is asked as by Ctrl+C: Airflow's tasks install their
            # own SIGTERM handlers, and a child killed instead would leave its API servers.
            child.send_signal(signal.SIGINT)
            try:
                child.wait(INTERRUPT_GRACE_S)
            except subprocess.TimeoutExpired:
                stop(child)
            raise


def main(argv: list[str] | None = None) -> int:
    parser = PolishArgumentParser(
        prog="python -m kurs",
        description="Cały kurs po kolei na wbudowanych danych (make run).",
    )
    parser.add_argument(
        "--only",
        type=int,
        nargs="+",
        metavar="NR",
        choices=classes_with_steps(),
        help=(
            "uruchom tylko te zajęcia (numery), także gdy ich wyniki są aktualne; kroki po "
            "nich następny make run wykona od nowa"
        ),
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="uruchom wszystkie kroki od nowa, także te, których wyniki są aktualne",
    )
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    folder = data_dir()
    if not in_airflow_child():
        return _in_configured_child(argv, folder)
    # The terminal, kept before the Airflow session sends this process's output to its log.
    terminal = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    with terminal as out, sigterm_as_exit(), one_session():
        course = discover(only=args.only)
        return run(course, folder, out, force=args.force or args.only is not None)
