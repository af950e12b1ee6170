"""Class 11 in ``make run``: the retrospective — plan against execution from class 01's
backlog, the git history per folder — written into the class folder."""

from __future__ import annotations

from pathlib import Path

from kurs.polish import decimal, integer, percent
from kurs.repository import REPO_ROOT
from kurs.runner import RunContext
from zajecia_01_planowanie.cli import DEFAULT_BACKLOG
from zajecia_11_retro.report import write_retrospective

TITLE = "Retrospektywa"
ACTION = "plan kontra wykonanie z backlogu i historia zmian w git"
# The git history grows with every commit, changed files or not: a second `make run`
# writes the retrospective again instead of taking the last one for current.
ALWAYS_RUN = True
CLASS_DIR = Path(__file__).resolve().parent


def run(
    context: RunContext,
    backlog: Path = DEFAULT_BACKLOG,
    root: Path = REPO_ROOT,
    out_dir: Path = CLASS_DIR,
) -> list[Path]:
    """Write ``retrospektywa.md`` and ``wykres_spalania.png`` into ``out_dir`` (the class
    folder; tests pass their own backlog, repository and folder). Without a git history
    the report is written all the same, says why the history is missing, and so does the
    step's line.

    Raises:
        BacklogError: the backlog is invalid; nothing is written.
    """
    written = write_retrospective(backlog, root, out_dir)
    plan, history = written.progress, written.history
    context.report(
        f"plan: zrobione {plan.done} z {plan.total} SP ({percent(plan.share)}), "
        f"średnia prędkość {decimal(plan.velocity)} SP na sprint"
    )
    if history is None:
        context.report(f"historia git niedostępna: {written.history_problem}")
    else:
        partial = " (NIEPEŁNA: płytki klon)" if history.shallow else ""
        context.report(
            f"historia git{partial}: commitów {history.commits}, linii "
            f"+{integer(history.added)} / −{integer(history.deleted)}"
        )
    return written.paths
