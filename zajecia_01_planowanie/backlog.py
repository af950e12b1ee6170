"""Loading and validating the project backlog (``backlog.yaml``).

The backlog is the class 01 deliverable: epics (one per class), tasks with an
estimate in story points, the sprint (= class number) they belong to, a status,
acceptance criteria and dependencies. ``load_backlog`` either returns a valid
:class:`Backlog` or raises :class:`BacklogError` listing every problem found, each
naming the task and the field, so that a student can fix all of them in one pass.
Messages are in Polish because students read them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SPRINT_COUNT = 11
STORY_POINTS = (1, 2, 3, 5, 8, 13)
STATUSES = ("todo", "in_progress", "done")
TASK_FIELDS = ("id", "epic", "title", "estimate", "sprint", "status", "acceptance_criteria")


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
    """One thing wrong with the backlog: where (task/epic and field) and what."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        field = f", pole '{self.field}'" if self.field else ""
        return f"{self.where}{field}: {self.message}"


class BacklogError(ValueError):
    """The backlog cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def load_backlog(path: Path) -> Backlog:
    """Read and validate a backlog file.

    Raises:
        BacklogError: the file is missing, is not valid YAML, or breaks a rule.
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BacklogError([Problem(str(path), "", "plik nie istnieje")]) from None
    except UnicodeDecodeError:
        raise BacklogError([Problem(str(path), "", "plik nie jest tekstem UTF-8")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" (linia {mark.line + 1})" if mark else ""
        raise BacklogError([Problem(str(path), "", f"niepoprawny YAML{line}")]) from None
    return parse_backlog(raw)


def parse_backlog(raw: Any) -> Backlog:
    """Validate already-parsed YAML and build a :class:`Backlog`."""
    if not isinstance(raw, dict):
        raise BacklogError([Problem("backlog", "", "oczekiwano mapy z polami projektu")])
    problems: list[Problem] = []
    project = _require(raw, "project", str, "backlog", problems)
    capacity = _require(raw, "sprint_capacity", int, "backlog", problems)
    if isinstance(capacity, int) and capacity <= 0:
        problems.append(Problem("backlog", "sprint_capacity", "musi być dodatnia"))
    epics = [_parse_epic(i, item, problems) for i, item in enumerate(_list(raw, "epics", problems))]
    tasks = [_parse_task(i, item, problems) for i, item in enumerate(_list(raw, "tasks", problems))]
    if problems:
        raise BacklogError(problems)

    backlog = Backlog(project, capacity, tuple(epics), tuple(tasks))
    # References are only meaningful once every id names exactly one thing.
    for check in (_check_unique_ids, _check_references):
        if problems := check(backlog):
            raise BacklogError(problems)
    if problems := _check_cycles(backlog) + _check_capacity(backlog):
        raise BacklogError(problems)
    return backlog


def _list(raw: dict, key: str, problems: list[Problem]) -> list:
    value = raw.get(key)
    if not isinstance(value, list) or not value:
        problems.append(Problem("backlog", key, "wymagana niepusta lista"))
        return []
    return value


def _require(item: dict, key: str, kind: type, where: str, problems: list[Problem]) -> Any:
    """Return ``item[key]`` if present and of ``kind``; otherwise record a problem."""
    if key not in item or item[key] is None:
        problems.append(Problem(where, key, "brak wymaganego pola"))
        return None
    value = item[key]
    # bool is a subclass of int in Python, but `estimate: true` is a mistake.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        expected = {str: "tekst", int: "liczba całkowita", list: "lista"}[kind]
        problems.append(Problem(where, key, f"oczekiwano: {expected}, jest: {value!r}"))
        return None
    if kind is str and not value.strip():
        problems.append(Problem(where, key, "nie może być puste"))
        return None
    return value


def _label(kind: str, index: int, item: Any) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"{kind} {item['id']}"
    return f"{kind} nr {index + 1}"


def _check_sprint(sprint: Any, where: str, problems: list[Problem]) -> None:
    if isinstance(sprint, int) and not 1 <= sprint <= SPRINT_COUNT:
        problems.append(Problem(where, "sprint", f"musi być od 1 do {SPRINT_COUNT}, jest {sprint}"))


def _parse_epic(index: int, item: Any, problems: list[Problem]) -> Epic:
    where = _label("epik", index, item)
    if not isinstance(item, dict):
        problems.append(Problem(where, "", "oczekiwano mapy z polami id, title, sprint"))
        return Epic("", "", 0)
    epic_id = _require(item, "id", str, where, problems)
    title = _require(item, "title", str, where, problems)
    sprint = _require(item, "sprint", int, where, problems)
    _check_sprint(sprint, where, problems)
    return Epic(epic_id, title, sprint)


def _parse_task(index: int, item: Any, problems: list[Problem]) -> Task:
    where = _label("zadanie", index, item)
    if not isinstance(item, dict):
        problems.append(Problem(where, "", f"oczekiwano mapy z polami {', '.join(TASK_FIELDS)}"))
        return Task("", "", "", 0, 0, "", ())
    before = len(problems)
    task_id = _require(item, "id", str, where, problems)
    epic = _require(item, "epic", str, where, problems)
    title = _require(item, "title", str, where, problems)
    estimate = _require(item, "estimate", int, where, problems)
    sprint = _require(item, "sprint", int, where, problems)
    status = _require(item, "status", str, where, problems)
    criteria = _require(item, "acceptance_criteria", list, where, problems)
    depends_on = item.get("depends_on") or []
    if estimate is not None and estimate not in STORY_POINTS:
        allowed = ", ".join(map(str, STORY_POINTS))
        problems.append(Problem(where, "estimate", f"story points z ciągu {allowed}"))
    _check_sprint(sprint, where, problems)
    if status is not None and status not in STATUSES:
        problems.append(Problem(where, "status", f"dozwolone: {', '.join(STATUSES)}"))
    if criteria is not None and (
        not criteria or not all(isinstance(c, str) and c.strip() for c in criteria)
    ):
        problems.append(Problem(where, "acceptance_criteria", "niepusta lista zdań"))
    if not isinstance(depends_on, list) or not all(isinstance(d, str) for d in depends_on):
        problems.append(Problem(where, "depends_on", "oczekiwano listy identyfikatorów zadań"))
    if len(problems) > before:
        return Task("", "", "", 0, 0, "", ())
    return Task(task_id, epic, title, estimate, sprint, status, tuple(criteria), tuple(depends_on))


def _duplicates(ids: list[str]) -> list[str]:
    return sorted(item for item, count in Counter(ids).items() if count > 1)


def _check_unique_ids(backlog: Backlog) -> list[Problem]:
    problems = [
        Problem(f"epik {epic_id}", "id", "identyfikator powtarza się")
        for epic_id in _duplicates([epic.id for epic in backlog.epics])
    ]
    return problems + [
        Problem(f"zadanie {task_id}", "id", "identyfikator powtarza się")
        for task_id in _duplicates([task.id for task in backlog.tasks])
    ]


def _check_references(backlog: Backlog) -> list[Problem]:
    problems = []
    epics = {epic.id for epic in backlog.epics}
    sprint_of = {task.id: task.sprint for task in backlog.tasks}
    for task in backlog.tasks:
        where = f"zadanie {task.id}"
        if task.epic not in epics:
            problems.append(Problem(where, "epic", f"nieznany epik '{task.epic}'"))
        for dependency in task.depends_on:
            if dependency == task.id:
                problems.append(Problem(where, "depends_on", "zadanie zależy samo od siebie"))
            elif dependency not in sprint_of:
                problems.append(Problem(where, "depends_on", f"nieznane zadanie '{dependency}'"))
            elif sprint_of[dependency] > task.sprint:
                problems.append(
                    Problem(
                        where,
                        "depends_on",
                        f"'{dependency}' jest w późniejszym sprincie "
                        f"({sprint_of[dependency]} > {task.sprint})",
                    )
                )
    return problems


def _check_cycles(backlog: Backlog) -> list[Problem]:
    """Report each dependency cycle once, as the path that closes it."""
    graph = {task.id: [d for d in task.depends_on if d != task.id] for task in backlog.tasks}
    state: dict[str, str] = {}  # "open" while on the DFS stack, "done" after
    problems: list[Problem] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in graph.get(node, []):
            if state.get(nxt) == "open":
                cycle = [*path[path.index(nxt) :], nxt]
                problems.append(
                    Problem(f"zadanie {nxt}", "depends_on", "cykl zależności: " + " → ".join(cycle))
                )
            elif nxt in graph and nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for task_id in graph:
        if task_id not in state:
            visit(task_id, [task_id])
    return problems


def _check_capacity(backlog: Backlog) -> list[Problem]:
    return [
        Problem(
            f"sprint {sprint}",
            "estimate",
            f"suma {backlog.points_in_sprint(sprint)} SP przekracza pojemność "
            f"sprintu ({backlog.sprint_capacity} SP)",
        )
        for sprint in range(1, SPRINT_COUNT + 1)
        if backlog.points_in_sprint(sprint) > backlog.sprint_capacity
    ]
