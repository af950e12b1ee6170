"""Checks of class 01 (planning): the backlog's rules, its coverage of the sprints and the
sprint plan generated from it.

The backlog rules are those of the README of class 01 (section "Schemat `backlog.yaml`"),
written again here so that the grader never runs the student's own validator: every field
present with its type, no unknown or repeated keys, unique ids, existing epics and
dependencies (same or earlier sprint), no dependency cycle, estimates 1, 2, 3, 5, 8, 13,
sprints 1–11 and the sprint capacity. Each problem names its place in the file (list
indexes from 0), e.g. ``tasks[3].estimate (zadanie T03.2)``.
"""

from __future__ import annotations

import difflib
import re
import struct
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import yaml

from grading.checks.base import Context, static_check
from grading.checks.documents import PNG_SIGNATURE
from grading.checks.markdown import Document
from grading.checks.text import normalize, numbers
from grading.model import Evidence, Outcome, StudentError
from grading.polish import kind_name, plural, shown
from grading.repo_files import RepoFiles

SPRINTS = range(1, 12)
STORY_POINTS = (1, 2, 3, 5, 8, 13)
STATUSES = ("todo", "in_progress", "done")
TOP_FIELDS = {"project": str, "sprint_capacity": int, "epics": list, "tasks": list}
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
_TYPE_NAMES = {str: "tekst", int: "liczba całkowita", list: "lista"}


@dataclass(frozen=True)
class Problem:
    """One broken rule: its place in the file, the item's id when it has one, what is wrong."""

    place: str
    message: str
    label: str = ""

    def __str__(self) -> str:
        label = f" ({self.label})" if self.label else ""
        return f"{self.place}{label}: {self.message}"


