"""The whole course, class by class, on the embedded data: what ``make run`` executes.

Each class contributes one step that rebuilds its deliverable. Steps run in class
order because each builds on the previous one; the first failure stops the run, so a
broken class never feeds the next one. Classes whose code is not there yet are
listed as such, so the output doubles as a map of the course.

    python -m zajecia_11_retro.course_pipeline [--only 1 2 ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zajecia_01_planowanie.cli import CLASS_DIR as PLANNING_DIR
from zajecia_01_planowanie.cli import DEFAULT_BACKLOG
from zajecia_01_planowanie.sprint_plan import write_plan
from zajecia_02_eda.cli import run_eda

CLASS_COUNT = 11


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    action: str
    run: Callable[[], list[Path]]


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "Planowanie",
        "walidacja backlogu i plan sprintów",
        lambda: write_plan(DEFAULT_BACKLOG, PLANNING_DIR),
    ),
    Step(2, "EDA", "wykonuję eda.ipynb i eksportuję eda.html", run_eda),
)

# Classes without a step yet; each later issue moves its class into STEPS.
PENDING = {
    3: "Airflow: pobieranie danych",
    4: "Airflow: przetwarzanie danych",
    5: "Airflow: trening modelu",
    6: "Walidacja i monitorowanie",
    7: "API i kontener",
    8: "Wdrożenie i monitoring produkcji",
    9: "Ponowny trening",
    10: "Prezentacja",
    11: "Retrospektywa",
}


def _duration(started: float) -> str:
    seconds = time.perf_counter() - started
    # Polish decimal comma: the output is read by students.
    return f"{seconds:.1f} s".replace(".", ",") if seconds < 10 else f"{seconds:.0f} s"


def _relative(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run(steps: tuple[Step, ...], out=sys.stdout) -> int:
    """Run ``steps`` in order with one progress line each; return the exit code."""
    started = time.perf_counter()
    produced: list[tuple[Step, list[Path]]] = []
    for step in steps:
        print(f"[{step.number:02d}/{CLASS_COUNT}] {step.title}: {step.action} … ", end="", file=out)
        out.flush()
        step_start = time.perf_counter()
        try:
            outputs = step.run()
        except Exception as error:
            print(f"BŁĄD ({_duration(step_start)})", file=out)
            print(f"\n{type(error).__name__}: {error}", file=out)
            print(
                f"\nPrzerwano na zajęciach {step.number:02d}; kolejne nie były uruchamiane.",
                file=out,
            )
            return 1
        print(f"ok ({_duration(step_start)})", file=out)
        produced.append((step, outputs))

    print(f"\nGotowe w {_duration(started)}. Wyniki:", file=out)
    for step, outputs in produced:
        for index, path in enumerate(outputs):
            label = f"{step.number:02d} {step.title}" if index == 0 else ""
            print(f"  {label:<16} {_relative(path)}", file=out)
    if PENDING:
        listed = ", ".join(f"{number:02d}" for number in PENDING)
        print(f"\nW przygotowaniu (jeszcze bez kodu): zajęcia {listed}.", file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m zajecia_11_retro.course_pipeline",
        description="Cały kurs po kolei na wbudowanych danych (make run).",
    )
    parser.add_argument(
        "--only",
        type=int,
        nargs="+",
        metavar="NR",
        choices=[step.number for step in STEPS],
        help="uruchom tylko te zajęcia (numery)",
    )
    args = parser.parse_args(argv)
    steps = tuple(s for s in STEPS if not args.only or s.number in args.only)
    return run(steps)


if __name__ == "__main__":
    raise SystemExit(main())
