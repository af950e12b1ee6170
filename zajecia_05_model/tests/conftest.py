from dataclasses import replace

import pytest

from zajecia_05_model.config import TrainConfig
from zajecia_05_model.tests.synthetic import write_synthetic_features


@pytest.fixture
def write_features():
    """A function writing synthetic partitions for January–March into a data folder."""
    return write_synthetic_features


@pytest.fixture
def features_dir(tmp_path):
    return write_synthetic_features(tmp_path)


@pytest.fixture
def small_config():
    """Train on January–February (validation: February), backtest on March; fast trees."""
    return replace(
        TrainConfig(),
        train_months=("2013-01", "2013-02"),
        test_months=("2013-03", "2013-04"),
        boosting={"learning_rate": 0.1, "max_iter": 30},
    )