class _Loader(yaml.SafeLoader):
    """The safe loader that also records keys repeated in one mapping (YAML keeps the last)."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.repeated: list[Problem] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                continue
            if key_node.value in seen:
                self.repeated.append(
                    Problem(
                        f"linia {key_node.start_mark.line + 1}",
                        f"klucz '{key_node.value}' powtarza się w tej samej mapie "
                        "(YAML zostawia tylko ostatnią wartość) — zostaw jeden",
                    )
                )
            seen.add(key_node.value)
        return super().construct_mapping(node, deep)


def read_backlog(files: RepoFiles, path: str) -> tuple[Any, list[Problem]]:
    """The parsed backlog (any YAML value) and the keys repeated in its mappings.

    Raises StudentError when the file is missing, unreadable or not YAML.
    """
    loader = _Loader(files.read_text(path))
    try:
        return loader.get_single_data(), loader.repeated
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise StudentError(
            f"{path} nie jest poprawnym YAML-em: {getattr(error, 'problem', error)}"
            + (f" (linia {line})" if line else ""),
            Evidence(file=path, line=line),
        ) from None
    except RecursionError:
        raise StudentError(
            f"{path}: struktura YAML zagnieżdżona zbyt głęboko", Evidence(file=path)
        ) from None
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        # PyYAML's safe constructors raise these for values such as `2024-13-45` or `!!int x`.
        raise StudentError(
            f"{path}: YAML ma wartość, której nie da się odczytać ({error}) — popraw ją "
            "(np. niemożliwą datę) albo ujmij w cudzysłów",
            Evidence(file=path),
        ) from None
    finally:
        loader.dispose()


def backlog_problems(data: Any) -> list[Problem]:
    """Every rule of the class 01 README the parsed backlog breaks (none: the backlog is
    valid). Never raises, whatever the YAML holds."""
    if not isinstance(data, dict):
        return [
            Problem(
                "backlog",
                f"oczekiwano mapy z polami {', '.join(TOP_FIELDS)}, jest: {kind_name(data)}",
            )
        ]
    problems: list[Problem] = []
    top = _fields("", "", data, TOP_FIELDS, (), problems)
    capacity = top.get("sprint_capacity")
    if capacity is not None and capacity <= 0:
        problems.append(Problem("sprint_capacity", f"musi być dodatnia, jest {capacity}"))
        capacity = None
    epics = [
        _fields(f"epics[{i}]", "epik", item, EPIC_FIELDS, (), problems)
        for i, item in enumerate(_nonempty(top, "epics", problems))
    ]
    tasks = [
        _fields(f"tasks[{i}]", "zadanie", item, TASK_FIELDS, OPTIONAL_TASK_FIELDS, problems)
        for i, item in enumerate(_nonempty(top, "tasks", problems))
    ]
    for i, epic in enumerate(epics):
        _check_sprint(epic, f"epics[{i}]", problems)
    for i, task in enumerate(tasks):
        _check_task_values(task, f"tasks[{i}]", problems)
    problems += _repeated_ids(epics, "epics") + _repeated_ids(tasks, "tasks")
    problems += _references(epics, tasks) + _cycles(tasks) + _over_capacity(tasks, capacity)
    return problems


def _nonempty(top: dict[str, Any], key: str, problems: list[Problem]) -> list:
    value = top.get(key)
    if value == []:
        problems.append(Problem(key, "wymagana niepusta lista"))
    return value or []


def _fields(
    place: str,
    kind: str,
    item: Any,
    fields: dict[str, type],
    optional: tuple[str, ...],
    problems: list[Problem],
) -> dict[str, Any]:
    """The fields of ``item`` that are present and of their type, with a ``label`` and a
    ``place``; a problem for every other field and every unknown key."""
    if not isinstance(item, dict):
        problems.append(Problem(place, f"oczekiwano mapy z polami {', '.join(fields)}"))
        return {"place": place, "label": ""}
    item_id = item.get("id")
    label = f"{kind} {item_id}" if kind and isinstance(item_id, str) and item_id.strip() else ""
    known = [*fields, *optional]
    for key in item:
        if key not in known:
            problems.append(Problem(_at(place, key), _unknown_key(key, known), label))
    values: dict[str, Any] = {"place": place, "label": label}
    for key, expected in fields.items():
        value = item.get(key)
        where = _at(place, key)
        if value is None:
            problems.append(Problem(where, "brak wymaganego pola", label))
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            problems.append(
                Problem(where, f"oczekiwano: {_TYPE_NAMES[expected]}, jest: {shown(value)}", label)
            )
        elif expected is str and not value.strip():
            problems.append(Problem(where, "nie może być puste", label))
        else:
            values[key] = value
    for key in optional:
        if item.get(key) is not None:
            values[key] = item[key]
    return values


def _at(place: str, key: Any) -> str:
    return f"{place}.{key}" if place else str(key)


def _unknown_key(key: Any, known: list[str]) -> str:
    name = shown(key)
    close = difflib.get_close_matches(str(key), known, n=1)
    if close:
        return f"nieznany klucz {name} — czy chodziło o '{close[0]}'?"
    return f"nieznany klucz {name} — dozwolone: {', '.join(known)}"


def _check_sprint(entry: dict[str, Any], place: str, problems: list[Problem]) -> None:
    sprint = entry.get("sprint")
    if sprint is not None and sprint not in SPRINTS:
        problems.append(
            Problem(
                f"{place}.sprint",
                f"numer sprintu (zajęć) od {SPRINTS[0]} do {SPRINTS[-1]}, jest {sprint}",
                entry["label"],
            )
        )
        del entry["sprint"]


def _check_task_values(task: dict[str, Any], place: str, problems: list[Problem]) -> None:
    """Allowed values of the task fields whose type is right; a wrong value is dropped."""
    _check_sprint(task, place, problems)
    label = task["label"]
    rules = {
        "estimate": (
            lambda points: points in STORY_POINTS,
            f"story points z ciągu {', '.join(map(str, STORY_POINTS))}",
        ),
        "status": (lambda status: status in STATUSES, f"dozwolone: {', '.join(STATUSES)}"),
        "acceptance_criteria": (
            lambda items: bool(items) and all(isinstance(c, str) and c.strip() for c in items),
            "niepusta lista niepustych zdań",
        ),
        "depends_on": (
            lambda ids: isinstance(ids, list) and all(isinstance(d, str) for d in ids),
            "lista identyfikatorów zadań (tekstów)",
        ),
    }
    for key, (allowed, expected) in rules.items():
        if key in task and not allowed(task[key]):
            value = task.pop(key)
            problems.append(Problem(f"{place}.{key}", f"{expected}, jest {shown(value)}", label))


def _first_by_id(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    first: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if "id" in entry:
            first.setdefault(entry["id"], entry)
    return first


def _repeated_ids(entries: list[dict[str, Any]], name: str) -> list[Problem]:
    first = _first_by_id(entries)
    return [
        Problem(
            f"{entry['place']}.id",
            f"identyfikator '{entry['id']}' powtarza się (pierwszy raz w "
            f"{first[entry['id']]['place']}) — id w {name} muszą być unikalne",
            entry["label"],
        )
        for entry in entries
        if "id" in entry and first[entry["id"]] is not entry
    ]


def _references(epics: list[dict[str, Any]], tasks: list[dict[str, Any]]) -> list[Problem]:
    """Tasks point at existing epics; dependencies at existing tasks of the same or an
    earlier sprint, never at the task itself."""
    problems = []
    epic_ids = _first_by_id(epics)
    task_by_id = _first_by_id(tasks)
    for task in tasks:
        epic = task.get("epic")
        if epic is not None and epic not in epic_ids:
            problems.append(
                Problem(f"{task['place']}.epic", f"nieznany epik '{epic}'", task["label"])
            )
        for index, dependency in enumerate(task.get("depends_on", [])):
            place = f"{task['place']}.depends_on[{index}]"
            other = task_by_id.get(dependency)
            if dependency == task.get("id"):
                problems.append(Problem(place, "zadanie zależy samo od siebie", task["label"]))
            elif other is None:
                problems.append(Problem(place, f"nieznane zadanie '{dependency}'", task["label"]))
            elif "sprint" in task and "sprint" in other and other["sprint"] > task["sprint"]:
                problems.append(
                    Problem(
                        place,
                        f"'{dependency}' jest w późniejszym sprincie ({other['sprint']} > "
                        f"{task['sprint']}) — zależność musi być z tego samego lub "
                        "wcześniejszego sprintu",
                        task["label"],
                    )
                )
    return problems


def _cycles(tasks: list[dict[str, Any]]) -> list[Problem]:
    """Each dependency cycle found by a depth-first search, once, as the path that closes
    it (``T1 → T2 → T1``: T1 depends on T2, T2 on T1). Iterative: no recursion limit."""
    by_id = _first_by_id(tasks)
    graph = {
        task_id: list(dict.fromkeys(d for d in task.get("depends_on", []) if d != task_id))
        for task_id, task in by_id.items()
    }
    state: dict[str, str] = {}
    problems = []
    for start in graph:
        if start in state:
            continue
        path = [start]
        stack = [iter(graph[start])]
        state[start] = "open"
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = "done"
                stack.pop()
            elif state.get(nxt) == "open":
                cycle = [*path[path.index(nxt) :], nxt]
                problems.append(
                    Problem(
                        f"{by_id[nxt]['place']}.depends_on",
                        f"cykl zależności: {' → '.join(cycle)} — usuń jedną z tych zależności",
                        by_id[nxt]["label"],
                    )
                )
            elif nxt in graph and nxt not in state:
                state[nxt] = "open"
                path.append(nxt)
                stack.append(iter(graph[nxt]))
    return problems


def _over_capacity(tasks: list[dict[str, Any]], capacity: int | None) -> list[Problem]:
    if capacity is None:
        return []
    points: Counter[int] = Counter()
    for task in tasks:
        if "sprint" in task and "estimate" in task:
            points[task["sprint"]] += task["estimate"]
    return [
        Problem(
            "tasks",
            f"suma estymat {points[sprint]} SP przekracza pojemność sprintu "
            f"(sprint_capacity: {capacity} SP) — przenieś zadania do innego sprintu",
            f"sprint {sprint}",
        )
        for sprint in sorted(points)
        if points[sprint] > capacity
    ]


def readable_tasks(data: Any) -> list[Mapping[str, Any]]:
    """The tasks of a parsed backlog that are mappings (an invalid backlog gives what can
    be read of it)."""
    tasks = data.get("tasks") if isinstance(data, dict) else None
    return [task for task in tasks if isinstance(task, dict)] if isinstance(tasks, list) else []


def integer(value: Any) -> int | None:
    """``value`` when it is an integer (a YAML ``true`` is not)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def sprint_points(tasks: list[Mapping[str, Any]], status: str | None = None) -> dict[int, int]:
    """Story points per sprint: the sum of the integer estimates of the tasks of each
    sprint (only those with ``status`` when given); every sprint a task names is a key."""
    points: dict[int, int] = {}
    for task in tasks:
        sprint = integer(task.get("sprint"))
        if sprint is None:
            continue
        points.setdefault(sprint, 0)
        if status is None or task.get("status") == status:
            points[sprint] += integer(task.get("estimate")) or 0
    return dict(sorted(points.items()))


