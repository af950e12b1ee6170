"""Rendering the sprint plan (Markdown tables and a chart) from a validated backlog."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from zajecia_01_planowanie.atomic_io import atomic_path, write_text_atomic
from zajecia_01_planowanie.backlog import SPRINT_COUNT, STATUSES, Backlog, load_backlog
from zajecia_01_planowanie.polish import percent

PLAN_FILE = "plan_sprintow.md"
CHART_FILE = "plan_sprintow.png"
STATUS_LABELS = {"todo": "do zrobienia", "in_progress": "w toku", "done": "zrobione"}
STATUS_COLORS = {"todo": "#c7c7c7", "in_progress": "#f0a202", "done": "#2a9d8f"}


def _percent(part: int, whole: int) -> str:
    return percent(part / whole) if whole else "—"


def _done_points(backlog: Backlog, sprint: int | None = None) -> int:
    tasks = backlog.tasks if sprint is None else backlog.tasks_in_sprint(sprint)
    return sum(task.estimate for task in tasks if task.status == "done")


def render_markdown(backlog: Backlog, chart_name: str = CHART_FILE) -> str:
    """Return the sprint plan as Markdown: a summary table, the chart, one table per sprint."""
    total = sum(task.estimate for task in backlog.tasks)
    done = _done_points(backlog)
    epic_titles = {epic.id: epic.title for epic in backlog.epics}
    lines = [
        f"# Plan sprintów — {backlog.project}",
        "",
        "> Plik wygenerowany z `backlog.yaml` poleceniem "
        "`python -m zajecia_01_planowanie render`. Nie edytuj go ręcznie.",
        "",
        f"Pojemność sprintu: **{backlog.sprint_capacity} SP**. Zadań: **{len(backlog.tasks)}**, "
        f"razem **{total} SP**, zrobione **{done} SP** ({_percent(done, total)}).",
        "",
        "## Podsumowanie",
        "",
        "| Sprint | Epiki | Zadania | SP | Wykorzystanie pojemności | Zrobione SP |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for sprint in range(1, SPRINT_COUNT + 1):
        tasks = backlog.tasks_in_sprint(sprint)
        points = backlog.points_in_sprint(sprint)
        epics = ", ".join(sorted({epic_titles[task.epic] for task in tasks})) or "—"
        lines.append(
            f"| {sprint} | {epics} | {len(tasks)} | {points} | "
            f"{_percent(points, backlog.sprint_capacity)} | {_done_points(backlog, sprint)} |"
        )
    lines += [
        f"| **Razem** | | **{len(backlog.tasks)}** | **{total}** | | **{done}** |",
        "",
        f"![Story points w sprintach według statusu]({chart_name})",
    ]
    for sprint in range(1, SPRINT_COUNT + 1):
        tasks = backlog.tasks_in_sprint(sprint)
        titles = [epic.title for epic in backlog.epics if epic.sprint == sprint]
        lines += ["", " — ".join([f"## Sprint {sprint}", *titles]), ""]
        if not tasks:
            lines.append("Brak zadań w tym sprincie.")
            continue
        lines += ["| ID | Zadanie | Epik | SP | Status | Zależy od |", "|---|---|---|---:|---|---|"]
        lines += [
            f"| {task.id} | {task.title} | {task.epic} | {task.estimate} | "
            f"{STATUS_LABELS[task.status]} | {', '.join(task.depends_on) or '—'} |"
            for task in tasks
        ]
        lines.append(f"| | **Razem** | | **{backlog.points_in_sprint(sprint)}** | | |")
    return "\n".join(lines) + "\n"


def render_chart(backlog: Backlog, path: Path) -> Path:
    """Draw story points per sprint, stacked by status, against the sprint capacity."""
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
    with atomic_path(path) as tmp:
        # No "Software" metadata: the PNG stays byte-identical between runs.
        figure.savefig(tmp, format="png", dpi=100, metadata={"Software": None})
    return Path(path)


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
