"""Airflow DAG files read as syntax trees: the student's DAG code is never imported
(importing a DAG file runs it), so every rule here is about what the file says.

* :func:`dag_definitions` — the DAGs a file defines: ``@dag(dag_id="x")``, a function
  decorated with ``@dag`` (its name is the id) and ``DAG("x", ...)`` / ``DAG(dag_id="x")``,
  also in ``with DAG(...)``;
* :func:`resolve_asset` — the name of the ``Asset`` an expression denotes, followed
  statically through module-level names and ``from pkg.mod import NAME`` of repository
  files;
* the kinds of rubric checks 03–09: ``dag_file``, ``dag_schedule``, ``dag_retries``,
  ``dag_outlet``, ``dag_asset_schedule``.

The rules follow Airflow 3: DAGs, tasks and assets come from ``airflow.sdk``; a plain
cron string as ``schedule`` makes a ``CronTriggerTimetable`` without a data interval.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any

from grading.checks.base import Context, static_check
from grading.checks.python_code import parse, syntax_problem
from grading.model import Evidence, Outcome, StudentError
from grading.polish import shown
from grading.repo_files import RepoFiles

SDK = "airflow.sdk"
# Airflow 2 homes of the DAG class, the task decorators, datasets and PythonOperator.
LEGACY_MODULES = (
    "airflow.models",
    "airflow.decorators",
    "airflow.datasets",
    "airflow.operators.python",
)
# Names a DAG file must take from airflow.sdk when it imports them.
SDK_NAMES = frozenset({"DAG", "dag", "task", "Asset", "Param"})
# Steps followed from a name to the Asset(...) it stands for (assignments and imports).
MAX_HOPS = 4
INTERVALS = {
    "monthly": (
        "miesięczny",
        'stała minuta i godzina, stały dzień miesiąca, np. "0 0 1 * *"',
        "relativedelta(months=1)",
    ),
    "weekly": (
        "tygodniowy",
        'stała minuta i godzina, stały dzień tygodnia, np. "0 0 * * 1"',
        "timedelta(weeks=1)",
    ),
    "daily": ("dzienny", 'stała minuta i godzina, np. "0 0 * * *"', "timedelta(days=1)"),
}
CRON_PRESETS = {"@monthly": "monthly", "@weekly": "weekly", "@daily": "daily"}
_NUMBER = re.compile(r"\d+")
_WEEKDAY = re.compile(r"\d|mon|tue|wed|thu|fri|sat|sun", re.IGNORECASE)
_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True)
class PythonModule:
    """A Python file of the repository, parsed and never imported."""

    path: str
    tree: ast.Module

    @classmethod
    def read(cls, files: RepoFiles, path: str) -> PythonModule:
        """Parse ``path``; code that does not parse (:func:`python_code.parse`: also NUL
        bytes, code nested too deeply) raises StudentError naming its line."""
        text = files.read_text(path)
        try:
            return cls(path, parse(text, path))
        except SyntaxError as error:
            raise StudentError(
                f"{syntax_problem(path, error)}; popraw składnię",
                Evidence(
                    file=path, line=error.lineno, excerpt=(error.text or "").strip()[:120] or None
                ),
            ) from None

    def statements(self) -> Iterator[ast.stmt]:
        """Module-level statements, those inside top-level ``if``/``try``/``with`` too."""
        return _module_level(self.tree.body)

    def assignments(self) -> dict[str, ast.expr]:
        """Module-level ``NAME = value`` (the last one wins); found once per module."""
        return self._assigned

    @cached_property
    def _assigned(self) -> dict[str, ast.expr]:
        found: dict[str, ast.expr] = {}
        for statement in self.statements():
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = statement.value
            elif (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and statement.value is not None
            ):
                found[statement.target.id] = statement.value
        return found

    def imports(self) -> dict[str, tuple[str, int, str]]:
        """Module-level ``from module import name [as local]``: local -> (module, level,
        name)."""
        found = {}
        for statement in self.statements():
            if isinstance(statement, ast.ImportFrom):
                for alias in statement.names:
                    found[alias.asname or alias.name] = (
                        statement.module or "",
                        statement.level,
                        alias.name,
                    )
        return found

    def value(self, node: ast.expr | None) -> ast.expr | None:
        """``node``, or what a module-level name stands for (one step)."""
        if isinstance(node, ast.Name):
            return self.assignments().get(node.id, node)
        return node


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    for statement in body:
        yield statement
        if isinstance(statement, ast.If | ast.Try | ast.With):
            nested = [
                *statement.body,
                *getattr(statement, "orelse", []),
                *getattr(statement, "finalbody", []),
            ]
            for handler in getattr(statement, "handlers", []):
                nested += handler.body
            yield from _module_level(nested)


def _dotted(node: ast.expr) -> list[str]:
    """``["sdk", "Asset"]`` for ``sdk.Asset``; empty for anything but names."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return [*inner, node.attr] if inner else []
    return []


