"""Class 04 in ``make run``: ``flights_preprocess`` for every month of 2013, through Airflow."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kurs.backfill import run_backfill
from kurs.months import MONTHS_2013
from kurs.runner import RunContext
from zajecia_04_preprocessing.preprocess import features_summary

TITLE = "Airflow: przetwarzanie"
ACTION = "flights_preprocess dla 12 miesięcy 2013"
# Read from the data folder: the raw partitions written by the step of class 03.
NEEDS = {"raw/flights": 3}


def run(context: RunContext, months: Sequence[str] = MONTHS_2013) -> list[Path]:
    run_backfill("flights_preprocess", months, context.data_dir, context.report)
    context.report(features_summary(context.data_dir, months))
    return [context.data_dir / "features", context.data_dir / "reports" / "quality"]
