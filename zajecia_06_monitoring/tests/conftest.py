from dataclasses import replace

import pytest

from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_05_model.candidate import register_candidate, train_candidate
from zajecia_05_model.config import TrainConfig
from zajecia_05_model.registry import Registry
from zajecia_05_model.tests.synthetic import synthetic_month, write_synthetic_features

SMALL = replace(
    TrainConfig(),
    train_months=("2013-01", "2013-02"),
    test_months=(),
    boosting={"learning_rate": 0.1, "max_iter": 30},
)


def prepare(data_dir, flip_march: bool = False):
    """Synthetic January–March and a production model trained on January–February."""
    write_synthetic_features(data_dir, ("2013-01", "2013-02"))
    features_partition(data_dir, "2013-03").write(
        synthetic_month("2013-03", seed=2, flip=flip_march), {}
    )
    register_candidate(train_candidate(SMALL, data_dir, "model")["candidate"], Registry(data_dir))
    return data_dir


@pytest.fixture
def prepare_data():
    """A function preparing a data folder: features and a production model."""
    return prepare


@pytest.fixture
def monitored(tmp_path):
    return prepare(tmp_path)
