"""Class 01 in ``make run``: validate the backlog and render the sprint plan from it."""

from __future__ import annotations

from pathlib import Path

from kurs.runner import RunContext
from zajecia_01_planowanie.cli import CLASS_DIR, DEFAULT_BACKLOG
from zajecia_01_planowanie.sprint_plan import write_plan

TITLE = "Planowanie"
ACTION = "walidacja backlogu i plan sprintów"


def run(context: RunContext) -> list[Path]:
    return write_plan(DEFAULT_BACKLOG, CLASS_DIR)
