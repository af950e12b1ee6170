"""Synthetic features and metadata for fast tests of training and of the classes after it.

The real features of a month take seconds to build and minutes to train on; these have
the same columns and dtypes, a few thousand rows, and a signal that only a tree model
captures well (an exclusive-or), so the main model beats logistic regression as it does
on the real data.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_04_preprocessing.features import (
    CATEGORICAL_FEATURES,
    COLUMNS,
    NUMERIC_FEATURES,
    TARGET,
)
from zajecia_05_model.config import TrainConfig
from zajecia_05_model.metadata import BASELINES, MAIN_MODEL, ModelMetadata

MONTHS = ("2013-01", "2013-02", "2013-03")


def synthetic_month(
    month: str, rows: int = 1500, seed: int = 0, flip: bool = False
) -> pd.DataFrame:
    """One month of synthetic features; ``flip`` inverts the signal (a broken world)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({column: rng.normal(size=rows) for column in NUMERIC_FEATURES})
    frame["dep_hour"] = rng.integers(5, 23, size=rows).astype(float)
    frame["carrier"] = rng.choice(["AA", "B6", "DL", "UA"], size=rows)
    frame["origin"] = rng.choice(["EWR", "JFK", "LGA"], size=rows)
    frame["dest"] = rng.choice(["ATL", "BOS", "LAX", "ORD", "MIA"], size=rows)
    evening = frame["dep_hour"] >= 17
    backlog = frame["origin_late_share_3h"] > 0
    pattern = (evening != backlog) if not flip else (evening == backlog)
    signal = 3.0 * pattern + 0.5 * (frame["carrier"] == "B6")
    frame[TARGET] = (signal + rng.logistic(size=rows) > 1.5).astype("int8")
    frame["sched_dep_utc"] = pd.Timestamp(f"{month}-01T12:00Z") + pd.to_timedelta(
        np.arange(rows), unit="min"
    )
    frame["month"] = month
    frame["flight"] = np.arange(rows)
    frame["tailnum"] = "N1"
    frame = frame.astype({c: "string" for c in (*CATEGORICAL_FEATURES, "month", "tailnum")})
    return frame[list(COLUMNS)]


def write_synthetic_features(data_dir: Path, months: tuple[str, ...] = MONTHS, **options) -> Path:
    """Feature partitions for ``months`` (1 500 synthetic flights each) in ``data_dir``."""
    for seed, month in enumerate(months):
        features_partition(data_dir, month).write(synthetic_month(month, seed=seed, **options), {})
    return Path(data_dir)


def model_metadata(validation: dict[str, float] | None = None, **changes: object) -> dict:
    """A complete ``metadata.json`` record, as training writes it, for registry tests.

    Args:
        validation: the main model's validation metrics (the baselines get ROC AUC 0.5).
        changes: other fields of :class:`ModelMetadata` (``threshold``, ``backtest``…).
    """
    config = TrainConfig()
    main = {"roc_auc": 0.8, "pr_auc": 0.6, "brier": 0.15, **(validation or {})}
    record = ModelMetadata(
        model_type=MAIN_MODEL,
        features=[],
        train_months=list(config.train_months),
        fit_months=list(config.fit_months),
        validation_month=config.validation_month,
        threshold=0.5,
        target_recall=config.target_recall,
        min_auc_gain=config.min_auc_gain,
        params={},
        rows={},
        validation={MAIN_MODEL: main} | {name: {"roc_auc": 0.5} for name in BASELINES},
        backtest={},
        data_checksums={},
        score_reference={"edges": [], "shares": []},
        libraries={},
        code_version="test",
    )
    return replace(record, **changes).to_dict()
