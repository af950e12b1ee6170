"""The retrospective (``retrospektywa.md``) and its burndown chart.

The prose — what went well and badly, conclusions, Start–Stop–Continue, action items — is
in ``templates/retrospektywa.md.j2``; the numbers come from class 01's backlog
(:mod:`zajecia_11_retro.plan_vs_done`) and the git history
(:mod:`zajecia_11_retro.git_history`). Nothing in the files depends on the time or the
machine, so a second run over the same backlog and history writes the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kurs.atomic_io import write_text_atomic
from kurs.figures import save_png
from kurs.templates import render
from zajecia_01_planowanie.backlog import load_backlog
from zajecia_01_planowanie.sprint_plan import STATUS_LABELS
from zajecia_11_retro.git_history import History, HistoryUnavailable, read_history
from zajecia_11_retro.plan_vs_done import PlanProgress, burndown_figure, plan_progress

PACKAGE = "zajecia_11_retro"
REPORT = "retrospektywa.md"
CHART = "wykres_spalania.png"
PLAN_SECTION = "plan_kontra_wykonanie.md.j2"


@dataclass(frozen=True)
class Retrospective:
    """What was written (``paths``) and the figures it shows; ``history`` is ``None`` when
    there was none to read, and ``history_problem`` then says why."""

    paths: list[Path]
    progress: PlanProgress
    history: History | None
    history_problem: str


def plan_context(progress: PlanProgress) -> dict[str, object]:
    """What ``plan_kontra_wykonanie.md.j2`` (the section checked against the backlog) uses."""
    return {"p": progress, "chart": CHART, "status_labels": STATUS_LABELS}


def render_report(progress: PlanProgress, history: History | None, history_problem: str) -> str:
    """The retrospective as Markdown."""
    return render(
        PACKAGE,
        "retrospektywa.md.j2",
        **plan_context(progress),
        finished=[s.number for s in progress.sprints if s.planned and s.done == s.planned],
        behind=[s for s in progress.sprints if s.done < s.planned],
        h=history,
        history_problem=history_problem,
    )


# BEGIN SOLUTION NO PROMPT
def _outputs_in(root: Path, out_dir: Path) -> set[str]:
    """The report's and chart's paths relative to the repository, when they are in it."""
    try:
        folder = Path(out_dir).resolve().relative_to(Path(root).resolve())
    except ValueError:
        return set()
    return {(folder / name).as_posix() for name in (REPORT, CHART)}


# END SOLUTION


def write_retrospective(backlog_path: Path, root: Path, out_dir: Path) -> Retrospective:
    """Write ``retrospektywa.md`` and ``wykres_spalania.png`` into ``out_dir`` from the
    backlog and the git history of the repository at ``root``. Without a history the
    report is written all the same and its git section says why there are no figures.

    Raises:
        BacklogError: the backlog is invalid; nothing is written.
    """
    # BEGIN SOLUTION: zapisz raport i wykres, także bez historii git
    progress = plan_progress(load_backlog(backlog_path))
    try:
        history, problem = read_history(root, skip=_outputs_in(root, out_dir)), ""
    except HistoryUnavailable as error:
        history, problem = None, str(error)
    out_dir = Path(out_dir)
    chart = save_png(burndown_figure(progress), out_dir / CHART)
    report = write_text_atomic(out_dir / REPORT, render_report(progress, history, problem))
    return Retrospective([report, chart], progress, history, problem)
    # END SOLUTION
