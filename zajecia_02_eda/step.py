"""Class 02 in ``make run``: execute ``eda.ipynb`` from scratch and export ``eda.html``."""

from __future__ import annotations

from pathlib import Path

from kurs.runner import RunContext
from zajecia_02_eda.cli import run_eda

TITLE = "EDA"
ACTION = "wykonuję eda.ipynb i eksportuję eda.html"


def run(context: RunContext) -> list[Path]:
    return run_eda()
