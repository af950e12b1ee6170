"""The instructor's overrides: points decided by a person, applied last and kept visible.

The overrides file (YAML) is a list of entries::

    - repository: jan-kowalski          # the name in the results
      check: 02.wykresy                 # or class: "02" — exactly one of the two
      points: 2.5
      reason: wykresy są, ale w innym notebooku
      author: AN
      automatic: 1.5                    # optional: the automatic points seen when deciding

Every check and class an override names must be in the rubric (a typo is refused when
the file is loaded); a repository not in the results is only a warning (it may not be in
this batch).

A check override replaces that check's points; its status follows the points as in the
engine (the check's maximum: ``pass``, less: ``fail``), so a check the grader skipped or
could not grade counts as evaluated by the instructor. Its message starts with the
instructor's reason and the automatic points, and keeps the automatic message after them.
The class's points are then its checks' sum less the late penalty recomputed with the
deadlines' rule (:mod:`grading.deadlines`): the same share (``late_share``: started days ×
``penalty_per_day``) of the points of the class's evaluated checks — which now include an
overridden check the grader skipped — rounded half up to 0.01 pkt and capped again at what
the checks now earn. So a penalty capped before the override (the class at 0) is not lost
when the override raises a check: it is the full penalty that is capped again. The
recomputation is appended to the class's ``late`` text. (A result without ``late_share``
but with a penalty — stored by an older grader — keeps the penalty in points it had.)
A class override sets the class's points — the final score of the class, with no late
penalty applied on top — and leaves its checks as graded. Every override applied is also
a note of its repository. When ``automatic`` is given and the automatic points are no
longer those, the override is still applied and the change is flagged.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from grading.deadlines import evaluated_max, late_penalty
from grading.engine import RepoResult
from grading.formats import STATUS_PL, pl
from grading.model import CENT, ClassResult, InputError
from grading.polish import read_problem
from grading.rubric import Rubric

KEYS = ("repository", "check", "class", "points", "reason", "author", "automatic")


@dataclass(frozen=True)
class Override:
    """One entry of the overrides file; ``number`` is its 1-based position there.
    Exactly one of ``check`` and ``class_id`` is set."""

    number: int
    repository: str
    check: str | None
    class_id: str | None
    points: Decimal
    reason: str
    author: str
    automatic: Decimal | None = None

    @property
    def label(self) -> str:
        return f"sprawdzenie {self.check}" if self.check else f"zajęcia {self.class_id}"

    @property
    def where(self) -> str:
        return f"korekta nr {self.number} ({self.repository}, {self.label})"


def load_overrides(path: Path, rubric: Rubric) -> list[Override]:
    """Read and validate the overrides file (an empty file: no overrides). Raises
    InputError naming every wrong entry by number: unknown keys, a missing reason or
    author, both or neither of check and class, a check or class not in ``rubric``,
    points that are not a number ≥ 0, the same check or class overridden twice, or a class
    together with one of its checks."""
    try:
        raw = yaml.safe_load(Path(path).read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InputError(f"plik korekt {path}: {read_problem(error)}") from None
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InputError(f"plik korekt {path}: oczekiwana lista korekt (wpisy zaczynane od -)")
    problems: list[str] = []
    overrides = [o for n, e in enumerate(raw, 1) if (o := _entry(e, n, problems)) is not None]
    _unknown(overrides, rubric, problems)
    _conflicts(overrides, problems)
    if problems:
        raise InputError(
            f"plik korekt {path} niepoprawny:\n" + "\n".join(f"- {p}" for p in problems)
        )
    return overrides


def _entry(entry: Any, number: int, problems: list[str]) -> Override | None:
    where = f"korekta nr {number}"
    if not isinstance(entry, dict):
        problems.append(f"{where}: oczekiwany słownik z wpisami {', '.join(KEYS)}")
        return None
    found = len(problems)
    problems += [f"{where}: nieznany klucz {k!r} (znane: {', '.join(KEYS)})"
                 for k in entry if k not in KEYS]  # fmt: skip
    texts = {key: entry.get(key) for key in ("repository", "reason", "author")}
    for key, value in texts.items():
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: brak `{key}` (oczekiwany niepusty tekst)")
    if ("check" in entry) == ("class" in entry):
        problems.append(
            f"{where}: podaj dokładnie jedno z `check` (sprawdzenie) i `class` (zajęcia)"
        )
    for key in ("check", "class"):
        if key in entry and not isinstance(entry[key], str):
            problems.append(
                f"{where}: `{key}`: {entry[key]!r} nie jest tekstem — wpisz go w cudzysłowie, "
                'np. "02" (bez cudzysłowu YAML czyta 02 jako liczbę)'
            )
    points = _number(entry.get("points"), f"{where}: `points`", problems)
    automatic = entry.get("automatic")
    if automatic is not None:
        automatic = _number(automatic, f"{where}: `automatic`", problems)
    if len(problems) > found:
        return None
    return Override(number, texts["repository"], entry.get("check"), entry.get("class"),
                    points, texts["reason"], texts["author"], automatic)  # fmt: skip


def _number(value: Any, where: str, problems: list[str]) -> Decimal:
    try:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidOperation
        number = Decimal(str(value))
    except InvalidOperation:
        number = Decimal(-1)
    if not number.is_finite() or number < 0:
        problems.append(f"{where}: {value!r} — oczekiwana liczba punktów ≥ 0, np. 2.5")
    return number


def _unknown(overrides: list[Override], rubric: Rubric, problems: list[str]) -> None:
    """A check or class id not in the rubric is a typo: the override would never apply."""
    classes = [spec.id for spec in rubric.classes]
    checks = [check.id for spec in rubric.classes for check in spec.checks]
    for override in overrides:
        if override.check is not None and override.check not in checks:
            close = difflib.get_close_matches(override.check, checks, n=3)
            hint = f" (czy chodziło o {' albo '.join(close)}?)" if close else ""
            problems.append(f"{override.where}: nie ma takiego sprawdzenia w rubryce{hint}")
        if override.class_id is not None and override.class_id not in classes:
            problems.append(
                f"{override.where}: nie ma takich zajęć w rubryce (są: {', '.join(classes)})"
            )


def _conflicts(overrides: list[Override], problems: list[str]) -> None:
    """The same check or class twice, or a class and one of its checks, are ambiguous."""
    seen: dict[tuple[str, str], Override] = {}
    for override in overrides:
        target = override.check or override.class_id or ""
        key = (override.repository, target)
        if key in seen:
            problems.append(
                f"{override.where}: powtarza korektę nr {seen[key].number} — zostaw jedną"
            )
        seen.setdefault(key, override)
    for (repository, _), override in seen.items():
        if override.check:
            whole = seen.get((repository, override.check.split(".")[0]))
            if whole is not None and whole.class_id:
                problems.append(
                    f"{override.where}: korekta nr {whole.number} ustala wynik całych zajęć "
                    f"{whole.class_id} tego repozytorium — zostaw jedną z nich"
                )


def apply_overrides(results: list[RepoResult], overrides: list[Override]) -> list[str]:
    """Apply ``overrides`` to ``results`` (in place, after everything else) and return the
    warnings for the instructor (Polish): an override naming a repository, check or class
    not in the results is skipped; one whose ``automatic`` points differ from today's is
    applied and flagged, also in its repository's notes. Raises InputError, before
    changing anything, when an override gives more points than the maximum."""
    by_name = {result.repository: result for result in results}
    warnings: list[str] = []
    targets = []
    for override in overrides:
        result = by_name.get(override.repository)
        found = _target(result, override) if result is not None else None
        if found is None:
            missing = "repozytorium" if result is None else override.label
            warnings.append(f"{override.where}: brak w wynikach ({missing}) — korekta pominięta")
            continue
        targets.append((override, result, *found))
    too_many = [
        f"{o.where}: {pl(o.points)} pkt — więcej niż maksimum {pl(maximum)} pkt"
        for o, _, _, maximum in targets
        if o.points > maximum
    ]
    if too_many:
        raise InputError(
            "korekty niepoprawne (punkty ponad maksimum):\n" + "\n".join(f"- {p}" for p in too_many)
        )
    for override, result, graded, _ in targets:
        automatic = _apply(override, result, graded)
        if override.automatic is not None and override.automatic != automatic:
            change = (
                f"wynik automatyczny zmienił się od korekty: było {pl(override.automatic)}, "
                f"jest {pl(automatic)} — sprawdź korektę"
            )
            # For the instructor only (stderr), not for the student's feedback.
            warnings.append(f"{override.where}: {change}")
    return warnings


def _target(result: RepoResult, override: Override) -> tuple[ClassResult, Decimal] | None:
    """The class holding the override's check or class, and the maximum it may give."""
    for graded in result.classes:
        if override.class_id == graded.id:
            return graded, graded.max
        for check in graded.checks:
            if check.id == override.check:
                return graded, check.max
    return None


