"""Deadlines: each class graded as it was committed by its deadline.

The instructor's deadlines file (YAML) names a policy and a deadline per class::

    policy: not_counted        # or penalty_per_day
    penalty_per_day: 0.1       # only with penalty_per_day
    deadlines:
      "01": "2026-10-07T23:59:00+02:00"

A class with a deadline is graded on a snapshot of the newest commit reachable from HEAD
that touches its folder with a committer date at or before the deadline, ``projekt.yaml``
included as it was in that commit. Commits touching the folder after the deadline are late
work: under ``not_counted`` they are ignored; under ``penalty_per_day`` the newest commit
touching the folder is graded and the class loses ``penalty_per_day`` × its maximum for
every started day between the deadline and the last late commit, never below 0. Classes
without a deadline are graded on the working tree as :func:`grading.engine.grade_repository`
does.

The student's repository is only read. Every git command runs in a temporary *shadow*
repository that borrows the student's objects (``objects/info/alternates``) but none of
their configuration: a student's ``.git/config`` may name filter drivers that
``git archive`` would execute, or replace refs that would swap commits.
"""

from __future__ import annotations

import math
import shutil
import tarfile
import tempfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from grading import git
from grading.engine import NO_GIT as UNDATED_NOTE
from grading.engine import RepoResult, grade_class, grade_repository
from grading.formats import pl
from grading.model import CheckResult, ClassResult, Evidence, InputError
from grading.project import load_project
from grading.repo_files import MAX_BYTES, RepoFiles
from grading.rubric import ClassSpec, Rubric

POLICIES = ("not_counted", "penalty_per_day")
KEYS = ("policy", "penalty_per_day", "deadlines")
EXAMPLE = '"2026-10-07T23:59:00+02:00"'
NO_GIT = "folder bez historii git: terminy nie mogą być sprawdzone — oceniony obecny stan"
DAY_S = 86400
# Commits listed by name in a note about suspicious dates; the rest are counted.
MAX_LISTED = 10


@dataclass(frozen=True)
class Deadlines:
    """A validated deadlines file: the policy for late work, the share of a class's
    points lost per started day late (``penalty_per_day`` policy; 0 otherwise) and the
    time-zone-aware deadline of each class by id."""

    policy: str
    penalty_per_day: Decimal
    deadlines: dict[str, datetime]


@dataclass(frozen=True)
class _Commit:
    sha: str
    time: int


@dataclass(frozen=True)
class _Plan:
    """What to grade for one class: the commit (None: nothing before the deadline), the
    late-work text and the penalty in points before the cap."""

    spec: ClassSpec
    commit: str | None
    late: str | None = None
    penalty: Decimal = Decimal(0)
    days: int = 0


