"""Loading and validating the project backlog (``backlog.yaml``).

The backlog is the class 01 deliverable: epics (one per class), tasks with an
estimate in story points, the sprint (= class number) they belong to, a status,
acceptance criteria and dependencies. ``load_backlog`` either returns a valid
:class:`Backlog` or raises :class:`BacklogError` listing every problem of the file
in one run: schema errors, unknown keys, repeated keys, duplicate ids, unknown
epics and dependencies, cycles and sprint capacity. Each problem names its place
in the file (``tasks[3].depends_on``) and, when the item has one, its id, so that
a student can fix all of them in one pass. Messages are in Polish because students
read them.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SPRINT_COUNT = 11
STORY_POINTS = (1, 2, 3, 5, 8, 13)
STATUSES = ("todo", "in_progress", "done")
BACKLOG_FIELDS = {"project": str, "sprint_capacity": int, "epics": list, "tasks": list}
EPIC_FIELDS = {"id": str, "title": str, "sprint": int}
TASK_FIELDS = {
    "id": str,
    "epic": str,
    "title": str,
    "estimate": int,
    "sprint": int,
    "status": str,
    "acceptance_criteria": list,
}
OPTIONAL_TASK_FIELDS = ("depends_on",)
# BEGIN SOLUTION NO PROMPT
_KIND_NAMES = {str: "tekst", int: "liczba całkowita", list: "lista"}
# Allowed values of fields whose type is right: (test, message with {value}).
_VALUE_RULES = {
    "sprint_capacity": (lambda capacity: capacity > 0, "musi być dodatnia, jest {value}"),
    "sprint": (
        lambda sprint: 1 <= sprint <= SPRINT_COUNT,
        f"musi być od 1 do {SPRINT_COUNT}, jest {{value}}",
    ),
    "estimate": (
        lambda points: points in STORY_POINTS,
        f"story points z ciągu {', '.join(map(str, STORY_POINTS))}, jest {{value}}",
    ),
    "status": (lambda status: status in STATUSES, f"dozwolone: {', '.join(STATUSES)}"),
    "acceptance_criteria": (
        lambda criteria: bool(criteria) and all(isinstance(c, str) and c.strip() for c in criteria),
        "niepusta lista zdań",
    ),
    "depends_on": (
        lambda ids: isinstance(ids, list) and all(isinstance(d, str) for d in ids),
        "oczekiwano listy identyfikatorów zadań",
    ),
}
# END SOLUTION


@dataclass(frozen=True)
class Epic:
    id: str
    title: str
    sprint: int


@dataclass(frozen=True)
class Task:
    id: str
    epic: str
    title: str
    estimate: int
    sprint: int
    status: str
    acceptance_criteria: tuple[str, ...]
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Backlog:
    project: str
    sprint_capacity: int
    epics: tuple[Epic, ...]
    tasks: tuple[Task, ...]

    def tasks_in_sprint(self, sprint: int) -> list[Task]:
        return [task for task in self.tasks if task.sprint == sprint]

    def points_in_sprint(self, sprint: int) -> int:
        return sum(task.estimate for task in self.tasks_in_sprint(sprint))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the backlog.

    ``location`` is the place in the file (``tasks[3].depends_on``, ``sprint_capacity``,
    ``linia 12``; list indexes count from 0), ``label`` the item's id when it has one
    (``zadanie T01.2``), ``message`` what is wrong and, where possible, how to fix it.
    """

    location: str
    message: str
    label: str = ""

    def __str__(self) -> str:
        label = f" ({self.label})" if self.label else ""
        return f"{self.location}{label}: {self.message}"


class BacklogError(ValueError):
    """The backlog cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


# BEGIN SOLUTION NO PROMPT
@dataclass
class _Entry:
    """One epic or task as read: its place, its id label and the fields that passed."""

    location: str
    label: str
    values: dict[str, Any] = field(default_factory=dict)


class _Loader(yaml.SafeLoader):
    """SafeLoader that records a key repeated in one mapping; plain YAML keeps the last."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.problems: list[Problem] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            if key_node.value in seen:
                self.problems.append(
                    Problem(
                        f"linia {key_node.start_mark.line + 1}",
                        f"klucz '{key_node.value}' powtarza się w tej samej mapie "
                        "(YAML zostawiłby tylko ostatnią wartość) — zostaw jeden",
                    )
                )
            seen.add(key_node.value)
        return super().construct_mapping(node, deep)


# END SOLUTION


