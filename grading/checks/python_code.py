"""Checks of Python source files read as syntax trees (``ast``): the student's code is
parsed, never imported or run.

* ``python_dtypes`` (02.typy): the data module states its column types — a call of
  ``read_csv``, ``read_parquet``, ``read_json`` or ``read_table`` with a ``dtype=``
  argument, or ``.astype(...)`` whose first argument is a dict (``{…}`` or a dict
  comprehension) or a variable (a name other than a builtin type such as ``int``).
* ``python_uses`` (05.pipeline): the code of a class folder (files under a ``tests``
  folder left out) imports and calls a library name, e.g. ``sklearn.pipeline.Pipeline``:
  ``from sklearn.pipeline import Pipeline [as P]`` then ``P(…)``, ``import sklearn.pipeline
  [as m]`` then ``m.Pipeline(…)`` or ``sklearn.pipeline.Pipeline(…)``, ``from sklearn
  import pipeline`` then ``pipeline.Pipeline(…)``.
* ``python_no_pickle`` (05.bez_pickle): the folder's code imports ``skops.io`` and no
  module imports ``pickle``, ``cloudpickle``, ``dill`` or ``joblib`` in any form
  (``import``, ``from … import``, ``__import__("…")``, ``importlib.import_module("…")``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import PurePosixPath
from typing import Any

from grading.checks.base import Context, static_check
from grading.model import Evidence, Outcome, StudentError

READERS = frozenset({"read_csv", "read_parquet", "read_json", "read_table"})
PICKLERS = ("pickle", "cloudpickle", "dill", "joblib")
_BUILTIN_TYPES = frozenset({"int", "float", "str", "bool", "bytes", "complex", "object"})
_DYNAMIC_IMPORTS = frozenset({"__import__", "import_module"})
# Nesting levels of a syntax tree. Real code stays under 90 (the deepest of 13 500 files of
# installed packages: 87); ast.unparse takes about 3 stack frames a level.
MAX_DEPTH = 150
_TOO_DEEP = "kod zagnieżdżony zbyt głęboko, np. bardzo długie wyrażenie"


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """The syntax tree of ``source``. Whatever the code is, the only exception is
    SyntaxError: also for NUL bytes and lone surrogates (ValueError), code too large
    or nested too deeply for the parser (MemoryError, RecursionError), and a tree deeper
    than :data:`MAX_DEPTH` levels — so that every recursive walk of the tree
    (``ast.unparse``, the checks' own) stays far from the recursion limit."""
    try:
        tree = ast.parse(source, filename=filename)
    except ValueError:  # NUL bytes in older Pythons, lone surrogates (UnicodeEncodeError)
        raise SyntaxError(
            "kod zawiera niedozwolony znak (NUL albo niepoprawny znak Unicode)"
        ) from None
    except (MemoryError, RecursionError):
        raise SyntaxError(_TOO_DEEP) from None
    line = _too_deep(tree)
    if line is not None:
        raise SyntaxError(_TOO_DEEP, (filename, line or None, None, None))
    return tree


def _too_deep(tree: ast.AST) -> int | None:
    """The line (0 when unknown) of the first node found more than :data:`MAX_DEPTH`
    levels deep, else None (an iterative walk)."""
    stack = [(tree, 1, 0)]
    while stack:
        node, depth, line = stack.pop()
        line = getattr(node, "lineno", line)
        if depth > MAX_DEPTH:
            return line
        stack.extend((child, depth + 1, line) for child in ast.iter_child_nodes(node))
    return None


def syntax_problem(file: str, error: SyntaxError) -> str:
    """``file`` does not parse: where (when known) and why, in Polish words around
    Python's own message."""
    where = f"wiersz {error.lineno}: " if error.lineno else ""
    return f"{file} nie parsuje się jako Python ({where}{error.msg})"


def call_name(call: ast.Call) -> str | None:
    """The called function's own name: ``read_csv`` for ``pd.read_csv(…)`` and ``read_csv(…)``."""
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _line(source: str, number: int) -> str:
    lines = source.splitlines()
    return lines[number - 1].strip()[:120] if 0 < number <= len(lines) else ""


def _explicit_types(call: ast.Call) -> bool:
    name = call_name(call)
    if name in READERS:
        return any(
            k.arg == "dtype" and not (isinstance(k.value, ast.Constant) and k.value.value is None)
            for k in call.keywords
        )
    if name != "astype" or not isinstance(call.func, ast.Attribute):
        return False
    dtype = (
        call.args[0]
        if call.args
        else next((k.value for k in call.keywords if k.arg == "dtype"), None)
    )
    if isinstance(dtype, ast.Name):
        return dtype.id not in _BUILTIN_TYPES
    return isinstance(dtype, ast.Dict | ast.DictComp)


@static_check("python_dtypes", required=("file",))
def python_dtypes(context: Context, params: Mapping[str, Any]) -> Outcome:
    """02.typy: the data module reads its tables with explicit types — ``dtype=`` in a
    ``read_csv``/``read_parquet``/``read_json``/``read_table`` call, or ``.astype(…)``
    with a dict of types (see the module docstring)."""
    file = params["file"]
    source = context.files.read_text(file)
    try:
        tree = parse(source, file)
    except SyntaxError as error:
        return Outcome.failed(
            f"{syntax_problem(file, error)} — popraw składnię",
            Evidence(file=file, line=error.lineno),
        )
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _explicit_types(n)]
    if not calls:
        return Outcome.failed(
            f"w {file} nie ma wczytania danych z jawnymi typami: dodaj argument `dtype=` "
            "(np. `dtype={'kolumna': 'Int16'}`) do `read_csv`, `read_parquet`, `read_json` "
            "albo `read_table`, albo zamień typy przez `.astype({'kolumna': 'typ'})`",
            Evidence(file=file),
        )
    first = min(calls, key=lambda n: (n.lineno, n.col_offset))
    excerpt = _line(source, first.lineno)
    return Outcome.passed(
        f"{file}, wiersz {first.lineno}: dane wczytane z jawnymi typami (`{excerpt}`)",
        Evidence(file=file, line=first.lineno, excerpt=excerpt),
    )


