"""A real model for tests: trained on January–February 2013, served on March.

Built once per test session (``kurs.testing.shared``) on a copy of the feature quarter of
class 04: the training pipeline of this class registers it as ``v0001`` (production).
The API and deployment tests of later classes serve it. Read-only: copy it to change it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kurs.testing.shared import once_per_session, private_copy
from zajecia_04_preprocessing.tests.shared_data import features_quarter
from zajecia_05_model.candidate import register_candidate, train_candidate
from zajecia_05_model.config import TrainConfig
from zajecia_05_model.registry import Registry

TRAIN_MONTHS = ("2013-01", "2013-02")
SERVED_MONTH = "2013-03"
# Fewer trees than production keep training under ten seconds; the trees have the same
# kinds of splits (numeric, categorical, missing values).
TEST_TRAINING = replace(
    TrainConfig(),
    train_months=TRAIN_MONTHS,
    test_months=(),
    min_auc_gain=-1.0,
    boosting={**TrainConfig().boosting, "max_iter": 120},
)


def train_and_register(data_dir: Path, config: TrainConfig, name: str) -> Registry:
    """Train a candidate with ``config`` and register it (production if it is the first)."""
    registry = Registry(data_dir)
    register_candidate(train_candidate(config, data_dir, name)["candidate"], registry)
    return registry


def trained_quarter(factory: pytest.TempPathFactory) -> Path:
    """Features of January–March 2013 and model ``v0001`` (production) trained on two."""

    def build(folder: Path) -> None:
        private_copy(features_quarter(factory), folder)
        train_and_register(folder, TEST_TRAINING, "model")

    return once_per_session(factory, "trained_quarter", build)
