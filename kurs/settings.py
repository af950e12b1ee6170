"""Settings from three places, in one order: defaults, then environment, then overrides.

Every class with settings (ingest, training, the API) declares them in one table,
``name -> (environment variable, parser)``; :func:`read_settings` applies the order and
names the setting in every error, so a typo or a bad value never passes silently.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any


def number(kind: type, low: float | None = None, high: float | None = None, above: bool = False):
    """A parser of ``kind`` (int or float) that also checks the range, for ``read_settings``."""

    def parse(value: Any) -> float:
        try:
            parsed = kind(value)
        except (TypeError, ValueError):
            raise ValueError(f"niepoprawna wartość {value!r}") from None
        # int(2.5) is 2: a fraction where a whole number belongs must not pass silently.
        if kind is int and not isinstance(value, str) and parsed != value:
            raise ValueError(f"niepoprawna wartość {value!r}: oczekiwano liczby całkowitej")
        if not math.isfinite(parsed) or (
            low is not None and (parsed <= low if above else parsed < low)
        ):
            raise ValueError(f"musi być {'>' if above else '≥'} {low}, jest {value!r}")
        if high is not None and parsed > high:
            raise ValueError(f"musi być ≤ {high}, jest {value!r}")
        return parsed

    return parse


def read_settings(
    table: Mapping[str, tuple[str, Callable[[Any], Any]]],
    overrides: Mapping[str, Any] | None,
    environ: Mapping[str, str],
    what: str,
) -> dict[str, Any]:
    """Parsed settings: an environment variable first, then an override (``None`` = not set).

    Args:
        table: setting name -> (environment variable, parser raising ValueError).
        what: the kind of settings, for messages ("pobierania", "treningu").

    Raises:
        ValueError: an unknown setting or a bad value; the message names the setting and,
            for a value from the environment, its variable.
    """
    unknown = sorted(set(overrides or {}) - set(table))
    if unknown:
        raise ValueError(f"nieznane ustawienie {what}: '{unknown[0]}'")
    # name -> (value, where it came from): a bad value is fixed where it was written.
    raw = {
        name: (environ[variable], f" (zmienna środowiskowa {variable})")
        for name, (variable, _) in table.items()
        if environ.get(variable)
    }
    raw |= {name: (value, "") for name, value in (overrides or {}).items() if value is not None}
    settings = {}
    for name, (value, source) in raw.items():
        try:
            settings[name] = table[name][1](value)
        except ValueError as error:  # every parser's message says what is wrong
            raise ValueError(f"ustawienie '{name}'{source}: {error}") from None
    return settings
