"""Plan against execution on a three-sprint backlog with known story points."""

import pytest

from kurs.templates import render
from zajecia_01_planowanie.backlog import load_backlog, parse_backlog
from zajecia_11_retro.plan_vs_done import SprintProgress, burndown_figure, plan_progress
from zajecia_11_retro.report import PACKAGE, PLAN_SECTION, plan_context


def test_planned_done_velocity_and_burndown(backlog_file):
    progress = plan_progress(load_backlog(backlog_file))
    assert progress.sprints == (
        SprintProgress(
            1, "Planowanie", planned=8, done=8, remaining=15, ideal=pytest.approx(46 / 3)
        ),
        SprintProgress(2, "EDA", planned=10, done=5, remaining=10, ideal=pytest.approx(23 / 3)),
        SprintProgress(3, "Pobieranie", planned=5, done=3, remaining=7, ideal=0),
    )
    assert (progress.total, progress.done) == (23, 16)
    assert progress.velocity == pytest.approx(16 / 3)
    assert [sprint.share for sprint in progress.sprints] == [1, 0.5, 0.6]
    assert [task.id for task in progress.unfinished] == ["T4", "T5"]


def test_the_plan_section_shows_the_numbers_the_polish_way(backlog_file):
    text = render(PACKAGE, PLAN_SECTION, **plan_context(plan_progress(load_backlog(backlog_file))))
    assert "| 1 | Planowanie | 8 | 8 | 100% | 15 | 15,3 |" in text
    assert "| 2 | EDA | 10 | 5 | 50% | 10 | 7,7 |" in text
    assert "| 3 | Pobieranie | 5 | 3 | 60% | 7 | 0,0 |" in text
    assert "| **Razem** | | **23** | **16** | **70%** | **7** | |" in text
    assert "Średnia prędkość: **5,3 SP na sprint**" in text
    assert "| T4 | Wykresy | 2 | 5 | w toku |" in text
    assert "| T5 | DAG | 3 | 2 | do zrobienia |" in text


def test_a_sprint_without_tasks_has_no_share(raw_backlog):
    raw_backlog["tasks"] = [
        {**task, "status": "done"} for task in raw_backlog["tasks"] if task["sprint"] != 2
    ]
    progress = plan_progress(parse_backlog(raw_backlog))
    assert [(s.planned, s.done, s.remaining) for s in progress.sprints] == [
        (8, 8, 5),
        (0, 0, 5),
        (5, 5, 0),
    ]
    assert progress.sprints[1].share is None
    text = render(PACKAGE, PLAN_SECTION, **plan_context(progress))
    assert "| 2 | EDA | 0 | 0 | — | 5 | 4,3 |" in text
    assert "Wszystkie zadania backlogu są zrobione." in text


def test_the_burndown_draws_the_remaining_points_against_the_ideal_line(backlog_file):
    figure = burndown_figure(plan_progress(load_backlog(backlog_file)))
    axes = figure.axes[0]
    ideal, remaining = axes.lines
    assert list(remaining.get_xdata()) == [0, 1, 2, 3]
    assert list(remaining.get_ydata()) == [23, 15, 10, 7]
    assert list(ideal.get_ydata()) == pytest.approx([23, 46 / 3, 23 / 3, 0])
    assert axes.get_xlabel().startswith("Po sprincie")
    assert axes.get_ylabel() == "Pozostałe story points [SP]"
    assert axes.get_title() == "Wykres spalania story points — Projekt testowy"
