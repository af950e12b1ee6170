import math

import pandas as pd
import pytest

from zajecia_02_eda.data import LEAKAGE_COLUMNS
from zajecia_04_preprocessing.features import COLUMNS, build_features, days_to_holiday


def by_flight(frame):
    return frame.set_index("flight")


def test_columns_exclude_leakage_and_include_the_target(make_flights, make_weather, planes):
    features = build_features(make_flights([{}]), make_weather([8]), planes)
    assert list(features.columns) == list(COLUMNS)
    assert not set(LEAKAGE_COLUMNS) & set(features.columns)
    assert features.loc[0, "disrupted"] == 0


def test_target_follows_the_eda_decision(make_flights, make_weather, planes):
    flights = make_flights(
        [
            {"flight": 1, "arr_delay": 14},
            {"flight": 2, "arr_delay": 15},
            {"flight": 3, "dep_time": None, "dep_delay": None, "arr_delay": None},
        ]
    )
    assert build_features(flights, make_weather([8]), planes)["disrupted"].tolist() == [0, 1, 1]


def test_weather_of_the_hour_else_nearest_within_three_hours(make_flights, make_weather, planes):
    flights = make_flights(
        [
            {"flight": 1, "hour": 8, "sched_dep_time": 800},
            {"flight": 2, "hour": 14, "sched_dep_time": 1400},
        ]
    )
    weather = pd.concat([make_weather([8], temp=41.0), make_weather([10], temp=50.0)])
    features = by_flight(build_features(flights, weather, planes))
    assert features.loc[1, "temp"] == 41.0 and features.loc[1, "weather_missing"] == 0
    assert math.isnan(features.loc[2, "temp"]) and features.loc[2, "weather_missing"] == 1

    nearest = by_flight(
        build_features(
            make_flights([{"flight": 3, "hour": 11, "sched_dep_time": 1100}]), weather, planes
        )
    )
    assert nearest.loc[3, "temp"] == 50.0


def test_missing_gust_with_measured_wind_means_no_gust(make_flights, make_weather, planes):
    features = build_features(make_flights([{}]), make_weather([8]), planes)
    assert features.loc[0, "wind_gust"] == 0.0


def test_unknown_aircraft_keeps_the_flight_with_an_indicator(make_flights, make_weather, planes):
    flights = make_flights([{"flight": 1}, {"flight": 2, "tailnum": "N999MQ"}])
    features = by_flight(build_features(flights, make_weather([8]), planes))
    assert features.loc[1, "plane_age"] == 10 and features.loc[1, "plane_missing"] == 0
    assert math.isnan(features.loc[2, "plane_age"]) and features.loc[2, "plane_missing"] == 1


def test_calendar_and_congestion(make_flights, make_weather, planes):
    flights = make_flights(
        [{"flight": n, "minute": n, "sched_dep_time": 800 + n} for n in range(3)]
    )
    features = build_features(flights, make_weather([8]), planes)
    assert features["weekday"].tolist() == [1, 1, 1]  # 2013-01-15 was a Tuesday
    assert features["days_to_holiday"].tolist() == [6, 6, 6]  # Martin Luther King Day, 2013-01-21
    assert features["origin_hour_departures"].tolist() == [3, 3, 3]
    assert features["dep_minute"].tolist() == [0, 1, 2]


def test_days_to_holiday_is_capped():
    dates = pd.Series(pd.to_datetime(["2013-07-04", "2013-08-10"]))
    assert days_to_holiday(dates).tolist() == [0, 14]


def test_late_share_counts_only_outcomes_known_two_hours_before(make_flights, make_weather, planes):
    # Flight 9 departs at 12:00, so it is predicted at 10:00. Known then: flights scheduled
    # 07:00-09:45. Flight 1 (06:30) is outside the 3-hour window, flight 5 (09:50) too late.
    flights = make_flights(
        [
            {"flight": 1, "hour": 6, "minute": 30, "sched_dep_time": 630, "dep_delay": 60},
            {"flight": 2, "hour": 7, "minute": 0, "sched_dep_time": 700, "dep_delay": 20},
            {"flight": 3, "hour": 8, "minute": 0, "sched_dep_time": 800, "dep_delay": 0},
            {
                "flight": 4,
                "hour": 9,
                "minute": 45,
                "sched_dep_time": 945,
                "dep_time": None,
                "dep_delay": None,
            },
            {"flight": 5, "hour": 9, "minute": 50, "sched_dep_time": 950, "dep_delay": 90},
            {"flight": 9, "hour": 12, "minute": 0, "sched_dep_time": 1200, "carrier": "AA"},
        ]
    )
    features = by_flight(build_features(flights, make_weather(list(range(6, 13))), planes))
    assert features.loc[9, "origin_departures_known_3h"] == 3
    assert features.loc[9, "origin_late_share_3h"] == pytest.approx(2 / 3)  # flights 2 and 4
    assert features.loc[9, "origin_late_share_day"] == pytest.approx(3 / 4)  # flights 1, 2, 4
    assert math.isnan(features.loc[9, "carrier_late_share_3h"])  # no earlier AA flight
    assert math.isnan(features.loc[1, "origin_late_share_3h"])  # first flight of the day