def load_backlog(path: Path) -> Backlog:
    """Read and validate a backlog file.

    Raises:
        BacklogError: the file is missing, is not valid YAML, or breaks any rule;
            ``problems`` lists every problem of the file.
    """
    # BEGIN SOLUTION: wczytaj plik YAML (też błędy pliku) i zwaliduj go
    path = Path(path)
    try:
        loader = _Loader(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BacklogError([Problem(str(path), "plik nie istnieje")]) from None
    except UnicodeDecodeError:
        raise BacklogError([Problem(str(path), "plik nie jest tekstem UTF-8")]) from None
    except IsADirectoryError:
        raise BacklogError([Problem(str(path), "to folder, a nie plik backlogu")]) from None
    except OSError as error:  # no permission, a broken disk: said, never a traceback
        raise BacklogError([Problem(str(path), f"nie da się odczytać: {error.strerror}")]) from None
    try:
        raw = loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" (linia {mark.line + 1})" if mark else ""
        raise BacklogError([Problem(str(path), f"niepoprawny YAML{line}")]) from None
    finally:
        loader.dispose()
    return _parse(raw, loader.problems)
    # END SOLUTION


def parse_backlog(raw: Any) -> Backlog:
    """Validate already-parsed YAML and build a :class:`Backlog`.

    Raises:
        BacklogError: with every problem found.
    """
    # BEGIN SOLUTION: reguły z README, wszystkie problemy naraz
    return _parse(raw, [])
    # END SOLUTION


# BEGIN SOLUTION NO PROMPT
def _parse(raw: Any, problems: list[Problem]) -> Backlog:
    if not isinstance(raw, dict):
        expected = ", ".join(BACKLOG_FIELDS)
        raise BacklogError([*problems, Problem("backlog", f"oczekiwano mapy z polami {expected}")])
    top = _read_entry("", "", raw, BACKLOG_FIELDS, (), problems)
    capacity = top.values.get("sprint_capacity")
    epics = [
        _read_entry(f"epics[{i}]", "epik", item, EPIC_FIELDS, (), problems)
        for i, item in enumerate(_nonempty(top, "epics", problems))
    ]
    tasks = [
        _read_entry(f"tasks[{i}]", "zadanie", item, TASK_FIELDS, OPTIONAL_TASK_FIELDS, problems)
        for i, item in enumerate(_nonempty(top, "tasks", problems))
    ]
    problems += _check_unique_ids(epics) + _check_unique_ids(tasks)
    problems += _check_references(epics, tasks) + _check_cycles(tasks)
    problems += _check_capacity(tasks, capacity)
    if problems:
        raise BacklogError(problems)
    return Backlog(
        top.values["project"],
        capacity,
        tuple(Epic(**epic.values) for epic in epics),
        tuple(_task(task.values) for task in tasks),
    )


def _task(values: dict[str, Any]) -> Task:
    fields = {key: values[key] for key in TASK_FIELDS}
    fields["acceptance_criteria"] = tuple(fields["acceptance_criteria"])
    return Task(**fields, depends_on=tuple(values.get("depends_on", ())))


def _at(location: str, key: Any) -> str:
    return f"{location}.{key}" if location else str(key)


def _nonempty(top: _Entry, key: str, problems: list[Problem]) -> list:
    value = top.values.get(key)
    if value == []:
        problems.append(Problem(key, "wymagana niepusta lista"))
    return value or []


def _read_entry(
    location: str,
    kind: str,
    item: Any,
    fields: dict[str, type],
    optional: tuple[str, ...],
    problems: list[Problem],
) -> _Entry:
    """Check an item's keys and each field's type; keep the fields that passed."""
    if not isinstance(item, dict):
        expected = ", ".join(fields)
        problems.append(Problem(location, f"oczekiwano mapy z polami {expected}"))
        return _Entry(location, "")
    item_id = item.get("id")
    label = f"{kind} {item_id}" if kind and isinstance(item_id, str) and item_id.strip() else ""
    entry = _Entry(location, label)
    known = [*fields, *optional]
    for key in item:
        if key not in known:
            problems.append(Problem(_at(location, key), _unknown_key(key, known), label))
    for key, expected in fields.items():
        value = _typed(item.get(key), expected, _at(location, key), label, problems)
        if value is not None:
            entry.values[key] = value
    for key in optional:
        if item.get(key) is not None:
            entry.values[key] = item[key]
    _check_values(entry, problems)
    return entry


def _unknown_key(key: Any, known: list[str]) -> str:
    close = difflib.get_close_matches(str(key), known, n=1)
    if close:
        return f"nieznany klucz '{key}' — czy chodziło o '{close[0]}'?"
    return f"nieznany klucz '{key}' — dozwolone: {', '.join(known)}"


def _as_yaml(value: Any) -> str:
    """A value as the file spells it: ``true``, ``null``, ``'trzy'`` — not Python's ``True``."""
    if isinstance(value, bool) or value is None:
        return yaml.safe_dump(value).removesuffix("\n...\n").strip()
    return repr(value)


def _typed(value: Any, kind: type, location: str, label: str, problems: list[Problem]) -> Any:
    """Return ``value`` if present and of ``kind``; otherwise record a problem."""
    if value is None:
        problems.append(Problem(location, "brak wymaganego pola", label))
        return None
    # bool is a subclass of int in Python, but `estimate: true` is a mistake.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        problems.append(
            Problem(location, f"oczekiwano: {_KIND_NAMES[kind]}, jest: {_as_yaml(value)}", label)
        )
        return None
    if kind is str and not value.strip():
        problems.append(Problem(location, "nie może być puste", label))
        return None
    return value