def load_deadlines(path: Path, class_ids: Collection[str]) -> Deadlines:
    """Read and validate the deadlines file. Raises InputError listing every wrong entry
    by name: unreadable YAML, unknown keys or class ids, a deadline without a time zone,
    an unknown policy, a missing or negative penalty."""
    try:
        raw = yaml.safe_load(Path(path).read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InputError(f"plik terminów {path}: nie da się wczytać: {error}") from None
    if not isinstance(raw, dict):
        raise InputError(f"plik terminów {path}: oczekiwany słownik z wpisami {', '.join(KEYS)}")
    problems = [
        f"nieznany klucz {key!r} (znane: {', '.join(KEYS)})" for key in raw if key not in KEYS
    ]
    policy = raw.get("policy")
    if policy not in POLICIES:
        problems.append(f"policy: {policy!r} — dozwolone: {', '.join(POLICIES)}")
    penalty = _penalty(raw, policy, problems)
    deadlines = _deadlines(raw.get("deadlines"), class_ids, problems)
    if problems:
        raise InputError(
            f"plik terminów {path} niepoprawny:\n" + "\n".join(f"- {p}" for p in problems)
        )
    return Deadlines(str(policy), penalty, deadlines)


def _penalty(raw: dict, policy: Any, problems: list[str]) -> Decimal:
    value = raw.get("penalty_per_day")
    if policy != "penalty_per_day":
        if "penalty_per_day" in raw:
            problems.append(
                "penalty_per_day: podany przy policy innym niż penalty_per_day — usuń go "
                "albo ustaw policy: penalty_per_day"
            )
        return Decimal(0)
    if value is None:
        problems.append(
            "penalty_per_day: brak — przy policy: penalty_per_day podaj udział punktów "
            "zajęć odejmowany za każdy rozpoczęty dzień spóźnienia, np. 0.1"
        )
        return Decimal(0)
    try:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidOperation
        share = Decimal(str(value))
    except InvalidOperation:
        share = Decimal(-1)
    if not share.is_finite() or share < 0:
        problems.append(f"penalty_per_day: {value!r} — oczekiwana liczba ≥ 0, np. 0.1")
        return Decimal(0)
    return share


def _deadlines(raw: Any, class_ids: Collection[str], problems: list[str]) -> dict[str, datetime]:
    if not isinstance(raw, dict):
        problems.append('deadlines: oczekiwany słownik numer zajęć → termin, np. "01": ' + EXAMPLE)
        return {}
    found: dict[str, datetime] = {}
    for key, value in raw.items():
        if not isinstance(key, str):
            problems.append(
                f"deadlines: klucz {key!r} nie jest tekstem — numer zajęć wpisz w "
                'cudzysłowie, np. "07" (bez cudzysłowu YAML czyta 07 jako liczbę)'
            )
            continue
        if key not in class_ids:
            problems.append(f"deadlines.{key}: nieznane zajęcia (znane: {', '.join(class_ids)})")
            continue
        when = value
        if isinstance(value, str):
            try:
                when = datetime.fromisoformat(value)
            except ValueError:
                problems.append(
                    f"deadlines.{key}: {value!r} nie jest datą i godziną ISO 8601, np. {EXAMPLE}"
                )
                continue
        if not isinstance(when, datetime):
            kind = "data bez godziny" if isinstance(when, date) else "nie jest terminem"
            problems.append(f"deadlines.{key}: {value!r} — {kind}; oczekiwane np. {EXAMPLE}")
        elif when.utcoffset() is None:
            problems.append(
                f"deadlines.{key}: {value!r} — termin bez strefy czasowej; dopisz ją, np. {EXAMPLE}"
            )
        else:
            found[key] = when
    return found


def grade_with_deadlines(
    path: Path,
    rubric: Rubric,
    deadlines: Deadlines,
    classes: Iterable[str] | None = None,
    now: datetime | None = None,
) -> RepoResult:
    """Grade the repository at ``path`` like :func:`grading.engine.grade_repository`, each
    class with a deadline on its snapshot at the deadline (see the module's docstring).

    Commits whose committer date is earlier than a parent's, or later than ``now``
    (time-zone aware; default: the current time), are listed in the notes: signs of
    rewritten dates. A folder without git history is graded as it is, with a note.
    """
    path = Path(path)
    wanted = {c.id for c in rubric.classes} if classes is None else set(classes)
    dated = [s for s in rubric.classes if s.id in wanted and s.id in deadlines.deadlines]
    head = git.head(path) if path.is_dir() else None
    if head is None:
        result = grade_repository(path, rubric, wanted)
        if result.error is None and dated:
            result.notes = [n for n in result.notes if n != UNDATED_NOTE]
            result.notes.append(NO_GIT)
        return result
    result = grade_repository(path, rubric, wanted - {s.id for s in dated})
    try:
        with tempfile.TemporaryDirectory(prefix="grading-deadlines-") as tmp:
            shadow = _shadow(path, Path(tmp) / "shadow")
            result.notes += _date_notes(shadow, head, now or datetime.now(UTC))
            plans = [_plan(shadow, head, spec, deadlines) for spec in dated]
            result.classes += _grade_plans(shadow, plans, Path(tmp), deadlines)
    except git.GitError as error:
        result.error = f"nie udało się odczytać historii git do sprawdzenia terminów: {error}"
    order = {spec.id: index for index, spec in enumerate(rubric.classes)}
    result.classes.sort(key=lambda c: order[c.id])
    return result


def _shadow(repo: Path, shadow: Path) -> Path:
    """A bare repository in ``shadow`` that reads the objects of ``repo`` (and its shallow
    boundary) and nothing of its configuration, hooks or refs."""
    shadow.mkdir()
    git.git(shadow, "init", "--quiet", "--bare", "--template=")
    objects, shallow = git.git(
        repo, "rev-parse", "--git-path", "objects", "--git-path", "shallow"
    ).splitlines()
    alternates = shadow / "objects" / "info" / "alternates"
    alternates.parent.mkdir(parents=True, exist_ok=True)
    alternates.write_text(str((repo / objects).resolve()) + "\n", encoding="utf-8")
    if (repo / shallow).is_file():
        shutil.copyfile(repo / shallow, shadow / "shallow")
    return shadow


def _date_notes(shadow: Path, head: str, now: datetime) -> list[str]:
    """Notes naming commits dated before a parent or after ``now``."""
    times: dict[str, int] = {}
    parents: dict[str, list[str]] = {}
    for line in git.git(shadow, "log", "--format=%H %ct %P", head).splitlines():
        sha, time, *rest = line.split()
        times[sha], parents[sha] = int(time), rest
    backwards = [s for s in times if any(times[s] < times.get(p, times[s]) for p in parents[s])]
    future = [s for s in times if times[s] > now.timestamp()]
    notes = []
    if backwards:
        notes.append(
            "data commitera wcześniejsza niż data commitu-rodzica (możliwe przepisane daty; "
            f"terminy liczone są po dacie commitera): {_shas(backwards)}"
        )
    if future:
        notes.append(
            f"commity z datą w przyszłości (po {_when(now)}; możliwe przepisane daty): "
            f"{_shas(future)}"
        )
    return notes


def _plan(shadow: Path, head: str, spec: ClassSpec, deadlines: Deadlines) -> _Plan:
    """Which commit grades ``spec`` and what is late. ``git log`` lists the commits in its
    usual newest-first walk; a commit counts as on time when its committer date (what
    ``git log --before`` filters on) is at or before the deadline."""
    deadline = deadlines.deadlines[spec.id]
    limit = deadline.timestamp()
    commits = [
        _Commit(sha, int(time))
        for sha, time in (
            line.split()
            for line in git.git(
                shadow, "log", "--format=%H %ct", head, "--", spec.folder
            ).splitlines()
        )
    ]
    on_time = next((c.sha for c in commits if c.time <= limit), None)
    late = [c for c in commits if c.time > limit]
    if not late:
        return _Plan(spec, on_time)
    last = max(late, key=lambda c: c.time)
    days = math.ceil((last.time - limit) / DAY_S)
    text = (
        f"{_count(len(late), 'commit', 'commity', 'commitów')} w {spec.folder} po terminie "
        f"{_when(deadline)}, ostatni {_when(datetime.fromtimestamp(last.time, deadline.tzinfo))}"
        f", {_count(days, 'rozpoczęty dzień', 'rozpoczęte dni', 'rozpoczętych dni')} po terminie"
    )
    if deadlines.policy == "not_counted":
        return _Plan(spec, on_time, f"{text}; praca po terminie nie jest liczona")
    penalty = days * deadlines.penalty_per_day * spec.points
    return _Plan(spec, commits[0].sha, text, penalty, days)


def _grade_plans(
    shadow: Path, plans: list[_Plan], tmp: Path, deadlines: Deadlines
) -> list[ClassResult]:
    """Grade each plan, one snapshot per distinct commit."""
    graded = []
    for plan in plans:
        if plan.commit is None:
            graded.append(_nothing_on_time(plan, deadlines))
    for commit in dict.fromkeys(p.commit for p in plans if p.commit is not None):
        snapshot = _snapshot(shadow, commit, tmp / commit)
        files = RepoFiles(snapshot)
        project = load_project(files)
        for plan in plans:
            if plan.commit == commit:
                graded.append(_penalised(grade_class(plan.spec, files, project), plan, deadlines))
                graded[-1].graded_commit = commit
        shutil.rmtree(snapshot)
    return graded


def _snapshot(shadow: Path, commit: str, target: Path) -> Path:
    """The tree of ``commit`` extracted into ``target``. Files larger than RepoFiles reads
    are left out of the archive and stand there as empty sparse files of their size (so
    the check says the file is too large); links leaving ``target`` are not extracted."""
    large = _large_files(shadow, commit)
    archive = target.with_name(target.name + ".tar")
    excludes = ["--", ".", *(f":(exclude,literal){name}" for name in large)] if large else []
    git.git(shadow, "archive", "--format=tar", f"--output={archive}", commit, *excludes)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter=_data_or_skip)
    archive.unlink()
    for name, size in large.items():
        placeholder = (target / name).resolve()
        if placeholder.is_relative_to(target.resolve()):
            placeholder.parent.mkdir(parents=True, exist_ok=True)
            with placeholder.open("wb") as handle:
                handle.truncate(size)
    return target


