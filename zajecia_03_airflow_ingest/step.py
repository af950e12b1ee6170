"""Class 03 in ``make run``: ``flights_ingest`` for every month of 2013, through Airflow."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kurs.backfill import run_backfill
from kurs.months import MONTHS_2013
from kurs.runner import RunContext
from zajecia_03_airflow_ingest.ingest import ingest_summary

TITLE = "Airflow: pobieranie"
ACTION = "flights_ingest dla 12 miesięcy 2013"


def run(context: RunContext, months: Sequence[str] = MONTHS_2013) -> list[Path]:
    run_backfill("flights_ingest", months, context.data_dir, context.report)
    context.report(ingest_summary(context.data_dir, months))
    return [context.data_dir / "raw", context.data_dir / "quarantine"]
