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
    """One input field: what a machine checks and what a person reads about it.

    ``label`` and ``unit`` are for people (the form, the OpenAPI description); ``format_hint``
    says in words what ``pattern`` requires, so that no message shows a regular expression.
    """

    name: str
    kind: str  # "integer", "number" or "string"
    label: str
    description: str
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = False
    pattern: str | None = None
    format_hint: str | None = None
    enum: tuple[str, ...] | None = None
    example: object = None

    @property
    def unit_suffix(self) -> str:
        return f" [{self.unit}]" if self.unit else ""

    def json_schema(self) -> dict:
        # BEGIN SOLUTION: pole w JSON Schema (typ, zakres, opis, przykład)
        schema: dict = {"type": [self.kind, "null"] if self.nullable else self.kind}
        for key in ("minimum", "maximum", "pattern"):
            if getattr(self, key) is not None:
                schema[key] = getattr(self, key)
        if self.enum:
            schema["enum"] = list(self.enum)
        # The label leads the description: a "title" would rename the classes a client
        # generator makes for enum fields.
        schema["description"] = f"{self.label}{self.unit_suffix}. {self.description}"
        schema["examples"] = [self.example]
        return schema
        # END SOLUTION


def _integer(name, label, description, low, high, example, nullable=False, unit=None) -> Field:
    return Field(name, "integer", label, description, unit, low, high, nullable, example=example)


def _number(name, label, description, low, high, example, unit=None, nullable=True) -> Field:
    return Field(name, "number", label, description, unit, low, high, nullable, example=example)