def _called(node: ast.AST | None) -> str | None:
    """The last name of a call's function: ``Asset`` for ``Asset(...)`` and
    ``sdk.Asset(...)``; None when ``node`` is not such a call."""
    if isinstance(node, ast.Call):
        names = _dotted(node.func)
        return names[-1] if names else None
    return None


def _literal(node: ast.expr | None) -> Any:
    """The value of a literal expression (``1``, ``+1``, ``"x"``), else None."""
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _argument(call: ast.Call | None, position: int | None, keyword: str) -> ast.expr | None:
    """A call's argument given by keyword or, when ``position`` is set, positionally."""
    if call is None:
        return None
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    if position is not None and len(call.args) > position:
        argument = call.args[position]
        return None if isinstance(argument, ast.Starred) else argument
    return None


def _excerpt(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True)
class DagDefinition:
    """A DAG in a file: its id (None when not a literal), the line and the ``@dag(...)`` or
    ``DAG(...)`` call holding its arguments (None for a bare ``@dag``)."""

    dag_id: str | None
    line: int
    call: ast.Call | None


def _decorators(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
) -> Iterator[tuple[ast.expr, ast.Call | None, list[str]]]:
    """Each decorator of ``function``: the decorator, its call (None when used bare, as in
    ``@dag``) and its dotted name (``["task", "virtualenv"]``)."""
    for decorator in function.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        yield decorator, call, _dotted(call.func if call else decorator)


def dag_definitions(module: PythonModule) -> list[DagDefinition]:
    """The DAGs ``module`` defines, in file order: ``@dag`` functions (id from
    ``dag_id=``, the first argument, else the function's name) and ``DAG(...)`` calls
    (id from the first argument or ``dag_id=``)."""
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator, call, names in _decorators(node):
                if names and names[-1] == "dag":
                    dag_id = _literal(module.value(_argument(call, 0, "dag_id")))
                    dag_id = dag_id if isinstance(dag_id, str) and dag_id else node.name
                    found.append(DagDefinition(dag_id, decorator.lineno, call))
        elif _called(node) == "DAG":
            dag_id = _literal(module.value(_argument(node, 0, "dag_id")))
            found.append(
                DagDefinition(dag_id if isinstance(dag_id, str) else None, node.lineno, node)
            )
    return sorted(found, key=lambda definition: definition.line)


def _find_dag(module: PythonModule, dag_id: str) -> DagDefinition | None:
    return next((d for d in dag_definitions(module) if d.dag_id == dag_id), None)


def _missing_dag(module: PythonModule, dag_id: str) -> str:
    ids = [f"`{d.dag_id}`" for d in dag_definitions(module) if d.dag_id]
    seen = (
        f"{'jest' if len(ids) == 1 else 'są'}: {', '.join(ids)}"
        if ids
        else "nie ma w nim żadnego DAG-a"
    )
    return (
        f"w {module.path} nie ma DAG-a o id `{dag_id}` ({seen}); zadeklaruj go jako "
        f'`@dag(dag_id="{dag_id}", ...)`, funkcję `{dag_id}` z `@dag` albo '
        f'`DAG("{dag_id}", ...)`'
    )


