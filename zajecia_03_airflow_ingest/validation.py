"""Validation on the way in: typed values, value rules, and a quarantine with reasons.

A raw file is read as text, so that one bad value costs one row instead of the whole
file. Each column is converted to the dtype declared in ``zajecia_02_eda.data.TABLES``;
a value that does not convert, a missing required value or a broken rule marks the row
as bad, and every reason the row has is written next to it. Good rows get their
declared dtypes; bad rows keep their original text, so nothing is lost.

Sources send the same data in many encodings: CSV or Parquet, compressed or not,
timestamps in seconds to nanoseconds, integers with gaps as floats, text as categories.
All of it is read as text and converted here, and :func:`raw_schema` is the one schema
every raw partition of a table is written with, whatever the source's encoding.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kurs.months import LOCAL_TZ, parse_month
from zajecia_02_eda.data import ORIGINS, TABLES, with_scheduled_departure

NA_VALUES = ["", "NA"]
# Raw partitions keep every timestamp in UTC with microseconds, the unit pandas gives the
# ISO text of the package; a source with nanoseconds must not change the stored type.
TIMESTAMP_UNIT = "us"
TIMESTAMP_DTYPE = f"datetime64[{TIMESTAMP_UNIT}, UTC]"
PARQUET_MAGIC = b"PAR1"
# Compressed files are recognised by their first bytes, whatever their names say.
DECOMPRESSORS: dict[bytes, Callable[[bytes], bytes]] = {
    b"\x1f\x8b": gzip.decompress,
    b"BZh": bz2.decompress,
    b"\xfd7zXZ\x00": lzma.decompress,
}
# Folders and the resource forks that macOS adds to the zip files it creates.
ZIP_EXTRAS = ("__MACOSX/",)
# What a broken, truncated or unsupported file raises while unpacked and parsed (an
# unsupported Parquet codec is an ArrowNotImplementedError, not a ValueError).
UNREADABLE = (
    OSError,
    EOFError,
    KeyError,
    ValueError,
    lzma.LZMAError,
    zipfile.BadZipFile,
    pa.ArrowException,
)


class SchemaError(ValueError):
    """The file as a whole does not fit: missing columns, or it cannot be parsed."""


@dataclass(frozen=True)
class Rule:
    """A value rule: ``bad(frame)`` is True for rows that break it."""

    message: str
    bad: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Validated:
    valid: pd.DataFrame
    quarantine: pd.DataFrame

    @property
    def bad_share(self) -> float:
        total = len(self.valid) + len(self.quarantine)
        return len(self.quarantine) / total if total else 0.0


def canonical_dtypes(table: str) -> dict[str, str]:
    """The pandas dtypes of a raw partition of ``table``, in column order.

    The types of ``TABLES`` (class 02), except that categories are stored as text (a
    category's codes depend on which values a month has) and timestamps as
    :data:`TIMESTAMP_DTYPE`; flights add ``sched_dep_utc``.

    Raises:
        KeyError: an unknown table.
    """
    spec = TABLES[table]
    dtypes = {}
    for column, dtype in spec.dtypes.items():
        if column in spec.utc_columns:
            dtypes[column] = TIMESTAMP_DTYPE
        else:
            dtypes[column] = "string" if dtype == "category" else dtype
    if table == "flights":
        dtypes["sched_dep_utc"] = TIMESTAMP_DTYPE
    return dtypes


@cache
def raw_schema(table: str) -> pa.Schema:
    """The Arrow schema (with the pandas metadata that restores the dtypes) of every raw
    partition of ``table``; :func:`canonical_dtypes` written by pyarrow.

    Raises:
        KeyError: an unknown table.
    """
    empty = pd.DataFrame(
        {column: pd.Series(dtype=dtype) for column, dtype in canonical_dtypes(table).items()}
    )
    return pa.Schema.from_pandas(empty, preserve_index=False)


def read_raw(path: Path, table: str) -> pd.DataFrame:
    """Read a source file of ``table`` with every declared column as text.

    The format comes from the content, not from the name: CSV or Parquet, plain,
    compressed with gzip, bzip2 or xz, or the only file of a zip archive. Parquet values
    become the text a CSV would hold (a null, ``NaN``, empty text and ``NA`` are all
    missing, as in a CSV), so every encoding goes through the same checks.

    Returns:
        The declared columns as text; the index ``source_line`` is the line in a CSV
        file (line 1 is the header) or the row number in a Parquet file (from 1).

    Raises:
        SchemaError: the file cannot be unpacked or parsed, lacks declared columns, or has
            a column that cannot be read as text; the message names the file and column.
    """
    # BEGIN SOLUTION: CSV albo Parquet, też skompresowany, jako tekst (README)
    name = Path(path).name
    columns = list(TABLES[table].dtypes)
    try:
        data = _unpack(Path(path).read_bytes())
        if data.startswith(PARQUET_MAGIC):
            frame, first_line = _parquet_as_text(data, columns), 1
        else:
            frame = pd.read_csv(
                io.BytesIO(data),
                dtype=str,
                keep_default_na=False,
                na_values=NA_VALUES,
                engine="pyarrow",
            )
            first_line = 2  # line 1 is the header
    except SchemaError as error:
        raise SchemaError(f"{name}: {error}") from None
    except UNREADABLE as error:
        raise SchemaError(f"{name}: nie da się odczytać jako CSV ani Parquet ({error})") from None
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise SchemaError(f"{name}: brak kolumn {', '.join(missing)}")
    frame = frame[columns]
    frame.index = pd.RangeIndex(first_line, len(frame) + first_line, name="source_line")
    return frame
    # END SOLUTION


# BEGIN SOLUTION NO PROMPT
def _unpack(data: bytes) -> bytes:
    """The file inside a gzip, bzip2, xz or one-file zip container; other data as it is."""
    for magic, decompress in DECOMPRESSORS.items():
        if data.startswith(magic):
            return decompress(data)
    if data.startswith(PARQUET_MAGIC) or not zipfile.is_zipfile(io.BytesIO(data)):
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [
            member
            for member in archive.infolist()
            if not member.is_dir() and not member.filename.startswith(ZIP_EXTRAS)
        ]
        if len(members) != 1:
            names = ", ".join(member.filename for member in members) or "brak"
            raise SchemaError(f"archiwum zip musi zawierać jeden plik, zawiera: {names}")
        return archive.read(members[0])


def _parquet_as_text(data: bytes, columns: list[str]) -> pd.DataFrame:
    """The declared columns present in a Parquet file, as the text a CSV would hold."""
    table = pq.read_table(io.BytesIO(data))
    missing = pa.array(NA_VALUES)
    text = {}
    for column in (column for column in columns if column in table.column_names):
        values = table.column(column)
        if pa.types.is_floating(values.type):  # NaN is how many writers store a gap
            values = pc.if_else(pc.is_nan(values), pa.scalar(None, values.type), values)
        try:
            values = values.cast(pa.string())
        except pa.ArrowException:
            raise SchemaError(
                f"kolumna {column} typu {values.type} nie daje się odczytać jako tekst"
            ) from None
        text[column] = pc.if_else(pc.is_in(values, missing), pa.scalar(None, pa.string()), values)
    return pa.table(text).to_pandas() if text else pd.DataFrame()


# END SOLUTION


def _hhmm(values: pd.Series, low: int, high: int) -> pd.Series:
    """True for clock times HHMM outside low..high or with minutes >= 60."""
    return (values < low) | (values > high) | (values % 100 >= 60)


def _local(frame: pd.DataFrame) -> pd.Series:
    return frame["time_hour"].dt.tz_convert(LOCAL_TZ)


def _time_hour_mismatch(frame: pd.DataFrame) -> pd.Series:
    local = _local(frame)
    return (
        (local.dt.year != frame["year"])
        | (local.dt.month != frame["month"])
        | (local.dt.day != frame["day"])
        | (local.dt.hour != frame["hour"])
    )


def _invalid_date(frame: pd.DataFrame) -> pd.Series:
    dates = pd.to_datetime(frame[["year", "month", "day"]].astype("float64"), errors="coerce")
    return dates.isna()


def _outside(column: str, low: float, high: float, unit: str = "") -> Rule:
    return Rule(
        f"{column} poza zakresem {low:g}–{high:g}{unit}",
        lambda f: (f[column] < low) | (f[column] > high),
    )


RULES: dict[str, tuple[Rule, ...]] = {
    "flights": (
        Rule("nieistniejąca data", _invalid_date),
        Rule(
            "sched_dep_time nie jest godziną 0000–2359",
            lambda f: _hhmm(f["sched_dep_time"], 0, 2359),
        ),
        Rule(
            "sched_arr_time nie jest godziną 0000–2359",
            lambda f: _hhmm(f["sched_arr_time"], 0, 2359),
        ),
        Rule("dep_time nie jest godziną 0001–2400", lambda f: _hhmm(f["dep_time"], 1, 2400)),
        Rule("arr_time nie jest godziną 0001–2400", lambda f: _hhmm(f["arr_time"], 1, 2400)),
        Rule(
            "hour/minute niezgodne z sched_dep_time",
            lambda f: (
                (f["hour"] != f["sched_dep_time"] // 100)
                | (f["minute"] != f["sched_dep_time"] % 100)
            ),
        ),
        Rule("time_hour niezgodny z datą i godziną", _time_hour_mismatch),
        Rule(f"origin spoza {', '.join(ORIGINS)}", lambda f: ~f["origin"].isin(ORIGINS)),
        Rule("distance musi być > 0", lambda f: f["distance"] <= 0),
        Rule("air_time musi być > 0", lambda f: f["air_time"] <= 0),
    ),
    "weather": (
        Rule("nieistniejąca data", _invalid_date),
        Rule("hour poza zakresem 0–23", lambda f: (f["hour"] < 0) | (f["hour"] > 23)),
        Rule("time_hour niezgodny z datą i godziną", _time_hour_mismatch),
        Rule(f"origin spoza {', '.join(ORIGINS)}", lambda f: ~f["origin"].isin(ORIGINS)),
        _outside("temp", -40, 130, " °F"),
        _outside("dewp", -60, 100, " °F"),
        _outside("humid", 0, 100, " %"),
        _outside("wind_dir", 0, 360, "°"),
        # The strongest gust ever measured on Earth was about 250 mph.
        _outside("wind_speed", 0, 150, " mph"),
        _outside("wind_gust", 0, 250, " mph"),
        _outside("precip", 0, 10, " in"),
        _outside("pressure", 870, 1090, " hPa"),
        _outside("visib", 0, 10, " mil"),
    ),
    "planes": (
        _outside("year", 1900, 2014),
        _outside("engines", 1, 8),
        _outside("seats", 1, 1000),
    ),
    "airports": (_outside("lat", -90, 90, "°"), _outside("lon", -180, 180, "°")),
    "airlines": (),
}

# Columns that identify a row: a second row with the same key is quarantined (the first
# stays), otherwise a join with the table would multiply flights.
KEYS = {
    "weather": ["origin", "time_hour"],
    "planes": ["tailnum"],
    "airports": ["faa"],
    "airlines": ["carrier"],
}

# Text columns that must have a value (integer columns without gaps are required by dtype).
REQUIRED_TEXT = {
    "flights": ("carrier", "origin", "dest", "time_hour"),
    "weather": ("origin", "time_hour"),
    "planes": ("tailnum",),
    "airports": ("faa", "name"),
    "airlines": ("carrier", "name"),
}


# BEGIN SOLUTION NO PROMPT
def _convert(raw: pd.Series, dtype: str, utc: bool) -> tuple[pd.Series, pd.Series]:
    """Convert text to ``dtype``; return the values (gaps where it failed) and the failures."""
    present = raw.notna()
    if utc:
        values = pd.to_datetime(raw, utc=True, format="ISO8601", errors="coerce")
        return values, present & values.isna()
    if dtype in {"string", "category"}:
        return raw.astype("string"), pd.Series(False, index=raw.index)
    try:  # the common case, all values numeric, converts three times faster this way
        numbers = raw.astype("float64")
    except ValueError:
        numbers = pd.to_numeric(raw, errors="coerce")
    failed = present & numbers.isna()
    if dtype.lower().startswith("int"):
        info = np.iinfo(dtype.lower())
        fits = (numbers % 1 == 0) & numbers.between(info.min, info.max)
        failed |= numbers.notna() & ~fits
        numbers = numbers.where(fits)
    return numbers, failed


# END SOLUTION


def validate(raw: pd.DataFrame, table: str, month: str | None = None) -> Validated:
    """Split raw text rows into typed valid rows and quarantined rows with reasons.

    The valid rows have exactly :func:`canonical_dtypes`; the quarantined rows keep their
    text, with the source line and a ``reason`` column.

    Args:
        raw: the output of :func:`read_raw` (text values, index = source line).
        table: a name from ``TABLES``.
        month: ``YYYY-MM`` when every row must belong to that month.
    """
    # BEGIN SOLUTION: typy, RULES, KEYS; złe wiersze z powodem do kwarantanny
    spec = TABLES[table]
    reasons = pd.Series("", index=raw.index, dtype="string")

    def flag(bad: pd.Series, message: str, values: pd.Series | None = None) -> None:
        bad = bad.fillna(False).astype(bool)
        if bad.any():  # most checks find nothing; skip the string work then
            text = message if values is None else message + " '" + values[bad] + "'"
            reasons[bad] = reasons[bad] + text + "; "

    typed = {}
    for column, dtype in spec.dtypes.items():
        values, failed = _convert(raw[column], dtype, column in spec.utc_columns)
        flag(failed, f"{column}: niepoprawna wartość", raw[column])
        if column in spec.utc_columns:
            # Storing microseconds would silently change such a value (NaT != NaT, hence notna).
            finer = values.notna() & (values != values.dt.floor(TIMESTAMP_UNIT))
            flag(finer, f"{column}: dokładność większa niż mikrosekunda", raw[column])
            values = values.dt.as_unit(TIMESTAMP_UNIT)
        required = dtype[0] == "i" or column in REQUIRED_TEXT[table]
        if required:
            flag(raw[column].isna(), f"{column}: brak wymaganej wartości")
        typed[column] = values
    typed = pd.DataFrame(typed, index=raw.index)

    if month is not None and {"year", "month"} <= set(typed):
        year, number = parse_month(month)
        flag((typed["year"] != year) | (typed["month"] != number), f"wiersz spoza miesiąca {month}")
    for rule in RULES[table]:
        flag(rule.bad(typed), rule.message)
    if table in KEYS:
        keys = KEYS[table]
        repeated = typed.duplicated(keys, keep="first") & typed[keys].notna().all(axis=1)
        flag(repeated, f"powtórzony klucz ({', '.join(keys)})")

    bad = reasons != ""
    quarantine = raw[bad].assign(reason=reasons[bad].str.rstrip("; "))
    dtypes = canonical_dtypes(table)
    valid = typed[~bad].astype({column: dtypes[column] for column in typed})
    if table == "flights":
        valid = with_scheduled_departure(valid)
    return Validated(valid.astype(dtypes).reset_index(drop=True), quarantine.reset_index())
    # END SOLUTION