def polish_number(value: float) -> str:
    """A number as the course writes it for people: ``12,5``, ``-60``, ``1015``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    return str(value).replace(".", ",")


FIELDS: tuple[Field, ...] = (
    Field(
        "carrier",
        "string",
        "Przewoźnik",
        "Kod IATA przewoźnika. Znane modelowi: "
        + ", ".join(CARRIERS)
        + "; inny kod jest przyjmowany i traktowany jak brak danych.",
        pattern=r"^[A-Z0-9]{2}$",
        format_hint="kodu IATA: 2 wielkie litery lub cyfry, np. UA",
        example="UA",
    ),
    Field(
        "origin",
        "string",
        "Lotnisko wylotu",
        "Model obejmuje tylko trzy lotniska Nowego Jorku.",
        enum=ORIGINS,
        example="EWR",
    ),
    Field(
        "dest",
        "string",
        "Lotnisko docelowe",
        "Kod FAA lotniska; nieznane modelowi jest przyjmowane i traktowane jak brak danych.",
        pattern=r"^[A-Z]{3}$",
        format_hint="kodu FAA: 3 wielkie litery, np. ORD",
        example="ORD",
    ),
    _integer("dep_hour", "Godzina odlotu", "Planowana, czas lokalny.", 0, 23, 8),
    _integer("dep_minute", "Minuta odlotu", "Minuta planowanego odlotu.", 0, 59, 30),
    _integer("arr_hour", "Godzina przylotu", "Planowana, czas lokalny celu.", 0, 23, 10),
    _integer("weekday", "Dzień tygodnia", "Planowanego odlotu; 0 = poniedziałek.", 0, 6, 2),
    _integer(
        "days_to_holiday",
        "Dni do święta",
        "Do najbliższego święta federalnego USA (najwyżej 14).",
        0,
        14,
        14,
        unit="dni",
    ),
    _integer("distance", "Odległość", "Długość trasy.", 1, 6000, 719, unit="mile"),
    _integer(
        "origin_hour_departures",
        "Odloty z lotniska w tej godzinie",
        "Planowane odloty z lotniska wylotu w godzinie odlotu.",
        0,
        200,
        20,
    ),
    _integer(
        "origin_day_departures",
        "Odloty z lotniska tego dnia",
        "Planowane odloty z lotniska wylotu w dniu odlotu.",
        0,
        2000,
        350,
    ),
    _integer(
        "dest_day_arrivals",
        "Przyloty z NYC do celu tego dnia",
        "Planowane przyloty z trzech lotnisk Nowego Jorku do lotniska docelowego.",
        0,
        500,
        30,
    ),
    _number("temp", "Temperatura", "Na lotnisku wylotu.", -60, 140, 68.0, "°F"),
    _number("dewp", "Punkt rosy", "Na lotnisku wylotu.", -80, 100, 50.0, "°F"),
    _number("humid", "Wilgotność względna", "Na lotnisku wylotu.", 0, 100, 55.0, "%"),
    _integer(
        "wind_dir", "Kierunek wiatru", "Skąd wieje wiatr.", 0, 360, 220, nullable=True, unit="°"
    ),
    _number("wind_speed", "Prędkość wiatru", "Średnia.", 0, 200, 10.0, "mph"),
    _number("wind_gust", "Porywy wiatru", "0 = bez porywów.", 0, 250, 0.0, "mph"),
    _number("precip", "Opad", "W godzinie odlotu.", 0, 10, 0.0, "cale"),
    _number("pressure", "Ciśnienie", "Na poziomie morza.", 850, 1100, 1015.0, "mbar"),
    _number("visib", "Widzialność", "W godzinie odlotu.", 0, 10, 10.0, "mile"),
    _integer(
        "weather_missing",
        "Brak pomiaru pogody",
        "1, gdy brak pomiaru pogody z okolic godziny odlotu; inaczej 0.",
        0,
        1,
        0,
    ),
    _number(
        "precip_max_3h",
        "Największy opad w 3 h",
        "Największy godzinny opad w 3 godzinach do godziny odlotu.",
        0,
        10,
        0.0,
        "cale",
    ),
    _number(
        "visib_min_3h",
        "Najmniejsza widzialność w 3 h",
        "Najmniejsza widzialność w 3 godzinach do godziny odlotu.",
        0,
        10,
        10.0,
        "mile",
    ),
    _integer("plane_age", "Wiek samolotu", "Lata od produkcji.", 0, 100, 12, True, "lata"),
    _integer("plane_seats", "Liczba miejsc", "Miejsca w samolocie.", 1, 1000, 180, True),
    _integer("plane_engines", "Liczba silników", "Silniki samolotu.", 1, 8, 2, True),
    _integer(
        "plane_missing",
        "Samolot spoza rejestru",
        "1, gdy samolotu nie ma w rejestrze; inaczej 0.",
        0,
        1,
        0,
    ),
    _number(
        "origin_late_share_3h",
        "Udział spóźnionych odlotów z lotniska (3 h)",
        "Ułamek 0–1: spóźnione odloty z lotniska w ostatnich 3 h, znane w chwili prognozy.",
        0,
        1,
        0.2,
    ),
    _integer(
        "origin_departures_known_3h",
        "Odloty z lotniska o znanym wyniku (3 h)",
        "Liczba odlotów z ostatnich 3 h, których wynik był już znany.",
        0,
        1000,
        40,
    ),
    _number(
        "carrier_late_share_3h",
        "Udział spóźnionych odlotów przewoźnika (3 h)",
        "Ułamek 0–1: to samo dla przewoźnika na tym lotnisku.",
        0,
        1,
        0.2,
    ),
    _number(
        "origin_late_share_day",
        "Udział spóźnionych odlotów z lotniska od rana",
        "Ułamek 0–1: spóźnione odloty z lotniska od początku dnia.",
        0,
        1,
        0.2,
    ),
    _number(
        "plane_prev_delay_known",
        "Opóźnienie poprzedniego odlotu samolotu",
        "Znane w chwili prognozy; ujemne = odlot przed czasem.",
        -180,
        1500,
        None,
        "min",
    ),
    _integer(
        "plane_prev_late",
        "Poprzedni odlot samolotu spóźniony",
        "1, gdy poprzedni odlot tego samolotu był spóźniony; inaczej 0.",
        0,
        1,
        None,
        True,
    ),
)
BY_NAME = {field.name: field for field in FIELDS}
# Not a feature: the client's name for the flight. A prediction log can keep it, so that the
# prediction can be joined with the real outcome later.
FLIGHT_ID = Field(
    "flight_id",
    "string",
    "Identyfikator lotu",
    "Opcjonalny identyfikator lotu nadany przez klienta; log predykcji łączy po nim "
    "prognozę z faktycznym wynikiem lotu.",
    pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
    format_hint="od 1 do 64 znaków: litery bez polskich znaków, cyfry i _ . : -",
    example="UA1545-EWR-2013-01-01T10:15Z",
)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


# BEGIN SOLUTION NO PROMPT
def _check(field: Field, value: object) -> tuple[object, str | None]:
    """The value as the model takes it (``None`` for missing), or an error message."""
    if value is None:
        if field.nullable:
            return None, None
        return None, "wymagana wartość: to pole nie może być puste (null)"
    if field.kind == "string":
        if not isinstance(value, str):
            return None, "oczekiwano tekstu"
        if field.enum and value not in field.enum:
            return None, f"dozwolone wartości: {', '.join(field.enum)}"
        if field.pattern and not re.fullmatch(field.pattern, value):
            return None, f"niepoprawny format: oczekiwano {field.format_hint}"
        return value, None
    # bool is an int in Python but not a number in JSON.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, "oczekiwano liczby"
    if isinstance(value, float) and not math.isfinite(value):
        return None, "oczekiwano liczby skończonej"
    # Compared before any conversion: a 400-digit JSON integer must not overflow float().
    if not field.minimum <= value <= field.maximum:
        low, high = polish_number(field.minimum), polish_number(field.maximum)
        return None, (
            f"wartość {polish_number(value)} poza zakresem od {low} do {high}{field.unit_suffix}"
        )
    if field.kind == "integer" and value != int(value):
        return None, "oczekiwano liczby całkowitej"
    return float(value), None


# END SOLUTION


def validate_flight(payload: object, where: str = "") -> tuple[dict | None, list[FieldError]]:
    """Check one flight object; return its values by feature name, or the errors.

    The values also hold ``flight_id`` when the client sent one.

    Every problem is reported, each naming its field (``instances[3].dep_hour`` inside a
    batch), so a client can fix a request in one go.
    """
    # BEGIN SOLUTION: sprawdź pola lotu, zbierz wszystkie błędy (README)
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
    # END SOLUTION


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
