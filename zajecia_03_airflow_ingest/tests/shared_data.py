"""Real raw partitions for tests: January–March 2013 ingested from the package.

Built once per test session (``kurs.testing.shared``) and used by the tests of this class
and of the classes that build on its partitions. Read-only: copy it to change it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kurs.testing.shared import once_per_session
from zajecia_03_airflow_ingest.config import IngestConfig
from zajecia_03_airflow_ingest.ingest import ingest_month, ingest_reference

QUARTER = ("2013-01", "2013-02", "2013-03")


def ingested_quarter(factory: pytest.TempPathFactory) -> Path:
    """A data folder with the reference tables and the raw partitions of ``QUARTER``."""

    def build(folder: Path) -> None:
        config = IngestConfig(data_dir=folder)
        ingest_reference(config)
        for month in QUARTER:
            ingest_month(month, config)

    return once_per_session(factory, "ingested_quarter", build)
