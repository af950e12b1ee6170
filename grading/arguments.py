"""The grader's command-line parser: argparse speaking Polish.

argparse writes usage, help and errors in English and Python ships no Polish catalog.
The course's own commands use ``kurs.cli.PolishArgumentParser``; the grader must work
without the course's packages (it is handed to instructors on its own), so it keeps this
small parser of its own, translating the messages its command line can produce.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

USAGE_EXIT = 2
MESSAGES = tuple(
    (re.compile(pattern, re.S), polish)
    for pattern, polish in (
        (r"the following arguments are required: (?P<x>.*)", r"brak wymaganych argumentów: \g<x>"),
        (r"unrecognized arguments: (?P<x>.*)", r"nieznane argumenty: \g<x>"),
        (
            r"invalid choice: (?P<x>.*?) \(choose from (?P<c>.*)\)",
            r"zły wybór: \g<x> (do wyboru: \g<c>)",
        ),
        (r"invalid (?P<type>\S+) value: (?P<value>.*)", r"niepoprawna wartość \g<value>"),
        (r"expected one argument", "oczekiwano jednej wartości"),
        (r"expected at least one argument", "oczekiwano co najmniej jednej wartości"),
        (
            r"ambiguous option: (?P<x>.*) could match (?P<m>.*)",
            r"niejednoznaczna opcja: \g<x> (\g<m>)",
        ),
    )
)
ARGUMENT = re.compile(r"argument (?P<name>\S+?): (?P<message>.*)", re.S)


def polish(message: str) -> str:
    """argparse's error ``message`` in Polish; an unknown one comes back unchanged."""
    if match := ARGUMENT.fullmatch(message):
        return f"argument {match['name']}: {polish(match['message'])}"
    for pattern, text in MESSAGES:
        if pattern.fullmatch(message):
            return pattern.sub(text, message)
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, "użycie: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse with Polish help headings and errors; a bad command line exits with 2."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, add_help=False, formatter_class=_Formatter, **kwargs)
        self._positionals.title = "argumenty pozycyjne"
        self._optionals.title = "opcje"
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help="pokaż pomoc i wyjdź"
        )

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(USAGE_EXIT, f"{self.prog}: błąd: {polish(message)}\n")
