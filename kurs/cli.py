"""The command-line parser of every course command: argparse speaking Polish.

argparse writes its usage, help and errors in English (through ``gettext``, with no
Polish catalog in Python). :class:`PolishArgumentParser` is a drop-in
``argparse.ArgumentParser`` whose help headings are Polish and whose errors are
translated from argparse's message templates, so a bad command line gives::

    użycie: python -m kurs [-h] [--only NR [NR ...]]
    python -m kurs: błąd: argument --only: niepoprawny wybór: 9 (do wyboru: 1, 2, 3, …)

and exits with :data:`kurs.exit_codes.USAGE`. Subcommands (``add_subparsers``) get the
same class. A message argparse might add later and this table does not know stays as it
is — still under the Polish ``błąd:`` line.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

from kurs import exit_codes
from kurs.months import data_month

# Names of the types argparse reports in "invalid <type> value".
TYPE_NAMES = {"int": "liczba całkowita", "float": "liczba", "Path": "ścieżka"}


def _invalid_value(match: re.Match) -> str:
    kind = TYPE_NAMES.get(match["type"], match["type"])
    return f"niepoprawna wartość {match['value']} (oczekiwano: {kind})"


# argparse's message templates (Python 3.11–3.13), English pattern → Polish text.
MESSAGES: tuple[tuple[re.Pattern, object], ...] = tuple(
    (re.compile(pattern, re.S), polish)
    for pattern, polish in (
        (r"the following arguments are required: (?P<x>.*)", r"brak wymaganych argumentów: \g<x>"),
        (r"unrecognized arguments: (?P<x>.*)", r"nieznane argumenty: \g<x>"),
        (
            r"invalid choice: (?P<x>.*?) \(choose from (?P<c>.*)\)",
            r"niepoprawny wybór: \g<x> (do wyboru: \g<c>)",
        ),
        (r"invalid (?P<type>\S+) value: (?P<value>.*)", _invalid_value),
        (r"expected one argument", "oczekiwano jednej wartości"),
        (r"expected at most one argument", "oczekiwano najwyżej jednej wartości"),
        (r"expected at least one argument", "oczekiwano co najmniej jednej wartości"),
        (r"expected (?P<n>\d+) arguments?", r"oczekiwano wartości: \g<n>"),
        (
            r"ambiguous option: (?P<x>.*) could match (?P<m>.*)",
            r"niejednoznaczna opcja: \g<x> pasuje do: \g<m>",
        ),
        (r"not allowed with argument (?P<x>.*)", r"nie można łączyć z argumentem \g<x>"),
        (r"one of the arguments (?P<x>.*) is required", r"wymagany jeden z argumentów: \g<x>"),
        (r"ignored explicit argument (?P<x>.*)", r"niepotrzebna wartość \g<x>"),
        (r"can't open '(?P<f>.*)': (?P<e>.*)", r"nie można otworzyć '\g<f>': \g<e>"),
    )
)
ARGUMENT = re.compile(r"argument (?P<name>\S+?): (?P<message>.*)", re.S)


def polish_message(message: str) -> str:
    """argparse's error ``message`` in Polish; an unknown message comes back unchanged."""
    if match := ARGUMENT.fullmatch(message):
        return f"argument {match['name']}: {polish_message(match['message'])}"
    for pattern, polish in MESSAGES:
        if pattern.fullmatch(message):
            return pattern.sub(polish, message)
    return message


class PolishHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, "użycie: " if prefix is None else prefix)


class PolishArgumentParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` with Polish help and errors; exit code ``USAGE`` (2)."""

    def __init__(self, *args, add_help: bool = True, **kwargs) -> None:
        kwargs.setdefault("formatter_class", PolishHelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "argumenty pozycyjne"
        self._optionals.title = "opcje"
        if add_help:
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help="pokaż pomoc i wyjdź"
            )

    def add_subparsers(self, **kwargs):
        # Without a metavar argparse names the subcommand by its dest ("command").
        kwargs.setdefault("metavar", "POLECENIE")
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(exit_codes.USAGE, f"{self.prog}: błąd: {polish_message(message)}\n")


def month_argument(text: str) -> str:
    """An argparse ``type``: a ``YYYY-MM`` month of the data set (2013).

    Raises:
        argparse.ArgumentTypeError: any other text; argparse names the argument.
    """
    try:
        return data_month(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def positive_int(text: str) -> int:
    """An argparse ``type``: a whole number ≥ 1 (a count of flights, clients, months).

    Raises:
        argparse.ArgumentTypeError: anything else; argparse names the argument.
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} to nie liczba całkowita") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"musi być ≥ 1, jest {value}")
    return value