def _is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def import_problems(module: PythonModule) -> list[tuple[int | None, str]]:
    """Imports breaking the Airflow 3 rule of 03.dag: nothing from the legacy modules
    (:data:`LEGACY_MODULES`), DAG/dag/task/Asset/Param only from ``airflow.sdk``, and the
    file imports from ``airflow.sdk`` at all. Returns (line, Polish description)."""
    problems: list[tuple[int | None, str]] = []
    uses_sdk = False
    for node in sorted(ast.walk(module.tree), key=lambda n: getattr(n, "lineno", 0)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                uses_sdk |= _is_within(alias.name, SDK)
                if any(_is_within(alias.name, legacy) for legacy in LEGACY_MODULES):
                    problems.append((node.lineno, f"`{_excerpt(node)}` — moduł z Airflow 2"))
        elif isinstance(node, ast.ImportFrom):
            source = "." * node.level + (node.module or "")
            uses_sdk |= node.level == 0 and _is_within(source, SDK)
            if node.level == 0 and any(_is_within(source, old) for old in LEGACY_MODULES):
                problems.append((node.lineno, f"`{_excerpt(node)}` — moduł z Airflow 2"))
                continue
            wrong = sorted(
                alias.name
                for alias in node.names
                if alias.name in SDK_NAMES and not (node.level == 0 and _is_within(source, SDK))
            )
            if wrong:
                problems.append(
                    (node.lineno, f"`{_excerpt(node)}` — {', '.join(wrong)} spoza {SDK}")
                )
    if not uses_sdk:
        problems.append((None, f"plik nie importuje niczego z `{SDK}`"))
    return problems


def _file_rules(module: PythonModule, dag_id: str) -> tuple[bool, list[str], list[Evidence]]:
    """The two rules of 03.dag: the DAG with ``dag_id`` is defined, the imports are
    Airflow 3's. Returns (both hold, Polish findings, evidence)."""
    definition = _find_dag(module, dag_id)
    problems = import_problems(module)
    evidence = [Evidence(file=module.path, line=line, excerpt=text) for line, text in problems]
    if definition is None:
        findings = [_missing_dag(module, dag_id)]
    else:
        findings = [f"DAG `{dag_id}` jest w {module.path} (wiersz {definition.line})"]
        evidence.insert(0, Evidence(file=module.path, line=definition.line))
    if problems:
        listed = "; ".join(f"wiersz {line}: {text}" if line else text for line, text in problems)
        findings.append(
            f"importy niezgodne z Airflow 3 ({listed}) — DAG, dag, task, Asset i Param "
            f"importuj z `{SDK}`, nie z {', '.join(LEGACY_MODULES)}"
        )
    else:
        findings.append(f"importy z `{SDK}`, bez modułów Airflow 2")
    return definition is not None and not problems, findings, evidence


@static_check("dag_file", required=("dag",))
def dag_file(context: Context, params: Mapping[str, Any]) -> Outcome:
    """03.dag, 05.dag: ``dag.file`` parses (AST, never imported), defines the DAG
    ``dag.id`` and imports DAG, tasks and assets from ``airflow.sdk``, nothing from the
    legacy modules. Score 1 only when both hold."""
    module = PythonModule.read(context.files, params["dag"]["file"])
    ok, findings, evidence = _file_rules(module, params["dag"]["id"])
    return Outcome(Fraction(int(ok)), "; ".join(findings), tuple(evidence))


def cron_interval(cron: str) -> str | None:
    """``monthly``, ``weekly`` or ``daily`` for a cron expression with that period: fixed
    minute and hour, month ``*``, and a fixed day of month (monthly), a fixed day of week
    (weekly) or neither (daily); the presets ``@monthly``, ``@weekly``, ``@daily``."""
    text = cron.strip().lower()
    if text in CRON_PRESETS:
        return CRON_PRESETS[text]
    fields = text.split()
    if len(fields) != 5:
        return None
    minute, hour, day, month, weekday = fields
    if not (_NUMBER.fullmatch(minute) and _NUMBER.fullmatch(hour)) or month != "*":
        return None
    if _NUMBER.fullmatch(day) and weekday == "*":
        return "monthly"
    if day == "*" and _WEEKDAY.fullmatch(weekday):
        return "weekly"
    if day == "*" and weekday == "*":
        return "daily"
    return None


def delta_interval(node: ast.expr | None) -> str | None:
    """``monthly`` for ``relativedelta(months=1)``, ``weekly`` for ``timedelta(weeks=1)``
    or ``days=7``, ``daily`` for ``timedelta(days=1)`` (either class for weeks and days)."""
    kind = _called(node)
    if kind not in ("timedelta", "relativedelta"):
        return None
    amounts = {item.arg: _literal(item.value) for item in node.keywords}
    if kind == "timedelta" and node.args:
        amounts["days"] = _literal(node.args[0])
    amounts = {name: value for name, value in amounts.items() if value != 0}
    if amounts == {"months": 1} and kind == "relativedelta":
        return "monthly"
    if amounts in ({"weeks": 1}, {"days": 7}):
        return "weekly"
    if amounts == {"days": 1}:
        return "daily"
    return None


def _month(first_month: Any) -> tuple[int, int]:
    if isinstance(first_month, date):
        return first_month.year, first_month.month
    match = _MONTH.fullmatch(str(first_month).strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise StudentError(
            f"first_month (dataset.first_month w projekt.yaml) to {shown(first_month)}, "
            "a powinien być miesiąc RRRR-MM"
        )
    return int(match[1]), int(match[2])


def _schedule_rule(module: PythonModule, call: ast.Call | None, interval: str) -> tuple[bool, str]:
    """The schedule half of 03.harmonogram: a data-interval timetable of ``interval``."""
    name, cron_example, delta_example = INTERVALS[interval]
    wanted = (
        f"użyj `schedule=CronDataIntervalTimetable(cron, timezone=...)` z `{SDK}` (cron: "
        f"{cron_example}) albo `DeltaDataIntervalTimetable({delta_example})`"
    )
    node = module.value(_argument(call, None, "schedule"))
    kind = _called(node)
    if node is None:
        return False, f"DAG nie ma argumentu `schedule`; {wanted}"
    if kind == "CronDataIntervalTimetable":
        cron = _literal(module.value(_argument(node, 0, "cron")))
        found = cron_interval(cron) if isinstance(cron, str) else None
        if found == interval:
            return True, f"`{_excerpt(node)}` — interwał danych {name}"
        return False, f"`{_excerpt(node)}` nie ma interwału {name} ({cron_example})"
    if kind == "DeltaDataIntervalTimetable":
        found = delta_interval(module.value(_argument(node, 0, "delta")))
        if found == interval:
            return True, f"`{_excerpt(node)}` — interwał danych {name}"
        return False, f"`{_excerpt(node)}` nie ma interwału {name} (np. {delta_example})"
    if isinstance(_literal(node), str):
        return False, (
            f"`schedule={_excerpt(node)}` to sam napis: w Airflow 3 tworzy on "
            "CronTriggerTimetable — przebieg w jednej chwili, bez interwału danych, więc "
            f"przebieg nie wie, którego okresu dotyczy; {wanted}"
        )
    if kind in ("timedelta", "relativedelta"):
        return False, (
            f"`schedule={_excerpt(node)}`: w Airflow 3 sam odstęp czasu tworzy "
            f"DeltaTriggerTimetable, bez interwału danych; {wanted}"
        )
    return False, f"`schedule={_excerpt(node)}` to nie harmonogram z interwałem danych; {wanted}"


def _start_rule(
    module: PythonModule, call: ast.Call | None, first_month: Any, interval: str
) -> tuple[bool, str]:
    """The start_date quarter of 03.harmonogram: ``datetime(Y, M, D, ...)`` (pendulum or
    datetime) in the DAG call or its default_args, on the first day of ``first_month`` —
    for a weekly interval on one of its first 7 days (weeks start on a weekday, not on
    the 1st)."""
    year, month = _month(first_month)
    last_day = 7 if interval == "weekly" else 1
    wanted = f"pendulum.datetime({year}, {month}, 1, tz=...)"
    node = module.value(_argument(call, None, "start_date"))
    if node is None:
        node = module.value(
            _mapping(module, _argument(call, None, "default_args")).get("start_date")
        )
    if _called(node) != "datetime":
        shown = f"`start_date={_excerpt(node)}`" if node is not None else "brak `start_date`"
        return False, f"{shown} — zapisz datę wprost: `start_date={wanted}`"
    parts = [_literal(_argument(node, i, key)) for i, key in enumerate(("year", "month", "day"))]
    if parts[:2] == [year, month] and isinstance(parts[2], int) and 1 <= parts[2] <= last_day:
        return True, f"`start_date` {year}-{month:02d}-{parts[2]:02d}"
    first = "pierwszy tydzień" if last_day == 7 else "pierwszy dzień"
    return False, (
        f"`start_date={_excerpt(node)}` to nie {first} {year}-{month:02d}; "
        f"ustaw `start_date={wanted}`"
    )


@static_check("dag_schedule", required=("dag", "interval", "first_month", "catchup"))
def dag_schedule(context: Context, params: Mapping[str, Any]) -> Outcome:
    """03.harmonogram: ``schedule=CronDataIntervalTimetable(cron)`` with a cron of the
    declared interval or ``DeltaDataIntervalTimetable(delta)`` — 1/2; ``start_date`` a
    ``datetime(...)`` call on the first day of ``first_month`` (weekly: its first 7 days)
    — 1/4; ``catchup`` as
    declared (``catchup=True`` written in the DAG) — 1/4."""
    module = PythonModule.read(context.files, params["dag"]["file"])
    definition = _find_dag(module, params["dag"]["id"])
    interval = params["interval"]
    if interval not in INTERVALS:
        raise StudentError(
            f"interval (dataset.interval w projekt.yaml) to {shown(interval)}, a powinien być "
            f"jednym z: {', '.join(INTERVALS)}"
        )
    if definition is None:
        return Outcome.failed(_missing_dag(module, params["dag"]["id"]), Evidence(file=module.path))
    call = definition.call
    parts = [
        (Fraction(1, 2), "harmonogram", _schedule_rule(module, call, interval)),
        (Fraction(1, 4), "start", _start_rule(module, call, params["first_month"], interval)),
        (Fraction(1, 4), "nadrabianie", _catchup_rule(module, call, params["catchup"])),
    ]
    score = sum((share for share, _, (ok, _) in parts if ok), Fraction(0))
    message = "; ".join(f"{label}: {text}" for _, label, (_, text) in parts)
    return Outcome(score, message, (Evidence(file=module.path, line=definition.line),))


def _catchup_rule(module: PythonModule, call: ast.Call | None, expected: bool) -> tuple[bool, str]:
    """The catchup quarter of 03.harmonogram: ``catchup`` written as declared (absent
    means False, Airflow 3's default)."""
    node = module.value(_argument(call, None, "catchup"))
    value = False if node is None else _literal(node)
    if value is expected:
        return True, f"`catchup={expected}`"
    shown = (
        f"`catchup={_excerpt(node)}`" if node is not None else "brak `catchup` (domyślnie False)"
    )
    return False, f"{shown} — wpisz w DAG-u `catchup={expected}`"


def _mapping(
    module: PythonModule, node: ast.expr | None, seen: set[int] | None = None
) -> dict[str, ast.expr]:
    """The string keys of a dict literal or ``dict(...)`` call (through a module-level
    name). ``seen`` holds the ``dict(...)`` calls already unpacked: each is unpacked once,
    so that ``A = dict(**B)`` with ``B = dict(**A)`` ends."""
    node = module.value(node)
    if isinstance(node, ast.Dict):
        return {
            key.value: value
            for key, value in zip(node.keys, node.values, strict=True)
            if isinstance(key, ast.Constant) and isinstance(key.value, str)
        }
    if _called(node) == "dict":
        return _keywords(module, node, seen)
    return {}


def _keywords(
    module: PythonModule, call: ast.Call, seen: set[int] | None = None
) -> dict[str, ast.expr]:
    """A call's keyword arguments, ``**mapping`` unpacked when it is a literal (see
    :func:`_mapping`)."""
    seen = set() if seen is None else seen
    if id(call) in seen:
        return {}
    seen.add(id(call))
    found: dict[str, ast.expr] = {}
    for item in call.keywords:
        found.update({item.arg: item.value} if item.arg else _mapping(module, item.value, seen))
    return found


def _tasks(module: PythonModule) -> list[tuple[int, str, dict[str, ast.expr]]]:
    """The tasks of a file: ``@task``/``@task.x``/``@task(...)`` functions and
    ``...Operator(...)``/``...Sensor(...)`` calls, as (line, label, keyword arguments)."""
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for _, call, names in _decorators(node):
                if names and "task" in (names[0], names[-1]):
                    keywords = _keywords(module, call) if call else {}
                    found.append((node.lineno, f"zadanie `{node.name}`", keywords))
        elif (_called(node) or "").endswith(("Operator", "Sensor")):
            found.append((node.lineno, f"`{_called(node)}(...)`", _keywords(module, node)))
    return found


def _retry_problems(module: PythonModule, arguments: dict[str, ast.expr]) -> list[str]:
    problems = []
    retries = _literal(module.value(arguments.get("retries")))
    if not (isinstance(retries, int) and not isinstance(retries, bool) and retries >= 1):
        problems.append("`retries` ≥ 1")
    delay = arguments.get("retry_delay")
    if delay is None or (isinstance(delay, ast.Constant) and delay.value is None):
        problems.append("`retry_delay`")
    return problems


@static_check("dag_retries", required=("dag",))
def dag_retries(context: Context, params: Mapping[str, Any]) -> Outcome:
    """03.ponowienia: the DAG file has tasks, and every one gets ``retries`` ≥ 1 (an int
    literal) and a ``retry_delay`` — from the DAG's ``default_args`` dict or its own
    ``@task(...)`` / operator arguments (a task's own value overrides ``default_args``).
    A file without tasks fails: ``default_args`` alone retries nothing."""
    module = PythonModule.read(context.files, params["dag"]["file"])
    definition = _find_dag(module, params["dag"]["id"])
    if definition is None:
        return Outcome.failed(_missing_dag(module, params["dag"]["id"]), Evidence(file=module.path))
    defaults = _mapping(module, _argument(definition.call, None, "default_args"))
    evidence = Evidence(file=module.path, line=definition.line)
    tasks = _tasks(module)
    if not tasks:
        return Outcome.failed(
            f"w {module.path} nie ma zadań — DAG `{params['dag']['id']}` bez zadań niczego "
            "nie ponawia; dodaj zadania (`@task` albo operatory) z `retries` ≥ 1 i "
            "`retry_delay`, np. w `default_args` DAG-a",
            evidence,
        )
    missing, lines = [], []
    for line, label, keywords in tasks:
        problems = _retry_problems(module, {**defaults, **keywords})
        if problems:
            missing.append(f"{label} (wiersz {line}) bez {' i '.join(problems)}")
            lines.append(Evidence(file=module.path, line=line))
    if not missing:
        return Outcome.passed(
            f"wszystkie zadania ({len(tasks)}) mają `retries` ≥ 1 i `retry_delay`", evidence
        )
    return Outcome.failed(
        f'{"; ".join(missing)}; dodaj do DAG-a `default_args={{"retries": 2, '
        f'"retry_delay": timedelta(minutes=1)}}` albo te argumenty w każdym `@task(...)`',
        evidence,
        *lines,
    )


def _asset_literal(call: ast.Call) -> str | None:
    """The name of ``Asset("n")``/``Asset(name="n")``; an Asset given only its ``uri`` is
    named by it."""
    name = _literal(_argument(call, 0, "name"))
    if name is None:
        name = _literal(_argument(call, 1, "uri"))
    return name if isinstance(name, str) else None


def _module_file(files: RepoFiles, importer: str, module: str, level: int) -> str | None:
    """The repository file of ``from <level dots><module> import ...`` in ``importer``:
    ``pkg/mod.py`` or ``pkg/mod/__init__.py`` from the repository root or (Airflow puts
    the DAG folder on the import path) from the importer's folder."""
    parents = PurePosixPath(importer).parents
    if level > len(parents):
        return None
    bases = [parents[level - 1]] if level else [PurePosixPath(), parents[0]]
    parts = module.split(".") if module else []
    for base in bases:
        stem = base.joinpath(*parts)
        candidates = [stem / "__init__.py"]
        if parts:
            candidates.insert(0, stem.parent / f"{stem.name}.py")
        for candidate in candidates:
            if files.is_file(candidate.as_posix()):
                return candidate.as_posix()
    return None


def resolve_asset(
    files: RepoFiles, module: PythonModule, node: ast.expr, hops: int = MAX_HOPS
) -> tuple[str | None, str]:
    """The name of the ``Asset`` that ``node`` denotes, statically: ``Asset("n")`` or
    ``Asset(name="n")`` written inline, or a name assigned at module level in the same
    file or imported with ``from pkg.mod import NAME`` from a file of the repository whose
    module-level ``NAME = Asset(...)`` names it (at most ``hops`` steps). Returns
    ``(name, "")`` or ``(None, why not, in Polish)``."""
    if _called(node) == "Asset":
        name = _asset_literal(node)
        if name is not None:
            return name, ""
        return None, f"{module.path}, wiersz {node.lineno}: Asset bez nazwy zapisanej wprost"
    if not isinstance(node, ast.Name):
        return None, f"{module.path}, wiersz {node.lineno}: `{_excerpt(node)}` to nie Asset"
    if hops == 0:
        return None, f"{module.path}: zbyt długi łańcuch nazw do `{node.id}`"
    assigned = module.assignments().get(node.id)
    if assigned is not None:
        return resolve_asset(files, module, assigned, hops - 1)
    imported = module.imports().get(node.id)
    if imported is None:
        return None, f"{module.path}: nazwa `{node.id}` nie jest przypisana ani zaimportowana"
    source, level, original = imported
    path = _module_file(files, module.path, source, level)
    if path is None:
        return None, (
            f"{module.path}: moduł `{'.' * level + source}` (import `{node.id}`) nie jest "
            "plikiem repozytorium"
        )
    try:
        target = PythonModule.read(files, path)
    except StudentError as error:
        return None, error.message
    name = ast.Name(id=original, ctx=ast.Load(), lineno=1, col_offset=0)
    return resolve_asset(files, target, name, hops - 1)


def _outlet_elements(module: PythonModule) -> Iterator[ast.expr]:
    for node in ast.walk(module.tree):
        outlets = _argument(node, None, "outlets") if isinstance(node, ast.Call) else None
        if isinstance(outlets, ast.List | ast.Tuple):
            yield from outlets.elts
        elif outlets is not None:
            yield outlets


def _schedule_elements(node: ast.expr | None) -> Iterator[ast.expr]:
    """The assets of an asset schedule: a list/tuple/set, ``a | b``, ``a & b``,
    ``AssetAny(...)``/``AssetAll(...)``, or one asset."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        for element in node.elts:
            yield from _schedule_elements(element)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr | ast.BitAnd):
        yield from _schedule_elements(node.left)
        yield from _schedule_elements(node.right)
    elif _called(node) in ("AssetAny", "AssetAll"):
        for element in node.args:
            yield from _schedule_elements(element)
    elif node is not None and not (isinstance(node, ast.Constant) and node.value is None):
        yield node


def _match_asset(
    files: RepoFiles, module: PythonModule, nodes: Iterable[ast.expr], asset: str
) -> tuple[ast.expr | None, list[str]]:
    """The first of ``nodes`` that resolves to ``asset``, and what the others were."""
    seen = []
    for node in nodes:
        name, why = resolve_asset(files, module, node)
        if name == asset:
            return node, []
        seen.append(f"`{_excerpt(node)}` → {f'Asset `{name}`' if name else why}")
    return None, seen


@static_check("dag_outlet", required=("dag", "asset"))
def dag_outlet(context: Context, params: Mapping[str, Any]) -> Outcome:
    """03.asset: some task of ``dag.file`` (``@task(outlets=[...])`` or an operator call)
    lists in ``outlets`` an Asset named ``asset``, inline or through a name
    (:func:`resolve_asset`)."""
    module = PythonModule.read(context.files, params["dag"]["file"])
    asset = params["asset"]
    node, seen = _match_asset(context.files, module, _outlet_elements(module), asset)
    if node is not None:
        return Outcome.passed(
            f"zadanie produkuje zasób `{asset}` (`outlets` w wierszu {node.lineno})",
            Evidence(file=module.path, line=node.lineno, excerpt=_excerpt(node)),
        )
    found = f"znalezione outlets: {'; '.join(seen)}" if seen else "żadne zadanie nie ma `outlets`"
    return Outcome.failed(
        f"w {module.path} żadne zadanie nie produkuje zasobu `{asset}` ({found}); dodaj do "
        f'zadania `@task(outlets=[Asset(name="{asset}", ...)])` albo nazwę takiego Asset '
        "zaimportowaną z modułu repozytorium",
        Evidence(file=module.path),
    )


@static_check("dag_asset_schedule", required=("dag", "asset"))
def dag_asset_schedule(context: Context, params: Mapping[str, Any]) -> Outcome:
    """04.dag, 06.dag, 09.dag: the rules of ``dag_file`` — 1/2; the DAG's ``schedule``
    (a list, one asset, or assets joined with ``|``/``&``) includes the Asset named
    ``asset`` (:func:`resolve_asset`) — 1/2."""
    module = PythonModule.read(context.files, params["dag"]["file"])
    dag_id, asset = params["dag"]["id"], params["asset"]
    file_ok, findings, evidence = _file_rules(module, dag_id)
    definition = _find_dag(module, dag_id)
    schedule = module.value(_argument(definition.call if definition else None, None, "schedule"))
    node, seen = _match_asset(context.files, module, _schedule_elements(schedule), asset)
    if node is not None:
        findings.append(f"harmonogram zależny od zasobu `{asset}`")
        evidence.append(Evidence(file=module.path, line=node.lineno, excerpt=_excerpt(node)))
    else:
        found = f" (jest: `schedule={_excerpt(schedule)}`" if schedule is not None else " (brak"
        detail = f"; {'; '.join(seen)})" if seen else ")"
        findings.append(
            f"harmonogram DAG-a nie zawiera zasobu `{asset}`{found}{detail}; ustaw "
            f"`schedule=[{asset.upper()}]`, gdzie `{asset.upper()}` to Asset o nazwie `{asset}`"
        )
    score = Fraction(int(file_ok), 2) + Fraction(int(node is not None), 2)
    return Outcome(score, "; ".join(findings), tuple(evidence))
