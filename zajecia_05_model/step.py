"""Class 05 in ``make run``: one ``flights_train`` run with its default window, January–June,
and the registered model's card written into the class folder (``karta_modelu/``)."""

from __future__ import annotations

from pathlib import Path

from kurs.backfill import run_backfill
from kurs.runner import RunContext
from zajecia_05_model.model_card import PUBLISHED, publish
from zajecia_05_model.registry import Registry
from zajecia_05_model.registry_cli import model_summary, version_table
from zajecia_05_model.tracking import training_runs_line

TITLE = "Airflow: trening"
ACTION = "flights_train, okno 2013-01…2013-06"
# Read from the data folder: the features written by the step of class 04.
NEEDS = {"features/flights": 4}


def run(context: RunContext, destination: Path = PUBLISHED) -> list[Path]:
    """Train and register; write the card of the registered version into ``destination``
    (the committed ``karta_modelu/`` of this class; tests pass a folder of their own)."""
    # The run is labelled with the window's last month.
    run_backfill("flights_train", ("2013-06",), context.data_dir, context.report)
    registry = Registry(context.data_dir)
    context.report(model_summary(registry))
    version = registry.resolve("staging")
    return [*publish(registry, version, destination), registry.root]


def summary(data_dir: Path) -> list[str]:
    """The registry at the end of the run: every version, its window, its ROC AUC, aliases
    (the steps after this one add versions to it); then the training runs in MLflow."""
    return [
        "rejestr modeli po całym przebiegu (także wersje z późniejszych kroków):",
        *(f"  {line}" for line in version_table(Registry(data_dir))),
        training_runs_line(data_dir),
    ]
