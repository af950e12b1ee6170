"""Polish wording shared by the grader's messages and outputs: points with a decimal
comma, nouns agreeing with their count, a student's value shown as YAML spells it."""

from __future__ import annotations

import datetime
import errno
from decimal import Decimal
from typing import Any


def pl(value: Decimal) -> str:
    """``Decimal("57.50")`` → ``57,5``; ``Decimal("5.00")`` → ``5``."""
    return f"{value.normalize():f}".replace(".", ",")


_KIND_NAMES = (
    (bool, "wartość logiczna"),
    (int | float, "liczba"),
    (str, "tekst"),
    (datetime.datetime, "data z godziną"),
    (datetime.date, "data"),
    (list | tuple, "lista"),
    (dict, "mapa"),
    (set | frozenset, "zbiór"),
    (bytes, "dane binarne"),
)


def plural(n: int, one: str, few: str, many: str) -> str:
    """``n`` with the noun in its Polish form: 1 komórka, 2 komórki, 5 komórek,
    12 komórek, 22 komórki."""
    if n == 1:
        return f"{n} {one}"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} {few}"
    return f"{n} {many}"


def kind_name(value: Any) -> str:
    """The kind of a YAML or JSON value in Polish (``lista``, ``tekst``…); None is an
    empty file."""
    if value is None:
        return "pusty plik"
    return next((name for kinds, name in _KIND_NAMES if isinstance(value, kinds)), "wartość")


def shown(value: Any, limit: int = 60) -> str:
    """A student's value as YAML spells it, not as Python's repr: ``true``, ``null``,
    ``2013-01-01``, ``'trzy'``; a collection by its kind and size (its text may be huge:
    YAML aliases repeat it); at most ``limit`` characters."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, datetime.datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    elif isinstance(value, list | tuple | dict | set | frozenset):
        return f"{kind_name(value)} ({len(value)} elem.)"
    elif isinstance(value, str):
        text = "'" + value.replace("\n", "\\n") + "'"
    else:
        try:
            text = str(value)
        except ValueError:  # an int beyond the digits Python converts to text
            text = "bardzo długa liczba"
    return text if len(text) <= limit else text[: limit - 1] + "…"


_OS_ERRORS = {
    errno.ENOENT: "nie ma takiego pliku",
    errno.EACCES: "brak uprawnień do odczytu",
    errno.EISDIR: "to folder, nie plik",
    errno.ENOTDIR: "część ścieżki nie jest folderem",
}


def read_problem(error: Exception) -> str:
    """Why an instructor's file could not be read, in Polish: a missing file, no access,
    not UTF-8, or a YAML error with its line."""
    if isinstance(error, OSError):
        return _OS_ERRORS.get(error.errno, f"błąd odczytu ({error.strerror or error})")
    if isinstance(error, UnicodeDecodeError):
        return "plik nie jest zapisany w UTF-8"
    mark = getattr(error, "problem_mark", None)
    where = f" w wierszu {mark.line + 1}" if mark is not None else ""
    return f"niepoprawny YAML{where} ({getattr(error, 'problem', error)})"