def values(text: str) -> list[Fraction]:
    """The numbers of ``text`` as exact values (``1 234``, ``16,0``, ``−3``); percentages
    are left out."""
    found = []
    for token in numbers(text):
        if token.endswith("%"):
            continue
        plain = re.sub(r"[ \u00a0]", "", token).replace(",", ".").replace("−", "-")
        found.append(Fraction(plain))
    return found


@static_check("backlog_valid", required=("file",))
def backlog_valid(context: Context, params: Mapping[str, Any]) -> Outcome:
    """Rubric 01.backlog: the backlog breaks none of the rules of the class 01 README
    (see the module docstring); every problem is listed with its place."""
    path = params["file"]
    data, repeated = read_backlog(context.files, path)
    problems = repeated + backlog_problems(data)
    if not problems:
        tasks = readable_tasks(data)
        return Outcome.passed(
            f"{path}: backlog poprawny (zadania: {len(tasks)}, epiki: {len(data['epics'])}), "
            "wszystkie reguły spełnione",
            Evidence(file=path),
        )
    listed = "\n".join(f"- {problem}" for problem in problems)
    return Outcome.failed(
        f"{path} łamie reguły backlogu z README zajęć 01 (problemy: {len(problems)}) — "
        f"popraw każdy:\n{listed}",
        Evidence(file=path, excerpt=str(problems[0])),
    )


