"""Every command of the course speaks Polish when its command line is wrong."""

import ast
import importlib
import re
import tomllib

import pytest

from kurs import exit_codes
from kurs.cli import PolishArgumentParser, polish_message, positive_int
from kurs.repository import REPO_ROOT
from kurs.tests.test_layout import repository_files

# Words of argparse's own English texts; none may reach a student.
ENGLISH = re.compile(
    r"usage|error|required|invalid|choose from|unrecognized|expected|ambiguous|"
    r"show this help|positional arguments|options:",
    re.I,
)
SCRIPTS = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "scripts"
]


def parser() -> PolishArgumentParser:
    parser = PolishArgumentParser(prog="polecenie", description="Opis.")
    parser.add_argument("--only", type=int, nargs="+", choices=[1, 2])
    parser.add_argument("--limit", type=float)
    parser.add_argument("--flights", type=positive_int)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("show", help="pokaż").add_argument("name", metavar="NAZWA")
    return parser


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--only", "9"], "argument --only: niepoprawny wybór: 9 (do wyboru: 1, 2)"),
        (
            ["--only", "x"],
            "argument --only: niepoprawna wartość 'x' (oczekiwano: liczba całkowita)",
        ),
        (["--limit"], "argument --limit: oczekiwano jednej wartości"),
        (["--flights", "0"], "argument --flights: musi być ≥ 1, jest 0"),
        (["--flights", "-1"], "argument --flights: musi być ≥ 1, jest -1"),
        (["--flights", "2.5"], "argument --flights: '2.5' to nie liczba całkowita"),
        ([], "brak wymaganych argumentów: POLECENIE"),
        (["pokaz"], "argument POLECENIE: niepoprawny wybór: 'pokaz' (do wyboru: 'show')"),
        (["show"], "brak wymaganych argumentów: NAZWA"),
        (["show", "a", "b"], "nieznane argumenty: b"),
    ],
)
def test_usage_errors_are_polish_with_exit_code_usage(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        parser().parse_args(argv)
    assert exit_.value.code == exit_codes.USAGE
    err = capsys.readouterr().err
    assert err.startswith("użycie: polecenie") and f": błąd: {message}\n" in err
    assert not ENGLISH.search(err)


def test_help_is_polish(capsys):
    with pytest.raises(SystemExit) as exit_:
        parser().parse_args(["--help"])
    assert exit_.value.code == exit_codes.OK
    out = capsys.readouterr().out
    assert "argumenty pozycyjne:" in out and "opcje:" in out and "pokaż pomoc i wyjdź" in out
    assert not ENGLISH.search(out)


def test_an_unknown_message_is_kept_not_lost():
    assert polish_message("something new") == "something new"
    assert polish_message("argument -x: something new") == "argument -x: something new"


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_every_course_command_gives_a_polish_usage_error(script, capsys):
    module, function = SCRIPTS[script].split(":")
    main = getattr(importlib.import_module(module), function)
    with pytest.raises(SystemExit) as exit_:
        main(["--nie-ma-takiej-opcji", "x"])
    assert exit_.value.code == exit_codes.USAGE
    err = capsys.readouterr().err
    assert err.startswith("użycie: ") and ": błąd: " in err
    assert not ENGLISH.search(err)
    with pytest.raises(SystemExit):
        main(["--help"])
    assert not ENGLISH.search(capsys.readouterr().out)


def test_no_command_builds_argparse_s_english_parser():
    """A new command line anywhere in the repository must use PolishArgumentParser (tests
    may build argparse parsers of other programs, e.g. to read Airflow's own CLI)."""
    english = []
    for path in repository_files(REPO_ROOT):
        if path.suffix != ".py" or "tests" in path.relative_to(REPO_ROOT).parts:
            continue
        if "argparse" not in (text := path.read_text(encoding="utf-8")):
            continue
        for node in ast.walk(ast.parse(text)):
            called = node.func if isinstance(node, ast.Call) else None
            if isinstance(called, ast.Attribute) and called.attr == "ArgumentParser":
                english.append(str(path.relative_to(REPO_ROOT)))
    assert english == []
