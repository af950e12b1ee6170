"""A real model on real data, small enough for tests of the API and of deployment.

Classes 07 and 08 test the fast path and the server on the real 2013 flights: three
months are ingested and preprocessed by the code of classes 03–04, and the training
pipeline of class 05 registers a model trained on two of them. The third month is the
"future" the API is asked about.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from zajecia_03_airflow_ingest.config import IngestConfig
from zajecia_03_airflow_ingest.ingest import ingest_month, ingest_reference
from zajecia_03_airflow_ingest.partitions import Partition
from zajecia_04_preprocessing.preprocess import preprocess_month
from zajecia_05_model.config import TrainConfig
from zajecia_05_model.pipeline import register_candidate, train_candidate
from zajecia_05_model.registry import Registry
from zajecia_07_docker.schema import flight_records

TRAIN_MONTHS = ("2013-01", "2013-02")
SERVED_MONTH = "2013-03"
# Fewer and shallower trees than production keep training under ten seconds; the trees
# have the same kinds of splits (numeric, categorical, missing values).
TEST_TRAINING = replace(
    TrainConfig(),
    train_months=TRAIN_MONTHS,
    test_months=(),
    min_auc_gain=-1.0,
    boosting={**TrainConfig().boosting, "max_iter": 120},
)


def build_real_registry(data_dir: Path, config: TrainConfig = TEST_TRAINING) -> Registry:
    """Features of January–March 2013 and a production model trained on January–February."""
    ingest = IngestConfig(data_dir=Path(data_dir))
    ingest_reference(ingest)
    for month in (*config.train_months, SERVED_MONTH):
        ingest_month(month, ingest)
        preprocess_month(month, data_dir)
    return train_and_register(data_dir, config, "model")


def train_and_register(data_dir: Path, config: TrainConfig, name: str) -> Registry:
    registry = Registry(data_dir)
    register_candidate(train_candidate(config, data_dir, name)["candidate"], registry)
    return registry


def flights_of(data_dir: Path, month: str = SERVED_MONTH, rows: int | None = None) -> list[dict]:
    """A month's feature rows as API requests."""
    frame = Partition.of(data_dir, "features", "flights", month).read()
    return flight_records(frame.head(rows))
