"""Where the features live: one partition per month, ``features/flights/month=YYYY-MM``.

Class 04 writes them; every later class that reads features — training, monitoring,
serving tests, traffic and live quality — goes through these two functions, so the
layout of the layer is defined here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from zajecia_03_airflow_ingest.partitions import Partition

LAYER = "features"
TABLE = "flights"


def features_partition(data_dir: Path, month: str) -> Partition:
    """The feature partition of ``month`` (``YYYY-MM``) in the data folder ``data_dir``."""
    return Partition.of(data_dir, LAYER, TABLE, month)


def load_features(data_dir: Path, months: Sequence[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The feature partitions of ``months``, concatenated; and each month's data checksum.

    Raises:
        PartitionError: a month is missing or its file does not match its manifest.
    """
    read = [features_partition(data_dir, month).read_with_manifest() for month in months]
    frame = pd.concat([frame for frame, _ in read], ignore_index=True)
    checksums = {m: manifest["data_sha256"] for m, (_, manifest) in zip(months, read, strict=True)}
    return frame, checksums