def _large_files(shadow: Path, commit: str) -> dict[str, int]:
    large = {}
    for line in git.git(shadow, "ls-tree", "-r", "-l", commit).splitlines():
        meta, _, name = line.partition("\t")
        size = meta.split()[3]
        if size.isdigit() and int(size) > MAX_BYTES:
            large[_unquote(name)] = int(size)
    return large


def _unquote(name: str) -> str:
    """A path as ``git ls-tree`` prints it (C-quoted when unusual) back to the file name."""
    if not name.startswith('"'):
        return name
    raw = name[1:-1].encode("ascii").decode("unicode_escape").encode("latin-1")
    return raw.decode("utf-8", "surrogateescape")


def _data_or_skip(member: tarfile.TarInfo, destination: str) -> tarfile.TarInfo | None:
    try:
        return tarfile.data_filter(member, destination)
    except tarfile.FilterError:
        return None


def _nothing_on_time(plan: _Plan, deadlines: Deadlines) -> ClassResult:
    spec = plan.spec
    message = f"brak commitów w {spec.folder} przed terminem {_when(deadlines.deadlines[spec.id])}"
    checks = [
        CheckResult(
            c.id, Decimal(0), c.points, "fail", message, (Evidence(file=spec.folder),), c.mode
        )
        for c in spec.checks
    ]
    return ClassResult(spec.id, spec.title, Decimal(0), spec.points, checks, None, plan.late)


