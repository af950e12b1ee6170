"""Grading one repository: every rubric check run in isolation, summed per class.

Isolation: a check that raises :class:`grading.model.StudentError` fails with the
student-facing message; any other exception is the grader's own ``error`` — with its
points withheld and a message saying it is not the student's fault — never a silent 0.
In a static grading, run-mode checks are listed as ``skipped`` ("nie oceniono") with their
points outside ``evaluated_max``: a static grading never reports a behaviour as passed.
With ``run`` settings (``--run``) they execute the student's code in a sandbox
(:mod:`grading.runs`); one that cannot run for a reason outside what it grades raises
:class:`grading.model.NotRunnable` and is ``skipped`` with that reason. A static check
running longer than :data:`CHECK_TIMEOUT_S` (a pathological file) is stopped with status
``timeout`` when grading runs in the main thread, as it does in the command line; a
run-mode check has its own timeouts, inside the repository's budget.
"""

from __future__ import annotations

import signal
import threading
import traceback
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from grading import GRADER_VERSION, git
from grading.checks import KINDS
from grading.checks.base import Context
from grading.environment import RunUnavailable
from grading.model import (
    CENT,
    CheckResult,
    ClassResult,
    Evidence,
    NotRunnable,
    StudentError,
    points_for,
)
from grading.project import PROJECT_FILE, Project, load_project
from grading.repo_files import RepoFiles
from grading.rubric import PROJECT_PREFIX, Check, ClassSpec, Rubric, project_entry, score_100
from grading.runs import RunSession, RunSettings

SCHEMA_VERSION = 1
NO_GIT = "folder bez historii git: oceniony w obecnym stanie"
DIRTY = "niezatwierdzone zmiany w folderze: oceniony obecny stan plików, a nie sam commit"
CHECK_TIMEOUT_S = 30
NOT_EVALUATED = (
    "nie oceniono: to sprawdzenie uruchamia Twój kod (tryb --run); ocena statyczna go "
    "nie liczy — ani na plus, ani na minus"
)
REVIEW = "do ręcznego sprawdzenia"


@dataclass
class RepoResult:
    """The grading of one repository: classes with their checks, and what was graded."""

    repository: str
    path: str
    rubric_sha256: str
    classes: list[ClassResult] = field(default_factory=list)
    project_problems: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    graded_commit: str | None = None
    error: str | None = None
    mode: str = "static"

    @property
    def total(self) -> Decimal:
        return sum((c.points for c in self.classes), Decimal(0)).quantize(CENT)

    @property
    def max(self) -> Decimal:
        return sum((c.max for c in self.classes), Decimal(0))

    @property
    def score_100(self) -> Decimal:
        """The total on a 100-point scale (the rubric's total is 110, see rubric.py)."""
        return score_100(self.total, self.max)

    @property
    def evaluated_max(self) -> Decimal:
        return sum(
            (k.max for c in self.classes for k in c.checks if k.status != "skipped"), Decimal(0)
        )

    @property
    def status(self) -> str:
        """``error`` when the repository could not be graded or a check broke the grader;
        ``graded`` otherwise."""
        broken = any(k.status == "error" for c in self.classes for k in c.checks)
        return "error" if self.error or broken else "graded"

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "grader_version": GRADER_VERSION,
            "rubric_sha256": self.rubric_sha256,
            "repository": self.repository,
            "path": self.path,
            "mode": self.mode,
            "status": self.status,
            "error": self.error,
            "total": str(self.total),
            "max": str(self.max),
            "score_100": str(self.score_100),
            "evaluated_max": str(self.evaluated_max),
            "graded_commit": self.graded_commit,
            "graded_commits": {c.id: c.graded_commit for c in self.classes},
            "project_problems": self.project_problems,
            "notes": self.notes,
            "classes": [
                {
                    "id": c.id,
                    "title": c.title,
                    "points": str(c.points),
                    "max": str(c.max),
                    "graded_commit": c.graded_commit,
                    "late": c.late,
                    "late_share": None if c.late_share is None else str(c.late_share),
                }
                for c in self.classes
            ],
            "checks": [k.as_dict() for c in self.classes for k in c.checks],
        }


def result_from_dict(data: Mapping[str, Any]) -> RepoResult:
    """A :class:`RepoResult` back from :meth:`RepoResult.as_dict` (a stored JSON result or
    a worker process's output). Raises KeyError/ValueError on another schema."""
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(f"schema_version {data.get('schema_version')!r}")
    checks: dict[str, list[CheckResult]] = {}
    for check in data["checks"]:
        checks.setdefault(check["id"].split(".")[0], []).append(
            CheckResult(
                check["id"],
                Decimal(check["points"]),
                Decimal(check["max"]),
                check["status"],
                check["message"],
                tuple(Evidence(**evidence) for evidence in check["evidence"]),
                check["mode"],
                check.get("review", False),
            )
        )
    result = RepoResult(
        data["repository"],
        data.get("path", ""),
        data["rubric_sha256"],
        project_problems=dict(data["project_problems"]),
        notes=list(data["notes"]),
        graded_commit=data["graded_commit"],
        error=data["error"],
        mode=data["mode"],
    )
    result.classes = [
        ClassResult(
            c["id"],
            c["title"],
            Decimal(c["points"]),
            Decimal(c["max"]),
            checks.get(c["id"], []),
            c["graded_commit"],
            c["late"],
            None if c.get("late_share") is None else Decimal(c["late_share"]),
        )
        for c in data["classes"]
    ]
    return result


