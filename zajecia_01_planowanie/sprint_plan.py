"""Rendering the sprint plan (Markdown tables and a chart) from a validated backlog.

The prose and the tables' layout are in ``templates/plan_sprintow.md.j2``; this module
computes what goes into them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

from kurs.atomic_io import write_text_atomic
from kurs.figures import save_png
from kurs.polish import percent
from kurs.templates import render
from zajecia_01_planowanie.backlog import SPRINT_COUNT, STATUSES, Backlog, Task, load_backlog

PLAN_FILE = "plan_sprintow.md"
CHART_FILE = "plan_sprintow.png"
STATUS_LABELS = {"todo": "do zrobienia", "in_progress": "w toku", "done": "zrobione"}
STATUS_COLORS = {"todo": "#c7c7c7", "in_progress": "#f0a202", "done": "#2a9d8f"}


@dataclass(frozen=True)
class SprintSummary:
    """One sprint as the plan shows it."""

    number: int
    titles: list[str]
    epics: str
    tasks: list[Task]
    points: int
    load: str
    done: int


def _percent(part: int, whole: int) -> str:
    return percent(part / whole) if whole else "—"


def _done_points(tasks: list[Task] | tuple[Task, ...]) -> int:
    return sum(task.estimate for task in tasks if task.status == "done")


def sprint_summaries(backlog: Backlog) -> list[SprintSummary]:
    """Every sprint 1…11, with its tasks, points, capacity used and points done."""
    # BEGIN SOLUTION: podsumuj każdy sprint 1…11 (pola SprintSummary)
    epic_titles = {epic.id: epic.title for epic in backlog.epics}
    summaries = []
    for sprint in range(1, SPRINT_COUNT + 1):
        tasks = backlog.tasks_in_sprint(sprint)
        points = backlog.points_in_sprint(sprint)
        summaries.append(
            SprintSummary(
                number=sprint,
                titles=[epic.title for epic in backlog.epics if epic.sprint == sprint],
                epics=", ".join(sorted({epic_titles[task.epic] for task in tasks})),
                tasks=tasks,
                points=points,
                load=_percent(points, backlog.sprint_capacity),
                done=_done_points(tasks),
            )
        )
    return summaries
    # END SOLUTION


def render_markdown(backlog: Backlog, chart_name: str = CHART_FILE) -> str:
    """Return the sprint plan as Markdown: a summary table, the chart, one table per sprint."""
    total = sum(task.estimate for task in backlog.tasks)
    done = _done_points(backlog.tasks)
    return render(
        "zajecia_01_planowanie",
        "plan_sprintow.md.j2",
        project=backlog.project,
        capacity=backlog.sprint_capacity,
        task_count=len(backlog.tasks),
        total=total,
        done=done,
        done_share=_percent(done, total),
        sprints=sprint_summaries(backlog),
        status_labels=STATUS_LABELS,
        chart=chart_name,
    )


def render_chart(backlog: Backlog, path: Path) -> Path:
    """Draw story points per sprint, stacked by status, against the sprint capacity."""
    # BEGIN SOLUTION: wykres SP sprintów według statusu na tle pojemności
    sprints = list(range(1, SPRINT_COUNT + 1))
    figure = Figure(figsize=(9, 4.5), layout="constrained")
    axes = figure.subplots()
    bottom = [0] * SPRINT_COUNT
    for status in STATUSES:
        points = [
            sum(t.estimate for t in backlog.tasks_in_sprint(s) if t.status == status)
            for s in sprints
        ]
        axes.bar(
            sprints, points, bottom=bottom, label=STATUS_LABELS[status], color=STATUS_COLORS[status]
        )
        bottom = [b + p for b, p in zip(bottom, points, strict=True)]
    axes.axhline(backlog.sprint_capacity, color="#b00020", linestyle="--", label="pojemność")
    axes.set_title(f"Story points w sprintach — {backlog.project}")
    axes.set_xlabel("Sprint (= numer zajęć)")
    axes.set_ylabel("Story points [SP]")
    axes.set_xticks(sprints)
    axes.legend(loc="upper right", ncols=4, fontsize="small")
    axes.set_ylim(0, backlog.sprint_capacity * 1.25)
    return save_png(figure, path)
    # END SOLUTION


def write_plan(backlog_path: Path, out_dir: Path) -> list[Path]:
    """Validate the backlog and write the plan and its chart into ``out_dir``.

    Raises:
        BacklogError: the backlog is invalid; nothing is written.
    """
    backlog = load_backlog(backlog_path)
    out_dir = Path(out_dir)
    chart = render_chart(backlog, out_dir / CHART_FILE)
    plan = write_text_atomic(out_dir / PLAN_FILE, render_markdown(backlog, CHART_FILE))
    return [plan, chart]
