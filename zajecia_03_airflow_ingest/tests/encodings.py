"""The same source data written in the encodings real sources use, for ingest tests.

A test takes the text of the five tables (as the package's CSV files hold it), writes it
into a source folder in one of ``ENCODINGS`` and ingests from there: every encoding of
the same rows must give the same raw partitions. Used by this class's tests and by the
end-to-end tests of the classes that read raw partitions.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from zajecia_02_eda.data import TABLES, package_data_dir

REFERENCE = ("planes", "airports", "airlines")
NEW_YORK = "America/New_York"


def package_text(month: int, rows: int | None = None) -> dict[str, pd.DataFrame]:
    """The five tables as text (a gap is missing); flights and weather of ``month`` (1–12);
    every table cut to ``rows`` rows when given."""
    folder = package_data_dir()
    tables = {}
    for table, spec in TABLES.items():
        text = pd.read_csv(
            folder / spec.file,
            dtype=str,
            keep_default_na=False,
            na_values=["", "NA"],
            engine="pyarrow",
        )[list(spec.dtypes)]
        if table not in REFERENCE:
            text = text[text["month"] == str(month)]
        tables[table] = (text if rows is None else text.head(rows)).reset_index(drop=True)
    return tables


def _stamps(text: pd.Series) -> pd.Series:
    return pd.to_datetime(text, utc=True, format="ISO8601")


def _as_text(stamps: pd.Series) -> pd.Series:
    """Timestamps as Arrow writes them (``2013-01-01 01:00:00-0500``); strftime is slow."""
    return pd.Series(pa.array(stamps.dt.as_unit("s")).cast(pa.string()), index=stamps.index)


def _integers(table: str) -> list[str]:
    return [c for c, d in TABLES[table].dtypes.items() if d.lower().startswith("int")]


def _strings(table: str) -> list[str]:
    spec = TABLES[table]
    text = {"string", "category"}
    return [c for c, d in spec.dtypes.items() if d in text and c not in spec.utc_columns]


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, na_rep="NA").encode()


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)
    return buffer.getvalue()


def _zip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("dane", data)
    return buffer.getvalue()


def _retyped(text: pd.DataFrame, table: str, stamps, integers: str, strings: str):
    """Typed values as a writer of Parquet files would hold them."""
    frame = text.copy()
    for column in TABLES[table].utc_columns:
        frame[column] = stamps(_stamps(frame[column]))
    for column in _integers(table):
        frame[column] = pd.to_numeric(frame[column]).astype(integers)
    for column in _strings(table):
        frame[column] = frame[column].astype(strings)
    for column, dtype in TABLES[table].dtypes.items():
        if dtype == "float64":
            frame[column] = pd.to_numeric(frame[column])
    return frame


def _package(text: pd.DataFrame, table: str) -> bytes:
    return _csv(text)


def _csv_weather_nanoseconds(text: pd.DataFrame, table: str) -> bytes:
    """Weather timestamps with nine fractional digits (``…T06:00:00.000000000Z``), the
    other tables as in the package: nanoseconds on one side of the flights–weather join."""
    if table != "weather":
        return _csv(text)
    return _csv(text.assign(time_hour=text["time_hour"].str.replace("Z", ".000000000Z")))


def _csv_gzip_offsets_floats(text: pd.DataFrame, table: str) -> bytes:
    """gzip; local times with an offset (``-0500``); integers written from floats (``517.0``)."""
    changed = text.copy()
    for column in TABLES[table].utc_columns:
        changed[column] = _as_text(_stamps(changed[column]).dt.tz_convert(NEW_YORK))
    for column in _integers(table):
        changed[column] = pd.to_numeric(changed[column]).astype("float64")
    return gzip.compress(_csv(changed), compresslevel=1, mtime=0)


def _csv_xz_naive(text: pd.DataFrame, table: str) -> bytes:
    """xz; timestamps without a zone (UTC wall clock), space-separated."""
    changed = text.copy()
    for column in TABLES[table].utc_columns:
        changed[column] = _as_text(_stamps(changed[column]).dt.tz_localize(None))
    return lzma.compress(_csv(changed), preset=0)


def _parquet_ns_categories(text: pd.DataFrame, table: str) -> bytes:
    """Parquet: nanosecond UTC timestamps, text as categories, integers with gaps as floats."""
    frame = _retyped(text, table, lambda s: s.dt.as_unit("ns"), "float64", "category")
    return _parquet(frame)


def _parquet_zip_local_ms(text: pd.DataFrame, table: str) -> bytes:
    """Zipped Parquet: millisecond New York timestamps, nullable Int64, large strings."""
    frame = _retyped(
        text, table, lambda s: s.dt.tz_convert(NEW_YORK).dt.as_unit("ms"), "Int64", "string"
    )
    return _zip(_parquet(frame))


def _parquet_bz2_naive_seconds(text: pd.DataFrame, table: str) -> bytes:
    """bzip2-compressed Parquet: naive timestamps in seconds, float64 integers."""
    frame = _retyped(
        text, table, lambda s: s.dt.tz_localize(None).dt.as_unit("s"), "float64", "object"
    )
    return bz2.compress(_parquet(frame), compresslevel=1)


@dataclass(frozen=True)
class Encoding:
    suffix: str
    write: Callable[[pd.DataFrame, str], bytes]


ENCODINGS = {
    "package_csv": Encoding("csv", _package),
    "csv_weather_nanoseconds": Encoding("csv", _csv_weather_nanoseconds),
    "csv_gzip_offsets_floats": Encoding("csv.gz", _csv_gzip_offsets_floats),
    "csv_xz_naive": Encoding("csv.xz", _csv_xz_naive),
    "parquet_ns_categories": Encoding("parquet", _parquet_ns_categories),
    "parquet_zip_local_ms": Encoding("parquet.zip", _parquet_zip_local_ms),
    "parquet_bz2_naive_seconds": Encoding("parquet.bz2", _parquet_bz2_naive_seconds),
}


def write_source(folder: Path, tables: dict[str, pd.DataFrame], encoding: str, month: str):
    """Write ``tables`` (from :func:`package_text`) into ``folder`` in ``encoding``, with
    flights and weather as files of ``month``; return the settings that name the files."""
    spec = ENCODINGS[encoding]
    folder.mkdir(parents=True, exist_ok=True)
    settings = {}
    for table, text in tables.items():
        stem = table if table in REFERENCE else f"{table}-{{month}}"
        pattern = f"{stem}.{spec.suffix}"
        (folder / pattern.format(month=month)).write_bytes(spec.write(text, table))
        settings[f"{table}_file"] = pattern
    return settings
