"""Features known before departure, the target, and the joins behind them.

The prediction is made **two hours before the scheduled departure** (``PREDICTION_LEAD``,
from ``cel_biznesowy.md``). A feature is allowed only if its value is known then:

* the timetable: scheduled hour, weekday, days to the nearest US federal holiday,
  distance, carrier, route, and how busy the origin is — the number of scheduled
  departures in that hour and day (the timetable is published in advance);
* the weather at the origin in the scheduled hour (in production: the forecast for that
  hour), and the most precipitation and the lowest visibility of the three hours up to
  it — nothing measured after the scheduled hour;
* the aircraft: age, seats, engines;
* the state of the day at the origin: the share of earlier departures that left 15 or
  more minutes late (or were cancelled), counting only flights whose outcome is known
  at prediction time — scheduled at least 15 minutes before it;
* the same aircraft's previous departure from New York that day, as much of its delay
  as had happened by prediction time (a delay still going on is cut at that moment).

The flight's own ``dep_time``, ``dep_delay``, ``arr_time``, ``arr_delay`` and
``air_time`` never become features (leakage, EDA section 6).

Missing values policy:

* weather: the measurement of the scheduled hour; if it is missing, the latest one at
  the same airport within the 3 hours before; otherwise the values stay missing and
  ``weather_missing`` = 1 (the model handles gaps). A missing ``wind_gust`` with a
  measured wind means no gusts and becomes 0;
* aircraft: tail numbers not in the planes table (MQ and AA report fleet numbers) keep
  missing values and get ``plane_missing`` = 1 — the flights are not dropped. A flight
  with **no** tail number is one that was cancelled (the EDA found no other), yet two
  hours before departure its aircraft was known: leaving its aircraft features empty
  would tell the model "cancelled" (leakage). It gets its carrier's typical values
  instead — the median aircraft, and the carrier's usual ``plane_missing``;
* day state: with no earlier departure known yet, the shares stay missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.tseries.holiday import USFederalHolidayCalendar

from kurs.months import LOCAL_TZ
from zajecia_02_eda.target import DELAY_THRESHOLD_MIN, is_disrupted

PREDICTION_LEAD = pd.Timedelta(hours=2)
RECENT_WINDOW = pd.Timedelta(hours=3)
OUTCOME_KNOWN_AFTER = pd.Timedelta(minutes=DELAY_THRESHOLD_MIN)
WEATHER_TOLERANCE = pd.Timedelta(hours=3)
WEATHER_WINDOW_HOURS = 3  # the scheduled hour and the two before it
HOLIDAY_HORIZON_DAYS = 14

WEATHER_COLUMNS = (
    "temp",
    "dewp",
    "humid",
    "wind_dir",
    "wind_speed",
    "wind_gust",
    "precip",
    "pressure",
    "visib",
)
CATEGORICAL_FEATURES = ("carrier", "origin", "dest")
NUMERIC_FEATURES = (
    "dep_hour",
    "dep_minute",
    "arr_hour",
    "weekday",
    "days_to_holiday",
    "distance",
    "origin_hour_departures",
    "origin_day_departures",
    "dest_day_arrivals",
    *WEATHER_COLUMNS,
    "weather_missing",
    "precip_max_3h",
    "visib_min_3h",
    "plane_age",
    "plane_seats",
    "plane_engines",
    "plane_missing",
    "origin_late_share_3h",
    "origin_departures_known_3h",
    "carrier_late_share_3h",
    "origin_late_share_day",
    "plane_prev_delay_known",
    "plane_prev_late",
)
FEATURES = (*CATEGORICAL_FEATURES, *NUMERIC_FEATURES)
ID_COLUMNS = ("sched_dep_utc", "month", "flight", "tailnum")
TARGET = "disrupted"
COLUMNS = (*ID_COLUMNS, *FEATURES, TARGET)


# BEGIN SOLUTION NO PROMPT
def _local_dates(flights: pd.DataFrame) -> pd.Series:
    return flights["sched_dep_utc"].dt.tz_convert(LOCAL_TZ).dt.tz_localize(None).dt.normalize()


# END SOLUTION


def days_to_holiday(dates: pd.Series) -> pd.Series:
    """Days to the nearest US federal holiday (either side), capped at 14."""
    # BEGIN SOLUTION: dni do najbliższego święta USA, najwyżej 14
    holidays = USFederalHolidayCalendar().holidays(
        dates.min() - pd.Timedelta(days=60), dates.max() + pd.Timedelta(days=60)
    )
    gaps = np.abs(dates.to_numpy()[:, None] - holidays.to_numpy()[None, :]).min(axis=1)
    days = gaps / np.timedelta64(1, "D")
    return pd.Series(np.minimum(days, HOLIDAY_HORIZON_DAYS), index=dates.index)
    # END SOLUTION


def late_share_known_before(
    flights: pd.DataFrame, keys: list[str], window: pd.Timedelta
) -> tuple[np.ndarray, np.ndarray]:
    """Share of late departures among earlier flights whose outcome is known at prediction.

    For every flight, among flights of the same group (``keys``) scheduled in
    ``[T - window, T - 15 min]`` where ``T`` is its prediction time, count those that
    left 15+ minutes late or were cancelled. Returns the share (NaN where none is known)
    and the count. Vectorised: groups and times are packed into one sorted key, and
    each window is two binary searches.
    """
    # BEGIN SOLUTION: udział opóźnionych o znanym wyniku (README)
    minutes = (
        (flights["sched_dep_utc"] - pd.Timestamp("2000-01-01", tz="UTC")) // pd.Timedelta(minutes=1)
    ).to_numpy(np.int64)
    group = flights.groupby(keys, observed=True, sort=False).ngroup().to_numpy(np.int64)
    late = (
        flights["dep_delay"].ge(DELAY_THRESHOLD_MIN).fillna(False) | flights["dep_time"].isna()
    ).to_numpy(np.int64)
    span = minutes.max() + 1 if len(minutes) else 1  # keeps groups apart in the packed key
    order = np.lexsort((minutes, group))
    packed = group[order] * span + minutes[order]
    late_before = np.concatenate([[0], np.cumsum(late[order])])
    prediction = minutes - PREDICTION_LEAD // pd.Timedelta(minutes=1)
    first = np.searchsorted(
        packed, group * span + prediction - window // pd.Timedelta(minutes=1), "left"
    )
    last = np.searchsorted(
        packed, group * span + prediction - OUTCOME_KNOWN_AFTER // pd.Timedelta(minutes=1), "right"
    )
    count = np.maximum(last - first, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(count > 0, (late_before[last] - late_before[first]) / count, np.nan)
    return share, count
    # END SOLUTION


# BEGIN SOLUTION NO PROMPT
def _join_weather(flights: pd.DataFrame, weather: pd.DataFrame) -> pd.DataFrame:
    """Weather of the scheduled hour at the origin, else the latest of the 3 hours before."""
    measured = weather[["origin", "time_hour", *WEATHER_COLUMNS]].sort_values("time_hour")
    joined = pd.merge_asof(
        flights.reset_index().sort_values("time_hour"),
        measured.assign(weather_found=1),
        on="time_hour",
        by="origin",
        direction="backward",
        tolerance=WEATHER_TOLERANCE,
    )
    joined = joined.set_index("index").sort_index()
    joined["weather_missing"] = joined.pop("weather_found").isna().astype("int8")
    no_gust = joined["wind_gust"].isna() & joined["wind_speed"].notna()
    joined.loc[no_gust, "wind_gust"] = 0.0
    window = _weather_window(weather)
    return joined.merge(window, on=["origin", "time_hour"], how="left", validate="many_to_one")


def _weather_window(weather: pd.DataFrame) -> pd.DataFrame:
    """Per airport and hour: the most precipitation and the lowest visibility over the
    hour and the two before it (a trailing window: nothing after the hour)."""
    windows = []
    for origin, hours in weather.groupby("origin", observed=True):
        hourly = hours.set_index("time_hour").sort_index()[["precip", "visib"]].asfreq("h")
        windows.append(
            pd.DataFrame(
                {
                    "origin": origin,
                    "precip_max_3h": hourly["precip"]
                    .rolling(WEATHER_WINDOW_HOURS, min_periods=1)
                    .max(),
                    "visib_min_3h": hourly["visib"]
                    .rolling(WEATHER_WINDOW_HOURS, min_periods=1)
                    .min(),
                }
            ).reset_index()
        )
    columns = ["origin", "time_hour", "precip_max_3h", "visib_min_3h"]
    return (
        pd.concat(windows).astype({"origin": "string"})
        if windows
        else pd.DataFrame(columns=columns)
    )


# END SOLUTION


def previous_departure_of_aircraft(flights: pd.DataFrame) -> pd.DataFrame:
    """The same aircraft's previous New York departure that day, as known at prediction.

    Returns ``plane_prev_delay_known`` — the delay in minutes as far as it had happened by
    prediction time ``T`` (a flight that had not left yet counts up to ``T``) — and
    ``plane_prev_late`` (that delay ≥ 15 min). Both are empty when there is no earlier
    departure that day or its outcome is not known yet at ``T`` (scheduled later than
    15 minutes before ``T``).
    """
    # BEGIN SOLUTION: poprzedni odlot samolotu (README)
    order = flights.sort_values(["tailnum", "sched_dep_utc"], kind="stable")
    same_day = order.groupby(["tailnum", "date"], observed=True, dropna=True)
    previous = same_day["sched_dep_utc"].shift(1)
    delay = same_day["dep_delay"].shift(1).astype("float64")
    cancelled = same_day["dep_time"].shift(1).isna() & previous.notna()
    prediction = order["sched_dep_utc"] - PREDICTION_LEAD
    elapsed = (prediction - previous) / pd.Timedelta(minutes=1)
    known = previous.notna() & (elapsed >= OUTCOME_KNOWN_AFTER / pd.Timedelta(minutes=1))
    delay_known = delay.where(~cancelled, elapsed).clip(upper=elapsed).where(known)
    result = pd.DataFrame(
        {
            "plane_prev_delay_known": delay_known,
            "plane_prev_late": (delay_known >= DELAY_THRESHOLD_MIN).astype("float64").where(known),
        },
        index=order.index,
    )
    return result.reindex(flights.index)
    # END SOLUTION


# BEGIN SOLUTION NO PROMPT
def _join_aircraft(frame: pd.DataFrame, planes: pd.DataFrame) -> pd.DataFrame:
    """Age, seats and engines of the aircraft; typical values when the tail is unknown."""
    aircraft = planes[["tailnum", "year", "seats", "engines"]].rename(
        columns={"year": "plane_year", "seats": "plane_seats", "engines": "plane_engines"}
    )
    frame = frame.merge(aircraft, on="tailnum", how="left", validate="many_to_one")
    frame["plane_age"] = frame["year"].astype("float64") - frame["plane_year"].astype("float64")
    values = ["plane_age", "plane_seats", "plane_engines"]
    frame[values] = frame[values].astype("float64")
    has_tail = frame["tailnum"].notna()
    frame["plane_missing"] = (has_tail & frame["plane_seats"].isna()).astype("float64")
    unknown = ~has_tail
    if unknown.any():
        # No tail number = a cancelled flight (module docstring): the carrier's typical values.
        known = frame[has_tail]
        typical_missing = known.groupby("carrier", observed=True)["plane_missing"].mean().round()
        typical = (
            known[known["plane_missing"] == 0].groupby("carrier", observed=True)[values].median()
        )
        carriers = frame.loc[unknown, "carrier"]
        missing = carriers.map(typical_missing).fillna(0).to_numpy()
        frame.loc[unknown, "plane_missing"] = missing
        for column in values:
            frame.loc[unknown, column] = np.where(
                missing == 1, np.nan, carriers.map(typical[column])
            )
    return frame


# END SOLUTION


def build_features(
    flights: pd.DataFrame, weather: pd.DataFrame, planes: pd.DataFrame
) -> pd.DataFrame:
    """One row per flight: identifiers, features known before departure and the target."""
    # BEGIN SOLUTION: cechy znane 2 h przed odlotem i cel (README, „Cechy”)
    frame = _join_weather(flights, weather)
    frame = _join_aircraft(frame, planes)
    local = frame["sched_dep_utc"].dt.tz_convert(LOCAL_TZ)
    dates = _local_dates(frame)
    frame["dep_hour"] = frame["hour"].astype("int8")
    frame["dep_minute"] = frame["minute"].astype("int8")
    frame["arr_hour"] = (frame["sched_arr_time"] // 100).astype("int8")
    frame["weekday"] = local.dt.day_of_week.astype("int8")
    frame["days_to_holiday"] = days_to_holiday(dates)
    frame["date"] = dates
    frame["origin_hour_departures"] = frame.groupby(["origin", "date", "hour"], observed=True)[
        "flight"
    ].transform("size")
    frame["origin_day_departures"] = frame.groupby(["origin", "date"], observed=True)[
        "flight"
    ].transform("size")
    frame["dest_day_arrivals"] = frame.groupby(["dest", "date"], observed=True)["flight"].transform(
        "size"
    )

    frame["origin_late_share_3h"], frame["origin_departures_known_3h"] = late_share_known_before(
        frame, ["origin", "date"], RECENT_WINDOW
    )
    frame["carrier_late_share_3h"], _ = late_share_known_before(
        frame, ["origin", "carrier", "date"], RECENT_WINDOW
    )
    frame["origin_late_share_day"], _ = late_share_known_before(
        frame, ["origin", "date"], pd.Timedelta(days=1)
    )
    frame = frame.join(previous_departure_of_aircraft(frame))
    frame["month"] = local.dt.strftime("%Y-%m")
    frame[TARGET] = is_disrupted(frame)
    numeric = {column: "float64" for column in NUMERIC_FEATURES}
    return (
        frame[list(COLUMNS)]
        .astype(numeric)
        .sort_values("sched_dep_utc", kind="stable")
        .reset_index(drop=True)
    )
    # END SOLUTION