@static_check("backlog_coverage", required=("file", "sprints", "min_tasks"))
def backlog_coverage(context: Context, params: Mapping[str, Any]) -> Outcome:
    """Rubric 01.backlog_pelny: each sprint 1…``sprints`` has an epic and at least
    ``min_tasks`` tasks, each with at least one non-empty acceptance criterion; a share per
    sprint. An invalid backlog is counted as far as it can be read."""
    path, sprints, min_tasks = params["file"], params["sprints"], params["min_tasks"]
    data, _ = read_backlog(context.files, path)
    epics = data.get("epics") if isinstance(data, dict) else None
    epic_sprints = {
        integer(epic.get("sprint"))
        for epic in (epics if isinstance(epics, list) else [])
        if isinstance(epic, dict)
    }
    with_criteria: Counter[int | None] = Counter(
        integer(task.get("sprint"))
        for task in readable_tasks(data)
        if isinstance(task.get("acceptance_criteria"), list)
        and any(isinstance(c, str) and c.strip() for c in task["acceptance_criteria"])
    )
    gaps = []
    for sprint in range(1, sprints + 1):
        missing = []
        if sprint not in epic_sprints:
            missing.append(f"brak epiku z `sprint: {sprint}`")
        if with_criteria[sprint] < min_tasks:
            missing.append(
                f"zadań z kryteriami akceptacji: {with_criteria[sprint]}, potrzeba {min_tasks}"
            )
        if missing:
            gaps.append(f"sprint {sprint}: {'; '.join(missing)}")
    covered = sprints - len(gaps)
    tasks_wanted = plural(min_tasks, "zadanie", "zadania", "zadań")
    if not gaps:
        return Outcome.passed(
            f"{path}: każdy sprint 1–{sprints} ma epik i co najmniej {tasks_wanted} "
            "z kryteriami akceptacji",
            Evidence(file=path),
        )
    return Outcome.share(
        covered,
        sprints,
        f"{path}: pełne sprinty {covered} z {sprints}. Uzupełnij (epik ze sprintem i "
        f"co najmniej {tasks_wanted} z niepustą listą `acceptance_criteria`):\n"
        + "\n".join(f"- {gap}" for gap in gaps),
        Evidence(file=path),
    )


@static_check("sprint_plan", required=("backlog", "file", "image"))
def sprint_plan(context: Context, params: Mapping[str, Any]) -> Outcome:
    """Rubric 01.plan, half a point each: (1) the plan names every task id of the backlog
    and, for each sprint, the sum of its estimates — in the heading or the section of
    ``Sprint N``, or in the row of sprint N of a table with a ``Sprint`` column (SP
    columns); (2) the image is a PNG with its signature and a valid IHDR chunk."""
    plan_ok, plan_message = _plan_matches(context.files, params["backlog"], params["file"])
    image_ok, image_message = _png_valid(context.files, params["image"])
    return Outcome.share(
        plan_ok + image_ok,
        2,
        f"{plan_message}\n{image_message}",
        Evidence(file=params["file"]),
        Evidence(file=params["image"]),
    )


