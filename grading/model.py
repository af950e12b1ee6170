"""The records a grading run produces: what one check found, and its place in the rubric.

A check function returns an :class:`Outcome` (the share of its points earned, a Polish
message, the evidence); the engine turns it into a :class:`CheckResult` with points and a
status. Points are exact decimals (:class:`decimal.Decimal`): a rubric of 0.5-point items
must add up to exactly 100, which binary floats do not promise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

Status = Literal["pass", "fail", "error", "skipped", "timeout"]
STATUSES: tuple[Status, ...] = ("pass", "fail", "error", "skipped", "timeout")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Evidence:
    """Where a finding is: a file (relative to the repository), line or notebook cell
    (1-based), the command run, a short excerpt. Every field is optional."""

    file: str | None = None
    line: int | None = None
    cell: int | None = None
    command: str | None = None
    excerpt: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Outcome:
    """What a check found: ``score`` is the share of the check's points earned, from 0
    to 1; ``message`` (Polish) says what passed or, when not all did, how to fix it;
    ``review`` asks the instructor to look (e.g. a conftest that rewrites test reports)."""

    score: Fraction
    message: str
    evidence: tuple[Evidence, ...] = ()
    review: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.score <= 1:
            raise ValueError(f"score {self.score} outside [0, 1]")

    @classmethod
    def passed(cls, message: str, *evidence: Evidence) -> Outcome:
        return cls(Fraction(1), message, evidence)

    @classmethod
    def failed(cls, message: str, *evidence: Evidence) -> Outcome:
        return cls(Fraction(0), message, evidence)

    @classmethod
    def for_review(cls, message: str, *evidence: Evidence) -> Outcome:
        """No points automatically; the instructor decides (an override)."""
        return cls(Fraction(0), message, evidence, review=True)

    @classmethod
    def share(cls, done: int, total: int, message: str, *evidence: Evidence) -> Outcome:
        """``done`` of ``total`` parts met (``total`` > 0)."""
        return cls(Fraction(min(done, total), total), message, evidence)


class StudentError(Exception):
    """The student's repository is why a check cannot pass: a missing or unreadable file,
    a symlink leaving the repository, a binary file where text belongs. The check fails
    with this Polish message; it is not an error of the grader."""

    def __init__(self, message: str, evidence: Evidence | None = None):
        super().__init__(message)
        self.message = message
        self.evidence = evidence


@dataclass(frozen=True)
class CheckResult:
    """One rubric check graded: the record of the JSON result and of the feedback."""

    id: str
    points: Decimal
    max: Decimal
    status: Status
    message: str
    evidence: tuple[Evidence, ...] = ()
    mode: str = "static"
    review: bool = False

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "points": str(self.points),
            "max": str(self.max),
            "status": self.status,
            "mode": self.mode,
            "review": self.review,
            "evidence": [e.as_dict() for e in self.evidence],
            "message": self.message,
        }


def points_for(score: Fraction, maximum: Decimal) -> Decimal:
    """The points a share earns, rounded half up to a hundredth of a point."""
    exact = Fraction(maximum) * score
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


@dataclass
class ClassResult:
    """One class graded. ``late`` says what was late; ``late_share`` is the share of the
    class's evaluated points lost for it (started days × ``penalty_per_day``, before the
    cap), None without a penalty — an override re-applies it (:mod:`grading.overrides`)."""

    id: str
    title: str
    points: Decimal
    max: Decimal
    checks: list[CheckResult] = field(default_factory=list)
    graded_commit: str | None = None
    late: str | None = None
    late_share: Decimal | None = None


class NotRunnable(Exception):
    """A run-mode check cannot run for a reason outside what it grades: an earlier
    stage it builds on did not succeed, or the repository's time budget ran out. The
    check is ``skipped`` with this Polish message, its points outside the evaluated
    maximum."""


class InputError(Exception):
    """An instructor's input file (deadlines, overrides) is invalid; the Polish message
    names the entry."""
