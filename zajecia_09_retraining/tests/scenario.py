"""Synthetic years for the retraining tests: a champion, and months where the world stays
the same or changes.

Class 05's synthetic months (an exclusive-or signal that only trees capture) with every
numeric feature moved into the range the API accepts (class 07's schema), monotonically,
so the signal is unchanged and the deploy path's smoke test can send real flights of
the month. Small enough to train in about a second.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_05_model.candidate import register_candidate, train_candidate
from zajecia_05_model.config import TrainConfig
from zajecia_05_model.registry import Registry
from zajecia_05_model.tests.synthetic import synthetic_month
from zajecia_07_docker.schema import FIELDS

CHAMPION_MONTHS = ("2013-01", "2013-02")
CHAMPION = replace(
    TrainConfig(),
    train_months=CHAMPION_MONTHS,
    test_months=(),
    boosting={"learning_rate": 0.1, "max_iter": 30},
)
# Overrides of flights_retrain for these months: a short window and class 05's small forest.
SMALL = {"window_months": 2}


def servable(frame: pd.DataFrame) -> pd.DataFrame:
    """The month with each numeric feature squeezed into the schema's range (a sigmoid
    where the values leave it), integers rounded."""
    frame = frame.copy()
    for field in FIELDS:
        if field.minimum is None or field.name not in frame:
            continue
        values = frame[field.name].astype(float)
        if values.min() < field.minimum or values.max() > field.maximum:
            values = field.minimum + (field.maximum - field.minimum) / (1 + np.exp(-values))
        frame[field.name] = values.round() if field.kind == "integer" else values
    return frame


def write_months(data_dir: Path, months: dict[str, bool]) -> None:
    """Feature partitions: month -> whether its world is flipped (the signal inverted)."""
    for seed, (month, flipped) in enumerate(months.items()):
        frame = servable(synthetic_month(month, seed=seed, flip=flipped))
        features_partition(data_dir, month).write(frame, {})


def year(data_dir: Path, changed_from: str | None = None, until: str = "2013-05") -> Path:
    """January…``until``, flipped from ``changed_from`` on (never when None), and the
    champion trained on January–February in production."""
    months = [f"2013-{n:02d}" for n in range(1, int(until[-2:]) + 1)]
    write_months(data_dir, {m: changed_from is not None and m >= changed_from for m in months})
    registry = Registry(data_dir)
    register_candidate(train_candidate(CHAMPION, data_dir, "champion")["candidate"], registry)
    return Path(data_dir)