def _check_values(entry: _Entry, problems: list[Problem]) -> None:
    """Check the allowed values of the fields that have the right type; drop the wrong ones."""
    for key, (is_allowed, message) in _VALUE_RULES.items():
        if key in entry.values and not is_allowed(entry.values[key]):
            value = entry.values.pop(key)
            problems.append(
                Problem(_at(entry.location, key), message.format(value=value), entry.label)
            )


def _first_by_id(entries: list[_Entry]) -> dict[str, _Entry]:
    first: dict[str, _Entry] = {}
    for entry in entries:
        if "id" in entry.values:
            first.setdefault(entry.values["id"], entry)
    return first


def _check_unique_ids(entries: list[_Entry]) -> list[Problem]:
    first = _first_by_id(entries)
    return [
        Problem(
            f"{entry.location}.id",
            f"identyfikator powtarza się (pierwszy raz w {first[entry.values['id']].location})",
            entry.label,
        )
        for entry in entries
        if "id" in entry.values and first[entry.values["id"]] is not entry
    ]


def _check_references(epics: list[_Entry], tasks: list[_Entry]) -> list[Problem]:
    problems = []
    epic_ids = _first_by_id(epics)
    sprint_of = {
        task_id: task.values.get("sprint") for task_id, task in _first_by_id(tasks).items()
    }
    for task in tasks:
        epic = task.values.get("epic")
        if epic is not None and epic not in epic_ids:
            problems.append(Problem(f"{task.location}.epic", f"nieznany epik '{epic}'", task.label))
        sprint = task.values.get("sprint")
        for index, dependency in enumerate(task.values.get("depends_on", [])):
            location = f"{task.location}.depends_on[{index}]"
            if dependency == task.values.get("id"):
                problems.append(Problem(location, "zadanie zależy samo od siebie", task.label))
            elif dependency not in sprint_of:
                problems.append(Problem(location, f"nieznane zadanie '{dependency}'", task.label))
            elif None not in (sprint, sprint_of[dependency]) and sprint_of[dependency] > sprint:
                problems.append(
                    Problem(
                        location,
                        f"'{dependency}' jest w późniejszym sprincie "
                        f"({sprint_of[dependency]} > {sprint})",
                        task.label,
                    )
                )
    return problems


def _check_cycles(tasks: list[_Entry]) -> list[Problem]:
    """Report each dependency cycle once, as the path that closes it."""
    entry_of = _first_by_id(tasks)
    graph = {
        task_id: [d for d in entry.values.get("depends_on", []) if d != task_id]
        for task_id, entry in entry_of.items()
    }
    state: dict[str, str] = {}  # "open" while on the DFS stack, "done" after
    problems: list[Problem] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in graph.get(node, []):
            if state.get(nxt) == "open":
                cycle = [*path[path.index(nxt) :], nxt]
                entry = entry_of[nxt]
                problems.append(
                    Problem(
                        f"{entry.location}.depends_on",
                        "cykl zależności: " + " → ".join(cycle),
                        entry.label,
                    )
                )
            elif nxt in graph and nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for task_id in graph:
        if task_id not in state:
            visit(task_id, [task_id])
    return problems


def _check_capacity(tasks: list[_Entry], capacity: int | None) -> list[Problem]:
    if capacity is None:
        return []
    points: Counter[int] = Counter()
    for task in tasks:
        if "sprint" in task.values and "estimate" in task.values:
            points[task.values["sprint"]] += task.values["estimate"]
    return [
        Problem(
            "tasks",
            f"suma {points[sprint]} SP przekracza pojemność sprintu "
            f"(sprint_capacity: {capacity} SP)",
            f"sprint {sprint}",
        )
        for sprint in sorted(points)
        if points[sprint] > capacity
    ]


# END SOLUTION
