"""Class 06 in ``make run``: ``flights_monitor`` for the six months after the training window."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kurs.backfill import run_backfill
from kurs.months import MONTHS_2013
from kurs.runner import RunContext
from zajecia_06_monitoring.monitor import history, status_line
from zajecia_06_monitoring.report import report_folder

TITLE = "Airflow: monitoring"
ACTION = "flights_monitor dla 2013-07…2013-12"


def run(context: RunContext, months: Sequence[str] = MONTHS_2013[6:]) -> list[Path]:
    run_backfill("flights_monitor", months, context.data_dir, context.report)
    for summary in history(context.data_dir):
        if summary["month"] in months:
            context.report(status_line(summary))
    return [report_folder(context.data_dir, month) / "report.html" for month in months]
