"""The flight id of the traffic simulator: ``UA1545-EWR-2013-08-01T10:15Z``.

Carrier, flight number, origin and the scheduled departure in UTC: unique in the 2013
data (a flight number alone is reused by carriers and days). The API takes the id as an
opaque ``flight_id`` and logs it with the prediction; live quality reads back from it the
month a prediction belongs to. The format is written and read here, and nowhere else.
"""

from __future__ import annotations

import pandas as pd

from kurs.months import LOCAL_TZ

DEPARTURE_FORMAT = "%Y-%m-%dT%H:%M"
# The scheduled departure at the end of an id: ``…-2013-08-01T10:15Z``.
DEPARTURE_IN_ID = r"-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})Z$"


def flight_ids(frame: pd.DataFrame) -> pd.Series:
    """The ids of feature rows (``carrier``, ``flight``, ``origin``, ``sched_dep_utc``)."""
    departure = pd.to_datetime(frame["sched_dep_utc"], utc=True).dt.strftime(DEPARTURE_FORMAT)
    return (
        frame["carrier"].astype(str)
        + frame["flight"].astype(str)
        + "-"
        + frame["origin"].astype(str)
        + "-"
        + departure
        + "Z"
    )


def flight_month(ids: pd.Series) -> pd.Series:
    """``YYYY-MM`` (New York time) of the departure in each id; NaN for ids of another form."""
    departure = pd.to_datetime(
        ids.astype("string").str.extract(DEPARTURE_IN_ID, expand=False),
        format=DEPARTURE_FORMAT,
        utc=True,
        errors="coerce",
    )
    return departure.dt.tz_convert(LOCAL_TZ).dt.strftime("%Y-%m")