def grade_repository(
    path: Path,
    rubric: Rubric,
    classes: Iterable[str] | None = None,
    run: RunSettings | None = None,
) -> RepoResult:
    """Grade the repository at ``path`` (only ``classes`` when given): statically, or
    with the run mode too when ``run`` settings are given."""
    path = Path(path)
    result = RepoResult(path.resolve().name, str(path), rubric.sha256)
    result.mode = "run" if run else "static"
    wanted = set(classes) if classes is not None else None
    if not path.is_dir():
        result.error = f"{path} nie jest folderem"
        return result
    files = RepoFiles(path)
    project = load_project(files)
    result.project_problems = dict(project.problems)
    if not project.found:
        result.notes.append(
            f"brak {PROJECT_FILE}: sprawdzenia, które z niego czytają, nie przechodzą"
        )
    result.graded_commit = git.head(path)
    if result.graded_commit is None:
        result.notes.append(NO_GIT)
    elif not git.is_clean(path):
        result.notes.append(f"{DIRTY} {result.graded_commit[:12]}")
    if not project.found and not any(files.is_dir(spec.folder) for spec in rubric.classes):
        result.notes.append(
            "to nie wygląda na repozytorium studenta: nie ma projekt.yaml ani żadnego folderu "
            "zajęć — sprawdź ścieżkę"
        )
    specs = [spec for spec in rubric.classes if wanted is None or spec.id in wanted]
    if run is None:
        context = Context(files, project.data)
        result.classes = [grade_class(spec, context, project) for spec in specs]
    else:
        try:
            with RunSession(path, run) as session:
                context = Context(files, project.data, session)
                result.classes = [grade_class(spec, context, project) for spec in specs]
        except RunUnavailable as error:
            result.error = f"tryb --run nie może ruszyć: {error}"
            return result
    for graded in result.classes:
        graded.graded_commit = result.graded_commit
    result.notes += [
        f"{REVIEW}: {check.id} — {check.message}"
        for graded in result.classes
        for check in graded.checks
        if check.review
    ]
    return result


def grade_class(spec: ClassSpec, context: Context, project: Project) -> ClassResult:
    """Every check of one class. Without the class folder the checks still run (a student
    may declare files elsewhere in projekt.yaml); what fails says the folder is missing."""
    files = context.files
    checks = [grade_check(check, context, project) for check in spec.checks]
    if not files.is_dir(spec.folder):
        missing = f"brak folderu {spec.folder} (zajęcia {spec.id} nieoddane); "
        checks = [
            replace(check, message=missing + check.message) if check.status == "fail" else check
            for check in checks
        ]
    points = sum((c.points for c in checks), Decimal(0)).quantize(CENT)
    return ClassResult(spec.id, spec.title, points, spec.points, checks)


def grade_check(check: Check, context: Context, project: Project) -> CheckResult:
    """One check, isolated: whatever it raises becomes this check's record."""
    kind = KINDS[check.kind]
    if kind.mode == "run" and context.run is None:
        return _record(check, Decimal(0), "skipped", NOT_EVALUATED)
    try:
        params = resolve_params(check.params, project)
        with _time_limit(CHECK_TIMEOUT_S if kind.mode == "static" else None):
            outcome = kind.function(context, params)
    except CheckTimeout:
        return _record(
            check,
            Decimal(0),
            "timeout",
            f"sprawdzenie przerwane po {CHECK_TIMEOUT_S} s: oceniany plik jest zbyt duży albo "
            "zbyt złożony (np. bardzo długie wyrażenie) — uprość go",
        )
    except StudentError as error:
        evidence = (error.evidence,) if error.evidence else ()
        return _record(check, Decimal(0), "fail", error.message, evidence)
    except NotRunnable as reason:
        return _record(check, Decimal(0), "skipped", f"nie oceniono: {reason}")
    except Exception as error:
        where = traceback.extract_tb(error.__traceback__)[-1]
        return _record(
            check,
            Decimal(0),
            "error",
            "błąd narzędzia oceniania, nie Twój — punkty wstrzymane do wyjaśnienia; zgłoś "
            f"prowadzącemu: {type(error).__name__}: {error} "
            f"({Path(where.filename).name}:{where.lineno})",
        )
    points = points_for(outcome.score, check.points)
    status = "pass" if outcome.score == 1 else "fail"
    return replace(
        _record(check, points, status, outcome.message, outcome.evidence), review=outcome.review
    )


class CheckTimeout(Exception):
    """A check ran out of time (raised by the alarm of :func:`_time_limit`)."""


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise CheckTimeout in the block after ``seconds`` — with SIGALRM, so only in the
    main thread (elsewhere the block runs unlimited; batch workers grade in their main
    thread). None: no limit here (a run-mode check times its own commands)."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise CheckTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def resolve_params(params: Mapping[str, Any], project: Project) -> dict[str, Any]:
    """The parameters with each ``projekt:entry`` value replaced by the student's entry,
    and each ``projekt?:entry`` too — or left out when the file has no such entry.
    Raises StudentError naming the entry when it is missing (``projekt:``) or wrong."""
    resolved = {}
    for name, value in params.items():
        entry = project_entry(value)
        if not entry:
            resolved[name] = value
        elif value.startswith(PROJECT_PREFIX) or project.declares(entry):
            resolved[name] = project.value(entry)
    return resolved


def _record(
    check: Check, points: Decimal, status: str, message: str, evidence: tuple[Evidence, ...] = ()
) -> CheckResult:
    return CheckResult(
        check.id, points.quantize(CENT), check.points, status, message, evidence, check.mode
    )  # type: ignore[arg-type]
