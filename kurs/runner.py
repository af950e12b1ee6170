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
names the missing folder and the command that builds it.

    python -m kurs [--only 1 2 ...]
"""

from __future__ import annotations

import importlib
import re
import sys
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from kurs import exit_codes
from kurs.cli import PolishArgumentParser
from kurs.polish import seconds
from kurs.repository import REPO_ROOT, class_folders, class_number, data_dir

INDENT = " " * 8
STATUS_LINE = re.compile(r"^> Status: \*\*(.+?)\*\*", re.M)
PREPARING = "w przygotowaniu"


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
    """The classes found in the repository: their steps, and the status of the others."""

    steps: tuple[Step, ...]
    without_step: dict[int, str]
    class_count: int


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
            needs = getattr(module, "NEEDS", {})
            steps.append(Step(number, module.TITLE, module.ACTION, module.run, needs))
    return Course(tuple(steps), without_step, len(folders))


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


def _run_step(step: Step, class_count: int, folder: Path, out: TextIO) -> list[Path]:
    """One step with its progress line; details it reports go indented under it."""
    print(f"[{step.number:02d}/{class_count}] {step.title}: {step.action} … ", end="", file=out)
    out.flush()
    details = 0

    def report(line: str) -> None:
        nonlocal details
        print(("\n" if details == 0 else "") + INDENT + line, file=out)
        out.flush()
        details += 1

    def finish(verdict: str) -> None:
        took = seconds(time.perf_counter() - started)
        print(f"{INDENT if details else ''}{verdict} ({took})", file=out)

    started = time.perf_counter()
    try:
        step.check_inputs(folder)
        outputs = step.run(RunContext(folder, report))
    except Exception:
        finish("BŁĄD")
        raise
    finish("ok")
    return outputs


def run(course: Course, folder: Path, out: TextIO = sys.stdout) -> int:
    """Run the course's steps in order on the data folder ``folder``; return the exit code."""
    started = time.perf_counter()
    produced: list[tuple[Step, list[Path]]] = []
    for step in course.steps:
        try:
            produced.append((step, _run_step(step, course.class_count, folder, out)))
        except Exception as error:
            # A missing input's message is whole: what is missing and what to run first.
            named = isinstance(error, MissingInputs)
            print(f"\n{error if named else f'{type(error).__name__}: {error}'}", file=out)
            print(
                f"\nPrzerwano na zajęciach {step.number:02d}; kolejne nie były uruchamiane.",
                file=out,
            )
            return exit_codes.ERROR

    print(f"\nGotowe w {seconds(time.perf_counter() - started)}. Wyniki:", file=out)
    for step, outputs in produced:
        for index, path in enumerate(outputs):
            label = f"{step.number:02d} {step.title}" if index == 0 else ""
            print(f"  {label:<26} {_relative(path)}", file=out)
    if course.without_step:
        print("", *_without_step_lines(course.without_step), sep="\n", file=out)
    return exit_codes.OK


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
        help="uruchom tylko te zajęcia (numery)",
    )
    args = parser.parse_args(argv)
    return run(discover(only=args.only), data_dir())
