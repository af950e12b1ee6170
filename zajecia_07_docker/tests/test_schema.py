"""Validation of one flight: every problem found and named, nothing coerced silently."""

import math
import re

import numpy as np
import pandas as pd
import pytest

from zajecia_04_preprocessing.features import FEATURES
from zajecia_07_docker.schema import (
    BY_NAME,
    FIELDS,
    FLIGHT_ID,
    example_flight,
    flight_records,
    polish_number,
    validate_flight,
)


def errors_of(payload, where=""):
    values, errors = validate_flight(payload, where)
    assert values is None
    return {error.field: error.message for error in errors}


def test_fields_are_the_model_features_in_order():
    assert tuple(field.name for field in FIELDS) == FEATURES


def test_example_flight_is_valid_and_values_become_floats():
    values, errors = validate_flight(example_flight())
    assert errors == []
    assert values["dep_hour"] == 8.0 and isinstance(values["dep_hour"], float)
    assert values["carrier"] == "UA" and values["plane_prev_late"] is None


def test_real_flights_of_a_month_are_all_valid(real_data):
    from zajecia_07_docker.tests.flights import flights_of

    flights = flights_of(real_data)
    assert len(flights) > 20_000
    invalid = [errors for _, errors in map(validate_flight, flights) if errors]
    assert invalid == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("dep_hour", 24, "poza zakresem"),
        ("dep_hour", -1, "poza zakresem"),
        ("dep_hour", 7.5, "całkowitej"),
        ("dep_hour", "8", "oczekiwano liczby"),
        ("dep_hour", True, "oczekiwano liczby"),
        ("dep_hour", None, "nie może być puste (null)"),
        ("dep_hour", 10**400, "poza zakresem"),
        ("temp", math.nan, "skończonej"),
        ("temp", math.inf, "skończonej"),
        ("temp", [1], "oczekiwano liczby"),
        ("origin", "WAW", "EWR, JFK, LGA"),
        ("origin", 1, "tekstu"),
        ("carrier", "united", "niepoprawny format: oczekiwano kodu IATA"),
        ("dest", "ord", "niepoprawny format: oczekiwano kodu FAA"),
        ("flight_id", "a b", "niepoprawny format: oczekiwano od 1 do 64 znaków"),
        ("temp", 200.5, "wartość 200,5 poza zakresem od -60 do 140 [°F]"),
    ],
)
def test_bad_value_is_named_with_the_reason(field, value, message):
    errors = errors_of(example_flight() | {field: value})
    assert list(errors) == [field]
    assert message in errors[field]


def test_null_is_accepted_where_the_model_knows_missing_values():
    nullable = [field.name for field in FIELDS if field.nullable]
    assert {"temp", "plane_age", "plane_prev_late"} <= set(nullable)
    values, errors = validate_flight(example_flight() | dict.fromkeys(nullable))
    assert errors == [] and all(values[name] is None for name in nullable)


def test_unknown_carrier_and_destination_are_accepted():
    values, errors = validate_flight(example_flight() | {"carrier": "ZZ", "dest": "XYZ"})
    assert errors == [] and values["dest"] == "XYZ"


def test_every_missing_and_unknown_field_is_reported_at_once():
    payload = example_flight()
    del payload["distance"], payload["temp"]
    errors = errors_of(payload | {"delay": 5, "arr_delay": 10})
    assert errors == {
        "delay": "nieznane pole",
        "arr_delay": "nieznane pole",
        "distance": "brak wymaganego pola",
        "temp": "brak wymaganego pola",
    }


def test_fields_inside_a_batch_carry_their_position():
    errors = errors_of(example_flight() | {"weekday": 9}, where="instances[3].")
    assert list(errors) == ["instances[3].weekday"]


def test_not_an_object_is_refused():
    assert errors_of([1, 2]) == {"$": "oczekiwano obiektu JSON z polami lotu"}


def test_flight_records_turn_features_into_json_values():
    frame = pd.DataFrame(
        {"carrier": ["UA"], "dep_hour": [np.float64(5.0)], "temp": [np.nan], "humid": [55.5]}
    )
    [record] = flight_records(frame)
    assert record == {"carrier": "UA", "dep_hour": 5, "temp": None, "humid": 55.5}
    assert type(record["dep_hour"]) is int


def test_every_number_field_has_a_range_and_every_field_a_description():
    for field in FIELDS:
        assert field.description
        if field.kind != "string":
            assert field.minimum < field.maximum
    assert BY_NAME["origin"].enum == ("EWR", "JFK", "LGA")


def test_every_field_has_a_polish_label_and_patterns_are_described_in_words():
    labels = [field.label for field in (*FIELDS, FLIGHT_ID)]
    assert len(set(labels)) == len(labels)
    assert all(field.name not in field.label for field in FIELDS)
    assert BY_NAME["temp"].label + BY_NAME["temp"].unit_suffix == "Temperatura [°F]"
    for field in (*FIELDS, FLIGHT_ID):
        assert bool(field.pattern) == bool(field.format_hint), field.name
        message = errors_of(example_flight() | {field.name: "?"})[field.name]
        assert not re.search(r"[\^$\\]|\[[A-Za-z]|\{\d", message), message


def test_messages_write_numbers_the_polish_way():
    assert [polish_number(x) for x in (12.5, -60, 1015.0, 10**20, 0.1)] == [
        "12,5",
        "-60",
        "1015",
        "100000000000000000000",
        "0,1",
    ]