def _apply(override: Override, result: RepoResult, graded: ClassResult) -> Decimal:
    """Apply one override; the automatic points it replaced."""
    who = f"Korekta prowadzącego ({override.author})"
    if override.class_id:
        automatic = graded.points
        graded.points = override.points
        difference = override.points - automatic
        result.notes.append(
            f"{who}, {override.label}: {pl(automatic)} → {pl(override.points)} pkt "
            f"(różnica {'+' if difference >= 0 else '−'}{pl(abs(difference))} pkt; sprawdzenia "
            f"bez zmian): {override.reason}"
        )
        if graded.late_share is not None and graded.late:
            graded.late += (
                f"; korekta prowadzącego ustala wynik zajęć: {pl(override.points)} pkt, bez kary"
            )
        return automatic
    index = next(i for i, c in enumerate(graded.checks) if c.id == override.check)
    check = graded.checks[index]
    # Without the share (an older result), the penalty is what the checks sum to beyond
    # the class's points; it stays as it was.
    kept = sum((c.points for c in graded.checks), Decimal(0)) - graded.points
    graded.checks[index] = dataclasses.replace(
        check,
        points=override.points,
        status="pass" if override.points == check.max else "fail",
        message=(
            f"{who}: {override.reason}. Wynik automatyczny: {pl(check.points)} pkt "
            f"({STATUS_PL[check.status]}): {check.message}"
        ),
    )
    earned = sum((c.points for c in graded.checks), Decimal(0))
    if graded.late_share is None:
        graded.points = max(earned - kept, Decimal(0)).quantize(CENT)
    else:
        _repenalise(graded, graded.late_share, earned)
    result.notes.append(
        f"{who}, {override.label}: {pl(check.points)} → {pl(override.points)} pkt: "
        f"{override.reason}"
    )
    return check.points


def _repenalise(graded: ClassResult, share: Decimal, earned: Decimal) -> None:
    """The class's points after a check override: ``earned`` less the late penalty
    recomputed on the checks as they now are, the sum appended to ``late``."""
    base = evaluated_max(graded.checks)
    penalty = late_penalty(share, graded.checks)
    applied = min(penalty, earned)
    graded.points = (earned - applied).quantize(CENT)
    graded.late = (graded.late + "; " if graded.late else "") + (
        f"po korekcie prowadzącego kara przeliczona: {pl(share)} × {pl(base)} pkt "
        f"(maksimum ocenianych sprawdzeń) = {pl(penalty)} pkt"
        + (f", ograniczona do {pl(applied)} pkt za sprawdzenia" if applied < penalty else "")
        + f"; wynik zajęć: {pl(earned)} − {pl(applied)} = {pl(graded.points)} pkt"
    )
