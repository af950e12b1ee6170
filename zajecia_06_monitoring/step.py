"""Class 06 in ``make run``: ``flights_monitor`` for the six months after the training window,
and the months' reports copied into the class folder (``raporty/``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kurs.backfill import run_backfill
from kurs.months import MONTHS_2013
from kurs.runner import RunContext
from zajecia_06_monitoring.monitor import history, status_line
from zajecia_06_monitoring.report import PUBLISHED, publish

TITLE = "Airflow: monitoring"
ACTION = "flights_monitor dla 2013-07…2013-12"
# Read from the data folder: features (class 04) and the model registry (class 05).
NEEDS = {"features/flights": 4, "registry": 5}


def run(
    context: RunContext, months: Sequence[str] = MONTHS_2013[6:], destination: Path = PUBLISHED
) -> list[Path]:
    """Monitor ``months`` in calendar order (a month's report shows the months before it)
    and copy their reports into ``destination`` (the committed ``raporty/`` of this class;
    tests pass a folder of their own)."""
    months = sorted(months)
    run_backfill("flights_monitor", months, context.data_dir, context.report)
    for summary in history(context.data_dir):
        if summary["month"] in months:
            context.report(status_line(summary))
    return publish(context.data_dir, months, destination)
