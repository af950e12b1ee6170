"""Deadlines: each class graded as it was committed by its deadline.

The instructor's deadlines file (YAML) names a policy and a deadline per class::

    policy: not_counted        # or penalty_per_day
    penalty_per_day: 0.1       # only with penalty_per_day
    deadlines:
      "01": "2026-10-07T23:59:00+02:00"

The commits reachable from HEAD that touch a class's folder are taken in topological
order, oldest first (``git log --topo-order --reverse``). A commit is on time when its
committer date is at or before the deadline. The first commit that is not, and every
commit after it, is late work — also a commit dated before the deadline on top of a late
one: its date was set back (such dates are also listed in the notes). The class is graded
on a snapshot of the repository as it stood at the deadline — the last commit of the whole
history (same order) before its first commit dated after the deadline — so its folder is
as last committed on time and ``projekt.yaml`` as it was at the deadline. Under
``not_counted`` the late work is ignored; without any commit before it every check fails,
but run-mode checks stay not evaluated, as in the engine. Under
``penalty_per_day`` the newest commit touching the folder is graded and the class loses
``penalty_per_day`` × the points it could earn in this grading — the maximum of its
checks that were evaluated, not counting run-mode checks a static grading skips — for
every started day between the deadline and the latest committer date of the late work.
The penalty is rounded half up to 0.01 pkt and takes at most what the checks earned.
Classes without a deadline are graded on the working tree as
:func:`grading.engine.grade_repository` does.

The student's repository is only read. Every git command runs in a :func:`grading.git.shadow`
repository that borrows the student's objects but none of their configuration: a student's
configuration may name filter drivers that ``git archive`` would execute, or replace refs
that would swap commits.
"""

from __future__ import annotations

import math
import shutil
import tarfile
import tempfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from grading import git
from grading.checks.base import Context
from grading.engine import DIRTY, NOT_EVALUATED, RepoResult, grade_class, grade_repository
from grading.engine import NO_GIT as UNDATED_NOTE
from grading.model import CENT, CheckResult, ClassResult, Evidence, InputError
from grading.polish import pl, plural, read_problem, shown
from grading.project import load_project
from grading.repo_files import MAX_BYTES, RepoFiles
from grading.rubric import ClassSpec, Rubric