def test_previous_departure_of_the_same_aircraft_as_known_two_hours_before(
    make_flights, make_weather, planes
):
    # One aircraft flies three times. At 13:00 (prediction for 15:00) the 08:00 departure
    # has left 30 min late; at 16:00 (prediction for 18:00) the 15:00 one has not left yet
    # (it will leave 4 h late), so only 60 of its minutes of delay are known.
    flights = make_flights(
        [
            {"flight": 1, "hour": 8, "sched_dep_time": 800, "dep_delay": 30},
            {"flight": 2, "hour": 15, "sched_dep_time": 1500, "dep_delay": 240},
            {"flight": 3, "hour": 18, "sched_dep_time": 1800},
            {"flight": 4, "hour": 9, "sched_dep_time": 900, "tailnum": "N999MQ"},
        ]
    )
    features = by_flight(build_features(flights, make_weather(list(range(8, 19))), planes))
    assert math.isnan(features.loc[1, "plane_prev_delay_known"])
    assert (
        features.loc[2, "plane_prev_delay_known"] == 30 and features.loc[2, "plane_prev_late"] == 1
    )
    assert (
        features.loc[3, "plane_prev_delay_known"] == 60 and features.loc[3, "plane_prev_late"] == 1
    )
    assert math.isnan(features.loc[4, "plane_prev_late"])


def test_previous_departure_not_known_yet_stays_empty(make_flights, make_weather, planes):
    flights = make_flights(
        [
            {"flight": 1, "hour": 8, "sched_dep_time": 800},
            {"flight": 2, "hour": 9, "sched_dep_time": 900},  # predicted at 07:00
        ]
    )
    features = by_flight(build_features(flights, make_weather([8, 9]), planes))
    assert math.isnan(features.loc[2, "plane_prev_delay_known"])


def test_weather_window_looks_back_three_hours_and_never_ahead(make_flights, make_weather, planes):
    # Hours 05:00-11:00; the flight leaves at 08:00, so its window is 06:00-08:00.
    weather = make_weather(
        list(range(5, 12)),
        precip=[0.5, 0, 0.3, 0, 0.9, 0, 0],
        visib=[1, 10, 4, 10, 0.5, 10, 10],
    )
    features = by_flight(build_features(make_flights([{"flight": 1}]), weather, planes))
    assert features.loc[1, "precip"] == 0 and features.loc[1, "visib"] == 10  # 08:00 itself
    assert features.loc[1, "precip_max_3h"] == 0.3  # 07:00; 05:00 is too early, 09:00 too late
    assert features.loc[1, "visib_min_3h"] == 4  # 07:00; the 0.5 at 09:00 is in the future


def test_flight_without_tail_number_does_not_reveal_its_cancellation(
    make_flights, make_weather, planes
):
    """In the data only cancelled flights lack a tail number; the features must not say so."""
    cancelled = {"dep_time": None, "dep_delay": None, "arr_time": None, "arr_delay": None}
    flights = make_flights(
        [
            {"flight": 1},
            {"flight": 2, "tailnum": None, "air_time": None, **cancelled},
            {"flight": 3, "tailnum": "N999MQ", "carrier": "MQ"},
            {"flight": 4, "tailnum": None, "carrier": "MQ", "air_time": None, **cancelled},
        ]
    )
    features = by_flight(build_features(flights, make_weather([8]), planes))
    assert features.loc[2, ["plane_missing", "plane_age", "plane_seats"]].tolist() == [0, 10, 149]
    # A carrier whose aircraft are usually unknown: the cancelled flight looks the same.
    assert features.loc[4, "plane_missing"] == features.loc[3, "plane_missing"] == 1
    assert math.isnan(features.loc[4, "plane_age"])
