import pandas as pd
import pytest

from zajecia_02_eda.data import with_scheduled_departure


def _flights(rows: list[dict]) -> pd.DataFrame:
    """Raw flights as class 03 stores them; every row can override the defaults."""
    defaults = {
        "year": 2013,
        "month": 1,
        "day": 15,
        "dep_time": 800,
        "sched_dep_time": 800,
        "dep_delay": 0,
        "arr_time": 1000,
        "sched_arr_time": 1000,
        "arr_delay": 0,
        "carrier": "UA",
        "flight": 1,
        "tailnum": "N14228",
        "origin": "EWR",
        "dest": "IAH",
        "air_time": 200,
        "distance": 1400,
        "hour": 8,
        "minute": 0,
    }
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    local = pd.to_datetime(frame[["year", "month", "day", "hour"]]).dt.tz_localize(
        "America/New_York"
    )
    frame["time_hour"] = local.dt.tz_convert("UTC").astype("datetime64[us, UTC]")
    typed = frame.astype(
        {
            "dep_time": "Int16",
            "dep_delay": "Int16",
            "arr_time": "Int16",
            "arr_delay": "Int16",
            "air_time": "Int16",
            "carrier": "string",
            "tailnum": "string",
            "origin": "string",
            "dest": "string",
        }
    )
    return with_scheduled_departure(typed)


def _weather(hours: list[int], day: int = 15, **values) -> pd.DataFrame:
    local = pd.to_datetime({"year": 2013, "month": 1, "day": day, "hour": hours}).dt.tz_localize(
        "America/New_York"
    )
    base = {
        "temp": 30.0,
        "dewp": 20.0,
        "humid": 60.0,
        "wind_dir": 180.0,
        "wind_speed": 10.0,
        "wind_gust": float("nan"),
        "precip": 0.0,
        "pressure": 1015.0,
        "visib": 10.0,
    }
    return pd.DataFrame(
        {
            "origin": "EWR",
            "time_hour": local.dt.tz_convert("UTC").astype("datetime64[us, UTC]"),
            **{k: values.get(k, v) for k, v in base.items()},
        }
    ).astype({"origin": "string"})


@pytest.fixture
def planes() -> pd.DataFrame:
    return pd.DataFrame(
        {"tailnum": ["N14228"], "year": [2003], "seats": [149], "engines": [2]}
    ).astype({"tailnum": "string", "year": "Int16", "seats": "int16", "engines": "int8"})


@pytest.fixture
def make_flights():
    """Build raw flights: a list of dicts, each overriding default values."""
    return _flights


@pytest.fixture
def make_weather():
    """Build hourly weather at EWR for the given local hours of a January day."""
    return _weather