POLICIES = ("not_counted", "penalty_per_day")
KEYS = ("policy", "penalty_per_day", "deadlines")
EXAMPLE = '"2026-10-07T23:59:00+02:00"'
NO_GIT = "folder bez historii git: terminy nie mogą być sprawdzone — oceniony obecny stan"
DAY_S = 86400
# How the engine's note on uncommitted changes in the work tree starts.
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
    late-work text and, under ``penalty_per_day``, the started days late."""

    spec: ClassSpec
    commit: str | None
    late: str | None = None
    days: int = 0


def load_deadlines(path: Path, class_ids: Collection[str]) -> Deadlines:
    """Read and validate the deadlines file. Raises InputError listing every wrong entry
    by name: unreadable YAML, unknown keys or class ids, a deadline without a time zone,
    an unknown policy, a missing penalty or one outside [0, 1]."""
    try:
        raw = yaml.safe_load(Path(path).read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InputError(f"plik terminów {path}: {read_problem(error)}") from None
    if not isinstance(raw, dict):
        raise InputError(f"plik terminów {path}: oczekiwany słownik z wpisami {', '.join(KEYS)}")
    problems = [
        f"nieznany klucz {key!r} (znane: {', '.join(KEYS)})" for key in raw if key not in KEYS
    ]
    policy = raw.get("policy")
    if policy not in POLICIES:
        problems.append(f"policy: {shown(policy)} — dozwolone: {', '.join(POLICIES)}")
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
    if not share.is_finite() or not 0 <= share <= 1:
        problems.append(
            f"penalty_per_day: {shown(value)} — oczekiwany udział punktów od 0 do 1, np. 0.1"
        )
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
    undated = wanted - {s.id for s in dated}
    result = grade_repository(path, rubric, undated)
    if not undated:  # no class graded on the work tree: its uncommitted changes do not matter
        result.notes = [n for n in result.notes if not n.startswith(DIRTY)]
    try:
        with (
            git.shadow(path) as shadow,
            tempfile.TemporaryDirectory(prefix="grading-deadlines-") as tmp,
        ):
            result.notes += _date_notes(shadow, head, now or datetime.now(UTC))
            plans = [_plan(shadow, head, spec, deadlines) for spec in dated]
            result.classes += _grade_plans(shadow, plans, Path(tmp), deadlines)
    except git.GitError as error:
        result.error = f"nie udało się odczytać historii git do sprawdzenia terminów: {error}"
    order = {spec.id: index for index, spec in enumerate(rubric.classes)}
    result.classes.sort(key=lambda c: order[c.id])
    return result


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
    """Which commit grades ``spec`` and what is late (see the module's docstring). A commit
    counts as on time when its committer date (what ``git log --before`` filters on) is at
    or before the deadline; the order is the history's, not the dates'."""
    deadline = deadlines.deadlines[spec.id]
    limit = deadline.timestamp()
    history = [
        _Commit(sha, int(time))
        for sha, time in (
            line.split()
            for line in git.git(
                shadow, "log", "--topo-order", "--reverse", "--format=%H %ct", head
            ).splitlines()
        )
    ]
    log = git.git(
        shadow, "log", "--topo-order", "--reverse", "--format=%H %ct", head, "--", spec.folder
    )
    commits = [_Commit(sha, int(time)) for sha, time in (line.split() for line in log.splitlines())]
    first_late = next((i for i, c in enumerate(commits) if c.time > limit), len(commits))
    on_time = _state_at_deadline(history, limit) if first_late else None
    late = commits[first_late:]
    if not late:
        return _Plan(spec, on_time)
    last = max(late, key=lambda c: c.time)
    backdated = sum(c.time <= limit for c in late)
    days = math.ceil((last.time - limit) / DAY_S)
    text = (
        f"{plural(len(late), 'commit', 'commity', 'commitów')} w {spec.folder} po terminie "
        f"{_when(deadline)}"
        + (
            f" (w tym {backdated} z datą przed terminem, choć po commicie spóźnionym — "
            "możliwe przepisane daty)"
            if backdated
            else ""
        )
        + f", ostatni {_when(datetime.fromtimestamp(last.time, deadline.tzinfo))}"
        f", {plural(days, 'rozpoczęty dzień', 'rozpoczęte dni', 'rozpoczętych dni')} po terminie"
    )
    if deadlines.policy == "not_counted":
        return _Plan(spec, on_time, f"{text}; praca po terminie nie jest liczona")
    return _Plan(spec, commits[-1].sha, text, days)


def _state_at_deadline(history: list[_Commit], limit: float) -> str | None:
    """The last commit of the repository's history (oldest first) before its first commit
    dated after ``limit``: the class is graded as the whole repository stood at the
    deadline, so an on-time fix of projekt.yaml outside the class folder counts too."""
    end = next((i for i, c in enumerate(history) if c.time > limit), len(history))
    return history[end - 1].sha if end else None


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
                graded_class = grade_class(plan.spec, Context(files, project.data), project)
                graded.append(_penalised(graded_class, plan, deadlines))
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
    """Every static check fails (nothing was committed in time); a run-mode check stays
    not evaluated, as the engine reports it."""
    spec = plan.spec
    message = f"brak commitów w {spec.folder} przed terminem {_when(deadlines.deadlines[spec.id])}"
    checks = [
        CheckResult(c.id, Decimal(0), c.points, "skipped", NOT_EVALUATED, (), c.mode)
        if c.mode == "run"
        else CheckResult(
            c.id, Decimal(0), c.points, "fail", message, (Evidence(file=spec.folder),), c.mode
        )
        for c in spec.checks
    ]
    return ClassResult(spec.id, spec.title, Decimal(0), spec.points, checks, None, plan.late)


def evaluated_max(checks: Iterable[CheckResult]) -> Decimal:
    """The points a class could earn in this grading: the maximum of its checks that
    were evaluated (not ``skipped``) — the base of a ``penalty_per_day`` penalty."""
    return sum((c.max for c in checks if c.status != "skipped"), Decimal(0))


def late_penalty(share: Decimal, checks: Iterable[CheckResult]) -> Decimal:
    """``share`` (started days × ``penalty_per_day``) of :func:`evaluated_max`, rounded
    half up to 0.01 pkt, before it is capped at what the checks earned."""
    return (share * evaluated_max(checks)).quantize(CENT, rounding=ROUND_HALF_UP)


def _penalised(graded: ClassResult, plan: _Plan, deadlines: Deadlines) -> ClassResult:
    """The class with its late-work text and, under ``penalty_per_day``, its points less
    the penalty (at most the points of its checks), the sum spelled out in ``late``."""
    graded.late = plan.late
    if plan.late is None or deadlines.policy != "penalty_per_day":
        return graded
    share = plan.days * deadlines.penalty_per_day
    base = evaluated_max(graded.checks)
    penalty = late_penalty(share, graded.checks)
    earned = graded.points
    applied = min(penalty, earned)
    graded.points = (earned - applied).quantize(CENT)
    graded.late_share = share
    skipped = sum((c.max for c in graded.checks if c.status == "skipped"), Decimal(0))
    graded.late += (
        f"; kara: {plan.days} × {pl(deadlines.penalty_per_day)} × {pl(base)} pkt "
        "(maksimum ocenianych sprawdzeń"
        + (f"; {pl(skipped)} pkt nieocenionych się nie liczy" if skipped else "")
        + f") = {pl(penalty)} pkt"
        + (f", ograniczona do {pl(applied)} pkt za sprawdzenia" if applied < penalty else "")
        + f"; wynik zajęć: {pl(earned)} − {pl(applied)} = {pl(graded.points)} pkt"
    )
    return graded


def _when(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="minutes")


def _shas(shas: list[str]) -> str:
    listed = ", ".join(s[:12] for s in shas[:MAX_LISTED])
    rest = len(shas) - MAX_LISTED
    return listed + (f" i {rest} innych" if rest > 0 else "")
