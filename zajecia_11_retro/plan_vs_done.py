"""Plan against execution, from class 01's backlog: story points planned and done per
sprint, velocity, and the burndown — the story points left after each sprint against the
ideal line that burns them evenly.

The backlog records a task's status, not when it was finished, so a done task's points
count in the sprint it was planned for. The plan's sprints run from 1 to the last sprint
that has a task.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.figure import Figure

from zajecia_01_planowanie.backlog import Backlog, Task
from zajecia_01_planowanie.sprint_plan import sprint_summaries


@dataclass(frozen=True)
class SprintProgress:
    """One sprint: story points ``planned`` and ``done`` (its velocity), the points of the
    whole project still to do after it (``remaining``) and on the ideal line (``ideal``)."""

    number: int
    epics: str
    planned: int
    done: int
    remaining: int
    ideal: float

    @property
    def share(self) -> float | None:
        """Done over planned (0–1); ``None`` for a sprint with nothing planned."""
        return self.done / self.planned if self.planned else None


@dataclass(frozen=True)
class PlanProgress:
    """The whole plan against what is done; ``unfinished`` are the tasks not ``done``."""

    project: str
    capacity: int
    sprints: tuple[SprintProgress, ...]
    unfinished: tuple[Task, ...]

    @property
    def total(self) -> int:
        return sum(sprint.planned for sprint in self.sprints)

    @property
    def done(self) -> int:
        return sum(sprint.done for sprint in self.sprints)

    @property
    def share(self) -> float:
        return self.done / self.total

    @property
    def velocity(self) -> float:
        """Average story points done per sprint of the plan."""
        return self.done / len(self.sprints)


def plan_progress(backlog: Backlog) -> PlanProgress:
    """Planned and done story points of sprints 1…(the last sprint with a task)."""
    # BEGIN SOLUTION: SP zaplanowane, zrobione, pozostałe; prędkość
    last = max(task.sprint for task in backlog.tasks)
    total = sum(task.estimate for task in backlog.tasks)
    sprints, done_so_far = [], 0
    for summary in sprint_summaries(backlog)[:last]:
        done_so_far += summary.done
        sprints.append(
            SprintProgress(
                number=summary.number,
                epics=", ".join(summary.titles),
                planned=summary.points,
                done=summary.done,
                remaining=total - done_so_far,
                ideal=total * (1 - summary.number / last),
            )
        )
    return PlanProgress(
        project=backlog.project,
        capacity=backlog.sprint_capacity,
        sprints=tuple(sprints),
        unfinished=tuple(task for task in backlog.tasks if task.status != "done"),
    )
    # END SOLUTION


def burndown_figure(progress: PlanProgress) -> Figure:
    """Story points left after each sprint (0 = before the first) against the ideal line."""
    # BEGIN SOLUTION: wykres spalania na tle linii idealnej
    sprints = [0, *(sprint.number for sprint in progress.sprints)]
    remaining = [progress.total, *(sprint.remaining for sprint in progress.sprints)]
    ideal = [progress.total, *(sprint.ideal for sprint in progress.sprints)]
    figure = Figure(figsize=(9, 4.5), layout="constrained")
    axes = figure.subplots()
    axes.plot(sprints, ideal, "--", color="#8d99ae", label="linia idealna")
    axes.plot(sprints, remaining, "-o", color="#2a9d8f", label="pozostało (zadania niezrobione)")
    for sprint, left in zip(sprints[1:], remaining[1:], strict=True):
        axes.annotate(
            str(left), (sprint, left), textcoords="offset points", xytext=(0, 7), ha="center"
        )
    axes.set_title(f"Wykres spalania story points — {progress.project}")
    axes.set_xlabel("Po sprincie (= numer zajęć; 0 — przed pierwszym)")
    axes.set_ylabel("Pozostałe story points [SP]")
    axes.set_xticks(sprints)
    axes.set_ylim(0, progress.total * 1.1)
    axes.grid(alpha=0.3)
    axes.legend(loc="upper right")
    return figure
    # END SOLUTION
