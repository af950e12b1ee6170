"""The input of ``POST /predict``: one field per model feature, with its type and range.

``FIELDS`` is the single description of a flight as the API accepts it. Validation,
the OpenAPI document and the HTML form are all generated from it, so the three cannot
disagree. The features are the ones class 04 computes two hours before departure; a
client (the airline's planning system, a traffic simulator) sends them already computed.

Ranges are physical or business limits with a margin over everything seen in 2013, not
the 2013 minimum and maximum: a hot day of 2014 must not be refused. Unknown carriers and
destinations are accepted — the model's encoder treats them as missing, a case the trees
learned — but the origin must be one of the three New York airports the model covers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zajecia_02_eda.data import CARRIERS, ORIGINS


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "integer", "number" or "string"
    description: str
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = False
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    example: object = None

    def json_schema(self) -> dict:
        schema: dict = {"type": [self.kind, "null"] if self.nullable else self.kind}
        for key in ("minimum", "maximum", "pattern"):
            if getattr(self, key) is not None:
                schema[key] = getattr(self, key)
        if self.enum:
            schema["enum"] = list(self.enum)
        schema["description"] = self.description
        schema["examples"] = [self.example]
        return schema


def _integer(name, description, low, high, example, nullable=False) -> Field:
    return Field(name, "integer", description, low, high, nullable, example=example)


def _number(name, description, low, high, example, nullable=True) -> Field:
    return Field(name, "number", description, low, high, nullable, example=example)


FIELDS: tuple[Field, ...] = (
    Field(
        "carrier",
        "string",
        "Przewoźnik, kod IATA (2 znaki). Znane modelowi: "
        + ", ".join(CARRIERS)
        + "; inny kod jest przyjmowany i traktowany jak brak danych.",
        pattern=r"^[A-Z0-9]{2}$",
        example="UA",
    ),
    Field(
        "origin",
        "string",
        "Lotnisko wylotu — model obejmuje tylko trzy lotniska Nowego Jorku.",
        enum=ORIGINS,
        example="EWR",
    ),
    Field(
        "dest",
        "string",
        "Lotnisko docelowe, kod FAA (3 litery); nieznane modelowi jest przyjmowane "
        "i traktowane jak brak danych.",
        pattern=r"^[A-Z]{3}$",
        example="ORD",
    ),
    _integer("dep_hour", "Planowana godzina odlotu (czas lokalny).", 0, 23, 8),
    _integer("dep_minute", "Minuta planowanego odlotu.", 0, 59, 30),
    _integer("arr_hour", "Planowana godzina przylotu (czas lokalny celu).", 0, 23, 10),
    _integer("weekday", "Dzień tygodnia planowanego odlotu, 0 = poniedziałek.", 0, 6, 2),
    _integer("days_to_holiday", "Dni do najbliższego święta federalnego USA (max 14).", 0, 14, 14),
    _integer("distance", "Odległość trasy w milach.", 1, 6000, 719),
    _integer("origin_hour_departures", "Planowane odloty z lotniska w tej godzinie.", 0, 200, 20),
    _integer("origin_day_departures", "Planowane odloty z lotniska tego dnia.", 0, 2000, 350),
    _integer("dest_day_arrivals", "Planowane przyloty z NYC do celu tego dnia.", 0, 500, 30),
    _number("temp", "Temperatura na lotnisku wylotu [°F].", -60, 140, 68.0),
    _number("dewp", "Punkt rosy [°F].", -80, 100, 50.0),
    _number("humid", "Wilgotność względna [%].", 0, 100, 55.0),
    _integer("wind_dir", "Kierunek wiatru [stopnie].", 0, 360, 220, nullable=True),
    _number("wind_speed", "Prędkość wiatru [mph].", 0, 200, 10.0),
    _number("wind_gust", "Porywy wiatru [mph], 0 = bez porywów.", 0, 250, 0.0),
    _number("precip", "Opad w godzinie odlotu [cale].", 0, 10, 0.0),
    _number("pressure", "Ciśnienie [mbar].", 850, 1100, 1015.0),
    _number("visib", "Widzialność [mile].", 0, 10, 10.0),
    _integer("weather_missing", "1, gdy brak pomiaru pogody z okolic godziny odlotu.", 0, 1, 0),
    _number("precip_max_3h", "Największy opad w 3 godzinach do godziny odlotu.", 0, 10, 0.0),
    _number("visib_min_3h", "Najmniejsza widzialność w 3 godzinach do odlotu.", 0, 10, 10.0),
    _integer("plane_age", "Wiek samolotu w latach.", 0, 100, 12, nullable=True),
    _integer("plane_seats", "Liczba miejsc w samolocie.", 1, 1000, 180, nullable=True),
    _integer("plane_engines", "Liczba silników.", 1, 8, 2, nullable=True),
    _integer("plane_missing", "1, gdy samolotu nie ma w rejestrze.", 0, 1, 0),
    _number(
        "origin_late_share_3h",
        "Udział spóźnionych odlotów z lotniska w ostatnich 3 h (znanych w chwili prognozy).",
        0,
        1,
        0.2,
    ),
    _integer(
        "origin_departures_known_3h",
        "Liczba odlotów z ostatnich 3 h, których wynik był już znany.",
        0,
        1000,
        40,
    ),
    _number("carrier_late_share_3h", "To samo dla przewoźnika na lotnisku.", 0, 1, 0.2),
    _number("origin_late_share_day", "Udział spóźnionych odlotów z lotniska od rana.", 0, 1, 0.2),
    _number(
        "plane_prev_delay_known",
        "Znane w chwili prognozy opóźnienie poprzedniego odlotu tego samolotu [min].",
        -180,
        1500,
        None,
    ),
    _integer("plane_prev_late", "1, gdy poprzedni odlot samolotu był spóźniony.", 0, 1, None, True),
)
BY_NAME = {field.name: field for field in FIELDS}
# Not a feature: the client's name for the flight. A prediction log can keep it, so that the
# prediction can be joined with the real outcome later.
FLIGHT_ID = Field(
    "flight_id",
    "string",
    "Opcjonalny identyfikator lotu nadany przez klienta; log predykcji łączy po nim "
    "prognozę z faktycznym wynikiem lotu.",
    pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
    example="UA1545-EWR-2013-01-01T10:15Z",
)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


def _check(field: Field, value: object) -> tuple[object, str | None]:
    """The value as the model takes it (``None`` for missing), or an error message."""
    if value is None:
        return None, None if field.nullable else "wymagana wartość (null niedozwolony)"
    if field.kind == "string":
        if not isinstance(value, str):
            return None, "oczekiwano tekstu"
        if field.enum and value not in field.enum:
            return None, f"dozwolone wartości: {', '.join(field.enum)}"
        if field.pattern and not re.fullmatch(field.pattern, value):
            return None, f"niepoprawny format (wzorzec {field.pattern})"
        return value, None
    # bool is an int in Python but not a number in JSON.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, "oczekiwano liczby"
    if isinstance(value, float) and not math.isfinite(value):
        return None, "oczekiwano liczby skończonej"
    # Compared before any conversion: a 400-digit JSON integer must not overflow float().
    if not field.minimum <= value <= field.maximum:
        return None, f"wartość {value} poza zakresem [{field.minimum}, {field.maximum}]"
    if field.kind == "integer" and value != int(value):
        return None, "oczekiwano liczby całkowitej"
    return float(value), None


def validate_flight(payload: object, where: str = "") -> tuple[dict | None, list[FieldError]]:
    """Check one flight object; return its values by feature name, or the errors.

    The values also hold ``flight_id`` when the client sent one.

    Every problem is reported, each naming its field (``instances[3].dep_hour`` inside a
    batch), so a client can fix a request in one go.
    """
    if not isinstance(payload, Mapping):
        return None, [FieldError(where.rstrip(".") or "$", "oczekiwano obiektu JSON z polami lotu")]
    errors = [
        FieldError(f"{where}{name}", "nieznane pole")
        for name in payload
        if name not in BY_NAME and name != FLIGHT_ID.name
    ]
    values = {}
    if FLIGHT_ID.name in payload:
        values[FLIGHT_ID.name], message = _check(FLIGHT_ID, payload[FLIGHT_ID.name])
        if message:
            errors.append(FieldError(f"{where}{FLIGHT_ID.name}", message))
    for field in FIELDS:
        if field.name not in payload:
            errors.append(FieldError(f"{where}{field.name}", "brak wymaganego pola"))
            continue
        values[field.name], message = _check(field, payload[field.name])
        if message:
            errors.append(FieldError(f"{where}{field.name}", message))
    return (None, errors) if errors else (values, [])


def flight_records(frame: pd.DataFrame) -> list[dict]:
    """Feature rows (class 04 partitions) as request bodies: JSON values, None = missing."""
    columns = [name for name in BY_NAME if name in frame]
    table = frame[columns].astype(object)
    table = table.where(frame[columns].notna(), None)
    return [
        {name: _json_value(value) for name, value in row.items()}
        for row in table.to_dict("records")
    ]


def _json_value(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    # 5.0 -> 5: the integer fields are integers in JSON too.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def example_flight() -> dict:
    return {field.name: field.example for field in FIELDS}