@dataclass(frozen=True)
class Module:
    """A parsed Python file of the repository."""

    file: str
    tree: ast.Module


def _folder_modules(context: Context, folder: str) -> tuple[list[Module], list[str]]:
    """The parsed ``.py`` files under ``folder`` outside any ``tests`` folder, and one
    message per file that could not be read or parsed."""
    modules, problems = [], []
    for file in context.files.glob(f"{folder}/**/*.py"):
        if "tests" in PurePosixPath(file).parts:
            continue
        try:
            modules.append(Module(file, parse(context.files.read_text(file), file)))
        except StudentError as error:
            problems.append(error.message)
        except SyntaxError as error:
            problems.append(syntax_problem(file, error))
    return modules, problems


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> the dotted name it was imported as, from every import of the module."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    aliases[top] = top
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                if alias.name != "*":
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _calls(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """The dotted names of imported functions and classes the module calls, with lines."""
    aliases = _aliases(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        attributes, target = [], node.func
        while isinstance(target, ast.Attribute):
            attributes.append(target.attr)
            target = target.value
        if isinstance(target, ast.Name) and target.id in aliases:
            yield ".".join([aliases[target.id], *reversed(attributes)]), node.lineno


def _unread(problems: list[str]) -> str:
    return f" Pominięte pliki: {'; '.join(problems)}." if problems else ""


@static_check("python_uses", required=("folder", "groups"))
def python_uses(context: Context, params: Mapping[str, Any]) -> Outcome:
    """05.pipeline: for each group of dotted names, some module of the folder (outside
    ``tests``) imports one of them and calls it (forms in the module docstring); the
    score is the share of groups met."""
    folder, groups = params["folder"], params["groups"]
    modules, problems = _folder_modules(context, folder)
    first_call: dict[str, Evidence] = {}
    for module in modules:
        for name, line in sorted(_calls(module.tree), key=lambda call: call[1]):
            first_call.setdefault(name, Evidence(file=module.file, line=line, excerpt=name))
    parts, evidence, met = [], [], 0
    for group in groups:
        used = next((name for name in group if name in first_call), None)
        if used:
            met += 1
            found = first_call[used]
            evidence.append(found)
            parts.append(f"`{used}` wywołane w {found.file}:{found.line}")
        else:
            options = " albo ".join(f"`{name}`" for name in group)
            parts.append(
                f"brak wywołania {options} — zaimportuj i wywołaj w kodzie folderu {folder} "
                "(poza testami)"
            )
    if not modules and not problems:
        parts = [f"w folderze {folder} nie ma plików .py poza testami"]
    return Outcome.share(met, len(groups), "; ".join(parts) + "." + _unread(problems), *evidence)


def _imports(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """Every module name the code imports, with its line: ``from a import b`` gives both
    ``a`` and ``a.b``; ``__import__("x")`` and ``import_module("x")`` give ``x``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, node.lineno
            for alias in node.names:
                yield f"{node.module}.{alias.name}", node.lineno
        elif (
            isinstance(node, ast.Call)
            and call_name(node) in _DYNAMIC_IMPORTS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value, node.lineno


@static_check("python_no_pickle", required=("folder",))
def python_no_pickle(context: Context, params: Mapping[str, Any]) -> Outcome:
    """05.bez_pickle: 1/2 when a module of the folder (outside ``tests``) imports
    ``skops.io``; 1/2 when, besides, none imports ``pickle``, ``cloudpickle``, ``dill``
    or ``joblib``. Code that saves no model through skops has no model format to be free
    of pickle (the student starter's skeleton, a folder without modules), and a file that
    does not parse cannot be shown free of it: the second half is then not given."""
    folder = params["folder"]
    modules, problems = _folder_modules(context, folder)
    skops: Evidence | None = None
    pickles: list[Evidence] = []
    for module in modules:
        for name, line in sorted(_imports(module.tree), key=lambda found: found[1]):
            place = Evidence(file=module.file, line=line, excerpt=name)
            if skops is None and (name == "skops.io" or name.startswith("skops.io.")):
                skops = place
            repeated = pickles and pickles[-1].file == module.file and pickles[-1].line == line
            if any(part in PICKLERS for part in name.split(".")) and not repeated:
                pickles.append(place)
    parts = [
        f"`skops.io` zaimportowane w {skops.file}:{skops.line}"
        if skops
        else f"żaden moduł folderu {folder} (poza testami) nie importuje `skops.io` — "
        "zapisuj i wczytuj model przez `skops.io.dump` / `skops.io.load`"
    ]
    if pickles:
        listed = ", ".join(f"{p.file}:{p.line} (`{p.excerpt}`)" for p in pickles[:5])
        parts.append(
            f"importy formatu pickle: {listed} — usuń je i zapisuj model przez skops "
            "(pickle wykonuje kod przy wczytaniu)"
        )
    elif problems:
        parts.append("w pominiętych plikach nie da się sprawdzić braku importów pickle")
    elif not modules:
        parts.append(f"folder {folder} nie ma modułów Pythona (poza testami) — brak kodu modelu")
    elif skops is None:
        parts.append("bez zapisu modelu przez skops nie ma formatu, który byłby wolny od pickle")
    else:
        parts.append(f"brak importów {', '.join(PICKLERS)}")
    free = skops is not None and not pickles and not problems
    score = Fraction(skops is not None, 2) + Fraction(free, 2)
    evidence = ([skops] if skops else []) + pickles[:5]
    return Outcome(score, "; ".join(parts) + "." + _unread(problems), tuple(evidence))
