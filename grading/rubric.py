"""The rubric: ``grading/rubric.yaml`` loaded and validated.

Validation on load names every wrong entry in Polish (``classes[2].checks[4].points``…):
unknown keys, unknown check kinds, a kind used in the wrong mode, missing or unknown
parameters, an optional ``projekt?:`` entry for a required parameter, duplicate ids, an
id outside its class, per-class sums and the declared total.
Points are exact decimals: ``0.5`` in YAML becomes ``Decimal("0.5")``.

The course plan gives the classes 5, 20, 20, 5, 20, 5, 10, 5, 5, 10 and 5 points and calls
the sum 100, but these add up to 110. The rubric keeps every class's points as the plan
gives them and declares ``total: 110``; results also give the score on a 100-point scale
(:func:`score_100`).
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from grading.checks import KINDS

RUBRIC_PATH = Path(__file__).with_name("rubric.yaml")
SCALE = Decimal(100)
PROJECT_PREFIX = "projekt:"
# An optional entry: a parameter the kind can go without is left out when projekt.yaml
# has no such entry (a wrong one is still a problem of the check).
OPTIONAL_PREFIX = "projekt?:"
CLASS_KEYS = ("id", "title", "folder", "points", "checks")
CHECK_KEYS = ("id", "points", "mode", "description", "how", "kind", "params")


class RubricError(Exception):
    """The rubric is invalid; ``problems`` lists each one with the entry it is in."""

    def __init__(self, problems: list[str]):
        super().__init__("rubryka niepoprawna:\n" + "\n".join(f"- {p}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Check:
    id: str
    points: Decimal
    mode: str
    description: str
    how: str
    kind: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class ClassSpec:
    id: str
    title: str
    folder: str
    points: Decimal
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class Rubric:
    classes: tuple[ClassSpec, ...]
    sha256: str

    @property
    def total(self) -> Decimal:
        return sum((c.points for c in self.classes), Decimal(0))

    def project_references(self) -> set[str]:
        """Every ``projekt.yaml`` entry the rubric reads (dotted paths)."""
        return {
            project_entry(value)
            for spec in self.classes
            for check in spec.checks
            for value in check.params.values()
            if project_entry(value)
        }


def project_entry(value: Any) -> str:
    """The dotted ``projekt.yaml`` entry a parameter value reads (``projekt:a.b`` or,
    optional, ``projekt?:a.b``); empty for a literal value."""
    for prefix in (PROJECT_PREFIX, OPTIONAL_PREFIX):
        if isinstance(value, str) and value.startswith(prefix):
            return value.removeprefix(prefix)
    return ""


def load_rubric(path: Path = RUBRIC_PATH) -> Rubric:
    """Load and validate the rubric. Raises RubricError naming every wrong entry."""
    data = path.read_bytes()
    try:
        raw = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise RubricError([f"{path.name}: nie da się wczytać: {error}"]) from None
    return parse_rubric(raw, hashlib.sha256(data).hexdigest())


def parse_rubric(raw: Any, sha256: str = "") -> Rubric:
    problems: list[str] = []
    if not isinstance(raw, dict) or not isinstance(raw.get("classes"), list):
        raise RubricError(["oczekiwany słownik z listą `classes`"])
    if raw.get("schema_version") != 1:
        problems.append("schema_version: oczekiwane 1")
    unknown = set(raw) - {"schema_version", "total", "classes"}
    if unknown:
        problems.append(f"nieznane klucze: {', '.join(sorted(map(str, unknown)))}")
    declared = _points(raw, "rubryka", problems, "total")
    classes = [_class(entry, f"classes[{i}]", problems) for i, entry in enumerate(raw["classes"])]
    _check_unique([c.id for c in classes], "zajęć", problems)
    _check_unique([k.id for c in classes for k in c.checks], "sprawdzenia", problems)
    total = sum((c.points for c in classes), Decimal(0))
    if total != declared:
        problems.append(f"suma punktów zajęć to {total}, a `total` rubryki to {declared}")
    if problems:
        raise RubricError(problems)
    return Rubric(tuple(classes), sha256)


def _class(entry: Any, where: str, problems: list[str]) -> ClassSpec:
    if not isinstance(entry, dict):
        problems.append(f"{where}: oczekiwany słownik")
        return ClassSpec("?", "", "", Decimal(0), ())
    _unknown_keys(entry, CLASS_KEYS, where, problems)
    spec_id = _text(entry, "id", where, problems)
    checks_raw = entry.get("checks")
    if not isinstance(checks_raw, list) or not checks_raw:
        problems.append(f"{where}.checks: oczekiwana niepusta lista sprawdzeń")
        checks_raw = []
    checks = tuple(
        _check(check, f"{where}.checks[{i}]", spec_id, problems)
        for i, check in enumerate(checks_raw)
    )
    points = _points(entry, where, problems)
    spent = sum((c.points for c in checks), Decimal(0))
    if spent != points:
        problems.append(
            f"{where} (zajęcia {spec_id}): sprawdzenia dają {spent} pkt, a zajęcia {points}"
        )
    return ClassSpec(
        spec_id,
        _text(entry, "title", where, problems),
        _text(entry, "folder", where, problems),
        points,
        checks,
    )


def _check(entry: Any, where: str, class_id: str, problems: list[str]) -> Check:
    if not isinstance(entry, dict):
        problems.append(f"{where}: oczekiwany słownik")
        return Check("?", Decimal(0), "static", "", "", "", {})
    _unknown_keys(entry, CHECK_KEYS, where, problems)
    check_id = _text(entry, "id", where, problems)
    where = f"{where} ({check_id})"
    if check_id and not check_id.startswith(f"{class_id}."):
        problems.append(f"{where}: id musi zaczynać się od `{class_id}.`")
    mode = entry.get("mode")
    if mode not in ("static", "run"):
        problems.append(f"{where}.mode: {mode!r} — dozwolone: static, run")
    kind_name = _text(entry, "kind", where, problems)
    params = entry.get("params") or {}
    if not isinstance(params, dict):
        problems.append(f"{where}.params: oczekiwany słownik")
        params = {}
    kind = KINDS.get(kind_name)
    if kind is None:
        hint = difflib.get_close_matches(kind_name, KINDS, n=1)
        problems.append(
            f"{where}.kind: nieznany rodzaj {kind_name!r}"
            + (f" — może {hint[0]!r}?" if hint else "")
        )
    else:
        if kind.mode != mode:
            problems.append(f"{where}.mode: rodzaj {kind_name} działa w trybie {kind.mode}")
        for name in kind.required:
            if name not in params:
                problems.append(f"{where}.params: brak parametru `{name}`")
        for name in params:
            if name not in kind.required + kind.optional:
                problems.append(f"{where}.params: nieznany parametr `{name}` rodzaju {kind_name}")
            elif name in kind.required and str(params[name]).startswith(OPTIONAL_PREFIX):
                problems.append(
                    f"{where}.params: parametr `{name}` jest wymagany, a {OPTIONAL_PREFIX} "
                    "pomija go, gdy projekt.yaml nie ma wpisu"
                )
    return Check(
        check_id,
        _points(entry, where, problems),
        str(mode),
        _text(entry, "description", where, problems),
        _text(entry, "how", where, problems),
        kind_name,
        params,
    )


def score_100(points: Decimal, maximum: Decimal) -> Decimal:
    """``points`` of ``maximum`` on a 100-point scale, rounded half up to 0.01."""
    if not maximum:
        return Decimal(0)
    return (points * SCALE / maximum).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _points(entry: dict, where: str, problems: list[str], key: str = "points") -> Decimal:
    value = entry.get(key)
    try:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InvalidOperation
        points = Decimal(str(value))
    except InvalidOperation:
        problems.append(f"{where}.{key}: {value!r} nie jest liczbą punktów")
        return Decimal(0)
    if not points.is_finite() or points <= 0:
        problems.append(f"{where}.{key}: punkty muszą być dodatnie, jest {value!r}")
        return Decimal(0)
    return points


def _text(entry: dict, key: str, where: str, problems: list[str]) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}.{key}: oczekiwany niepusty tekst")
        return ""
    return value


def _unknown_keys(entry: dict, known: tuple[str, ...], where: str, problems: list[str]) -> None:
    for key in entry:
        if key not in known:
            problems.append(f"{where}: nieznany klucz {key!r} (znane: {', '.join(known)})")


def _check_unique(ids: list[str], label: str, problems: list[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            problems.append(f"powtórzony identyfikator {label}: {item}")
        seen.add(item)
