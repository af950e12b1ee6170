"""A run's configuration (``--conf``): DAG params given on the command line, checked in
Polish before any task runs.

Airflow checks a run's params against the JSON Schema of each ``Param`` too, but only
once the run is being created, and says so in English (``'abc' is not of type 'null',
'number'``); a name that is not a param of the DAG at all (a typo) it ignores. Here both
are refused with the param's name, the value, what was expected and the param's own
description.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
from collections.abc import Mapping
from typing import Any

from kurs.months import data_month

# A --conf value meant as a month: checked against the data set before Airflow starts.
MONTH_LIKE = re.compile(r"\d{4}-\d{1,2}")
# JSON Schema's types, as a student reads them.
TYPE_NAMES = {
    "null": "null (brak wartości)",
    "integer": "liczba całkowita",
    "number": "liczba",
    "string": "tekst",
    "boolean": "true albo false",
    "array": "lista",
    "object": "obiekt",
}
# What a failed JSON Schema keyword means, by keyword; the rest keep jsonschema's words.
EXPECTED = {
    "type": lambda schema: " albo ".join(TYPE_NAMES.get(t, t) for t in _listed(schema["type"])),
    "minimum": lambda schema: f"wartość ≥ {schema['minimum']}",
    "maximum": lambda schema: f"wartość ≤ {schema['maximum']}",
    "exclusiveMinimum": lambda schema: f"wartość > {schema['exclusiveMinimum']}",
    "exclusiveMaximum": lambda schema: f"wartość < {schema['exclusiveMaximum']}",
    "enum": lambda schema: "jedna z: " + ", ".join(json.dumps(v) for v in schema["enum"]),
    "pattern": lambda schema: f"tekst pasujący do wzorca {schema['pattern']}",
    "minLength": lambda schema: f"tekst o długości ≥ {schema['minLength']}",
    "maxLength": lambda schema: f"tekst o długości ≤ {schema['maxLength']}",
}


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _not_a_number(constant: str) -> float:
    """``NaN`` and ``Infinity``, which Python's JSON accepts and no range check refuses."""
    raise argparse.ArgumentTypeError(f"{constant} nie jest liczbą: podaj skończoną wartość")


def parse_conf(text: str) -> dict:
    """``--conf``: a JSON object of DAG params; the month comes from ``--months`` only.

    A value written as a month (``YYYY-MM``) must be a month of the data set: it is
    refused here, before Airflow starts, as ``--months`` is.

    Raises:
        argparse.ArgumentTypeError: not a JSON object, a ``month`` key, or a month
            outside the data; the message (Polish) says which.
    """
    try:
        conf = json.loads(text, parse_constant=_not_a_number)
    except json.JSONDecodeError as error:
        raise argparse.ArgumentTypeError(
            f"to nie jest poprawny JSON (znak {error.pos + 1}): nazwy i teksty w podwójnych "
            'cudzysłowach, np. \'{"train_start": "2013-02"}\''
        ) from None
    if not isinstance(conf, dict):
        raise argparse.ArgumentTypeError('oczekiwano obiektu JSON, np. {"train_start": "2013-02"}')
    if "month" in conf:
        raise argparse.ArgumentTypeError("miesiąc podaje się w --months, nie w --conf")
    for name, value in conf.items():
        if isinstance(value, str) and MONTH_LIKE.fullmatch(value):
            try:
                data_month(value)
            except ValueError as error:
                raise argparse.ArgumentTypeError(f"{name}: {error}") from None
    return conf


def check_params(params: Mapping[str, Any], conf: Mapping[str, Any]) -> None:
    """Check ``conf`` against a DAG's params, as Airflow will, but in Polish.

    Args:
        params: the DAG's ``params`` (Airflow's ``ParamsDict``: ``get_param(name)`` gives
            the ``Param`` with its ``schema`` and ``description``).
        conf: the run's configuration, param name -> value.

    Raises:
        ValueError: a name that is not a param of the DAG (the message lists those there
            are), or a value its schema refuses (the message names the param, the value,
            what was expected and the param's description).
    """
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import best_match

    # The month is given by --months, never in --conf: not offered as a choice.
    names = sorted(name for name in params if name != "month")
    for name, value in conf.items():
        if name not in params:
            close = difflib.get_close_matches(name, names, n=1)
            hint = f" (może '{close[0]}'?)" if close else ""
            listed = f"są: {', '.join(names)}" if names else "ten DAG ma tylko parametr month"
            raise ValueError(f"'{name}' nie jest parametrem tego DAG-a{hint}; {listed}")
        param = params.get_param(name)
        validator = Draft202012Validator(param.schema, format_checker=FormatChecker())
        error = best_match(validator.iter_errors(value))
        if error is None:
            continue
        expected = EXPECTED.get(error.validator)
        reason = f"oczekiwano: {expected(error.schema)}" if expected else error.message
        about = f" ({param.description})" if param.description else ""
        raise ValueError(
            f"parametr '{name}'{about}: wartość {json.dumps(value, ensure_ascii=False)} "
            f"niepoprawna — {reason}"
        )