def _penalised(graded: ClassResult, plan: _Plan, deadlines: Deadlines) -> ClassResult:
    """The class with its late-work text and, under ``penalty_per_day``, its points less
    the penalty (at most the points of its checks), the sum spelled out in ``late``."""
    graded.late = plan.late
    if plan.late is None or deadlines.policy != "penalty_per_day":
        return graded
    earned = graded.points
    applied = min(plan.penalty, earned)
    graded.points = earned - applied
    graded.late += (
        f"; kara: {plan.days} × {pl(deadlines.penalty_per_day)} × {pl(graded.max)} pkt = "
        f"{pl(plan.penalty)} pkt"
        + (f", ograniczona do {pl(applied)} pkt za sprawdzenia" if applied < plan.penalty else "")
        + f"; wynik zajęć: {pl(earned)} − {pl(applied)} = {pl(graded.points)} pkt"
    )
    return graded


def _when(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="minutes")


def _shas(shas: list[str]) -> str:
    listed = ", ".join(s[:12] for s in shas[:MAX_LISTED])
    rest = len(shas) - MAX_LISTED
    return listed + (f" i {rest} innych" if rest > 0 else "")


def _count(n: int, one: str, few: str, many: str) -> str:
    """``n`` with the Polish plural form: 1 commit, 2 commity, 5 commitów, 22 commity."""
    if n == 1:
        return f"{n} {one}"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} {few}"
    return f"{n} {many}"
