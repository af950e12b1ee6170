"""Command line of class 01: validate the backlog and render the sprint plan.

python -m zajecia_01_planowanie validate [backlog.yaml]
python -m zajecia_01_planowanie render [backlog.yaml] [--out-dir DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from kurs import exit_codes
from kurs.cli import PolishArgumentParser
from zajecia_01_planowanie.backlog import BacklogError, load_backlog
from zajecia_01_planowanie.sprint_plan import write_plan

CLASS_DIR = Path(__file__).resolve().parent
DEFAULT_BACKLOG = CLASS_DIR / "backlog.yaml"


def validate(backlog_path: Path) -> int:
    """Print whether the backlog is valid; return the exit code."""
    try:
        backlog = load_backlog(backlog_path)
    except BacklogError as error:
        _report(backlog_path, error)
        return exit_codes.ERROR
    total = sum(task.estimate for task in backlog.tasks)
    print(
        f"Backlog poprawny. Epiki: {len(backlog.epics)}, zadania: {len(backlog.tasks)}, "
        f"razem {total} SP, pojemność sprintu {backlog.sprint_capacity} SP."
    )
    return exit_codes.OK


def render(backlog_path: Path, out_dir: Path) -> int:
    """Write the sprint plan and chart; return the exit code."""
    try:
        written = write_plan(backlog_path, out_dir)
    except BacklogError as error:
        _report(backlog_path, error)
        return exit_codes.ERROR
    for path in written:
        print(f"Zapisano {path}")
    return exit_codes.OK


def _report(backlog_path: Path, error: BacklogError) -> None:
    print(f"Backlog {backlog_path} ma błędy ({len(error.problems)}):", file=sys.stderr)
    for problem in error.problems:
        print(f"  - {problem}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = PolishArgumentParser(
        prog="python -m zajecia_01_planowanie",
        description="Walidacja backlogu i plan sprintów (zajęcia 01).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="sprawdza backlog.yaml")
    check.add_argument("backlog", nargs="?", type=Path, default=DEFAULT_BACKLOG)
    plan = commands.add_parser("render", help="tworzy plan_sprintow.md i plan_sprintow.png")
    plan.add_argument("backlog", nargs="?", type=Path, default=DEFAULT_BACKLOG)
    plan.add_argument("--out-dir", type=Path, default=CLASS_DIR, help="folder wyników")
    args = parser.parse_args(argv)

    if args.command == "validate":
        return validate(args.backlog)
    return render(args.backlog, args.out_dir)
