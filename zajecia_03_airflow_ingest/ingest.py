"""Ingest: fetch a month's flights and weather (and the reference tables), validate, store.

For every table the steps are the same: fetch the file from the configured source,
check its expected SHA-256 if one is configured, read it as text (CSV or Parquet, plain
or compressed), keep the rows of the run's month, validate them, and write the good rows
to ``raw/`` with the table's one schema and the bad ones to ``quarantine/`` with their
reasons. A run whose share of bad rows passes ``max_bad_share`` fails, leaves the
previous partition and its quarantine as they were, and puts the rejected rows with
their reasons in ``rejected/``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from kurs.checksum import sha256_of
from kurs.months import parse_month
from kurs.polish import integer
from kurs.repository import code_version
from zajecia_03_airflow_ingest.config import IngestConfig
from zajecia_03_airflow_ingest.partitions import Partition, raw_partition
from zajecia_03_airflow_ingest.sources import Source, SourceError, open_source
from zajecia_03_airflow_ingest.validation import read_raw, validate

MONTHLY_TABLES = ("flights", "weather")
REFERENCE_TABLES = ("planes", "airports", "airlines")
UNASSIGNED = "unassigned"


class IngestRejected(RuntimeError):
    """Too many bad rows (or none at all): the partition was not written."""


# Bad data or settings do not get better on a retry (SchemaError is a ValueError). A source
# that is unavailable for now (SourceUnavailable) is not here: a later retry may work.
PERMANENT_ERRORS = (IngestRejected, SourceError, ValueError)


def ingest_month(month: str, config: IngestConfig) -> dict[str, dict]:
    """Ingest flights and weather of ``month`` (``YYYY-MM``); return their manifests."""
    # BEGIN SOLUTION: pobierz, zwaliduj i zapisz miesiąc (README)
    source = open_source(config)
    return {table: _ingest_table(source, config, table, month) for table in MONTHLY_TABLES}
    # END SOLUTION


def ingest_reference(config: IngestConfig) -> dict[str, dict]:
    """Ingest the reference tables (planes, airports, airlines); return their manifests."""
    # BEGIN SOLUTION: jak ingest_month, dla tabel słownikowych
    source = open_source(config)
    return {table: _ingest_table(source, config, table, None) for table in REFERENCE_TABLES}
    # END SOLUTION


# BEGIN SOLUTION NO PROMPT
def _rows_of_month(raw: pd.DataFrame, month: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The month's rows of a whole-year file, and the rows no month can be assigned to."""
    year, number = (str(part) for part in parse_month(month))
    # Text comparisons: a whole-year file has ten times the rows of a month, and
    # comparing text is much faster than parsing every value as a number first. An
    # integer column written from floats (a column with gaps, in pandas) reads "2013.0".
    years = raw["year"].str.strip().str.removesuffix(".0")
    months = raw["month"].str.strip().str.removesuffix(".0").str.lstrip("0")
    assignable = years.str.fullmatch(r"\d{4}") & months.isin([str(m) for m in range(1, 13)])
    in_month = (years == year) & (months == number)
    return raw[in_month.fillna(False)], raw[~assignable.fillna(False)]


def _write_quarantine(partition: Partition, rows: pd.DataFrame, manifest: dict) -> None:
    """Keep the bad rows with their reasons; a clean run removes an old quarantine."""
    if rows.empty:
        partition.remove()
        return
    reasons = Counter(r for reason in rows["reason"] for r in reason.split("; "))
    partition.write(rows.astype("string"), {**manifest, "reasons": dict(reasons.most_common())})


def _ingest_table(source: Source, config: IngestConfig, table: str, month: str | None) -> dict:
    name = config.file_name(table, month or "")
    path = source.fetch(name)
    digest = sha256_of(path)
    expected = config.checksums.get(name)
    if expected and digest != expected:
        raise SourceError(f"{name}: suma SHA-256 {digest} różni się od oczekiwanej {expected}")
    raw = read_raw(path, table)
    manifest = {
        "table": table,
        "month": month,
        "source": source.description,
        "source_file": name,
        "source_sha256": digest,
        "code_version": code_version(),
    }
    label = f"{table} {month}" if month else table
    monthly_file = month is not None and config.is_monthly(table)
    if month is not None and not monthly_file:
        total = len(raw)
        raw, unassigned = _rows_of_month(raw, month)
        unassigned = unassigned.reset_index().assign(
            reason="year/month: nie da się przypisać miesiąca"
        )
        unassigned_partition = Partition.of(config.data_dir, "quarantine", table, UNASSIGNED)
        _write_quarantine(unassigned_partition, unassigned, {**manifest, "month": None})
        if total and len(unassigned) / total > config.max_bad_share:
            raise IngestRejected(
                f"{label}: {len(unassigned) / total:.1%} wierszy pliku {name} bez poprawnego "
                f"roku lub miesiąca (próg {config.max_bad_share:.1%}). "
                f"Wiersze: {unassigned_partition.folder}"
            )
    if raw.empty:
        raise IngestRejected(f"{label}: źródło {source.description} nie ma wierszy")
    result = validate(raw, table, month if monthly_file else None)
    counts = {"rows_in": len(raw), "rows_quarantined": len(result.quarantine)}
    if result.bad_share > config.max_bad_share:
        # Kept apart from quarantine/, which always matches the partition in raw/.
        rejected = Partition.of(config.data_dir, "rejected", table, month)
        _write_quarantine(rejected, result.quarantine, {**manifest, **counts})
        raise IngestRejected(
            f"{label}: {result.bad_share:.1%} wierszy w kwarantannie, próg to "
            f"{config.max_bad_share:.1%}; partycja nie została zapisana (poprzednia zostaje). "
            f"Odrzucone wiersze i powody: {rejected.folder}"
        )
    _write_quarantine(
        Partition.of(config.data_dir, "quarantine", table, month),
        result.quarantine,
        {**manifest, **counts},
    )
    return raw_partition(config.data_dir, table, month).write(result.valid, {**manifest, **counts})


# END SOLUTION


def ingest_summary(data_dir: Path, months: Sequence[str]) -> str:
    """One line on what the months' partitions hold: rows kept and rows quarantined."""
    parts = []
    for table, label in (("flights", "loty"), ("weather", "pogoda")):
        manifests = [raw_partition(data_dir, table, month).manifest() for month in months]
        kept = sum(m["rows"] for m in manifests)
        quarantined = sum(m["rows_quarantined"] for m in manifests)
        parts.append(f"{label}: {integer(kept)} wierszy, w kwarantannie {integer(quarantined)}")
    return "; ".join(parts)