def _plan_matches(files: RepoFiles, backlog: str, path: str) -> tuple[bool, str]:
    try:
        tasks = readable_tasks(read_backlog(files, backlog)[0])
        text = files.read_text(path)
    except StudentError as error:
        return False, f"plan sprintów: {error.message}"
    ids = list(dict.fromkeys(t["id"] for t in tasks if isinstance(t.get("id"), str) and t["id"]))
    totals = sprint_points(tasks)
    if not ids or not totals:
        return False, f"plan sprintów: w {backlog} brak zadań z id i sprintem do porównania"
    missing = [task_id for task_id in ids if not _mentions(text, task_id)]
    document = Document.parse(text)
    wrong = [
        f"sprint {sprint}: brak sumy {total} SP"
        for sprint, total in totals.items()
        if not _sum_shown(document, sprint, total)
    ]
    if not missing and not wrong:
        return True, (
            f"{path}: są wszystkie zadania backlogu ({len(ids)}) i zgodne z nim sumy SP "
            f"każdego sprintu ({len(totals)})"
        )
    fixes = []
    if missing:
        fixes.append(f"brak id zadań: {', '.join(missing)}")
    if wrong:
        fixes.append(
            "; ".join(wrong) + " (suma estymat z backlogu) w nagłówku „Sprint N” albo w "
            "tabeli tego sprintu lub w wierszu sprintu w tabeli z kolumną „Sprint”"
        )
    return False, f"{path} nie zgadza się z {backlog}: {'; '.join(fixes)} — wygeneruj plan ponownie"


def _mentions(text: str, task_id: str) -> bool:
    """``task_id`` as a whole token (``T01.1`` is not found in ``T01.10``)."""
    return re.search(rf"(?<![\w.]){re.escape(task_id)}(?!\w|\.\w)", text) is not None


def _sum_shown(document: Document, sprint: int, total: int) -> bool:
    """Whether ``total`` is written in the heading of ``Sprint N`` (besides N itself) or in
    its section, or in the first SP column of the row of sprint N of a table with a sprint
    column (the plan's summary)."""
    section = document.find([f"sprint {sprint}"])
    if section is not None:
        heading = re.sub(rf"(?i)sprint\W*{sprint}(?!\d)", "", section.heading, count=1)
        if total in values(heading) + values(section.text):
            return True
    for table in document.tables:
        sprint_column = column(table.header, "sprint")
        if sprint_column is None:
            continue
        points = next((i for i, c in enumerate(table.header) if "sp" in normalize(c).split()), None)
        for row in table.rows:
            if (
                points is not None
                and values(row[sprint_column])[:1] == [sprint]
                and values(row[points])[:1] == [total]
            ):
                return True
    return False


def column(header: list[str], stem: str) -> int | None:
    """The index of the first header cell with a word starting with ``stem``, both
    normalised (case and diacritics ignored): ``sprint`` finds „Nr sprintu”."""
    wanted = normalize(stem)
    for index, cell in enumerate(header):
        if any(word.startswith(wanted) for word in normalize(cell).split()):
            return index
    return None


def _png_valid(files: RepoFiles, path: str) -> tuple[bool, str]:
    """A PNG signature followed by an IHDR chunk of 13 bytes with a correct CRC and a
    width and height above zero."""
    try:
        data = files.read_bytes(path)
    except StudentError as error:
        return False, f"wykres planu: {error.message}"
    if not data.startswith(PNG_SIGNATURE):
        return False, f"{path} nie jest plikiem PNG (brak sygnatury PNG) — zapisz wykres jako PNG"
    chunk = data[8:33]
    if len(chunk) < 25 or chunk[4:8] != b"IHDR" or struct.unpack(">I", chunk[:4])[0] != 13:
        return False, f"{path}: brak nagłówka IHDR za sygnaturą PNG — plik jest uszkodzony"
    width, height = struct.unpack(">II", chunk[8:16])
    if zlib.crc32(chunk[4:21]) != struct.unpack(">I", chunk[21:25])[0]:
        return False, f"{path}: zła suma kontrolna nagłówka IHDR — plik PNG jest uszkodzony"
    if not width or not height:
        return False, f"{path}: obraz PNG ma rozmiar {width}×{height} — zapisz prawdziwy wykres"
    return True, f"{path}: poprawny obraz PNG {width}×{height}"
