"""Class 05 in ``make run``: one ``flights_train`` run with its default window, January–June."""

from __future__ import annotations

from pathlib import Path

from kurs.backfill import run_backfill
from kurs.runner import RunContext
from zajecia_05_model.registry import CARD_FILE, Registry
from zajecia_05_model.registry_cli import model_summary

TITLE = "Airflow: trening"
ACTION = "flights_train, okno 2013-01…2013-06"


def run(context: RunContext) -> list[Path]:
    # The run is labelled with the window's last month.
    run_backfill("flights_train", ("2013-06",), context.data_dir, context.report)
    registry = Registry(context.data_dir)
    context.report(model_summary(registry))
    version = registry.resolve("staging")
    return [registry.versions_dir / version / CARD_FILE, registry.root]
