"""Real flights as API requests, for the tests of this class and of the classes after it."""

from __future__ import annotations

from pathlib import Path

from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_05_model.tests.shared_data import SERVED_MONTH
from zajecia_07_docker.schema import flight_records


def flights_of(data_dir: Path, month: str = SERVED_MONTH, rows: int | None = None) -> list[dict]:
    """A month's feature rows (the first ``rows`` of them) as request bodies."""
    return flight_records(features_partition(data_dir, month).read().head(rows))
