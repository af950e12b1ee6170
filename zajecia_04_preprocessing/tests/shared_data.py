"""Real feature partitions for tests: January–March 2013, ingested and preprocessed.

Built once per test session (``kurs.testing.shared``) on a copy of the ingested quarter
of class 03, and used by the tests of this class and of the classes after it. Read-only:
copy it to change it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kurs.testing.shared import once_per_session, private_copy
from zajecia_03_airflow_ingest.tests.shared_data import QUARTER, ingested_quarter
from zajecia_04_preprocessing.preprocess import preprocess_month


def features_quarter(factory: pytest.TempPathFactory) -> Path:
    """A data folder with the raw and the feature partitions of January–March 2013."""

    def build(folder: Path) -> None:
        private_copy(ingested_quarter(factory), folder)
        for month in QUARTER:
            preprocess_month(month, folder)

    return once_per_session(factory, "features_quarter", build)
