"""The records of a comparison: the :class:`Reference` subtracted, each
:class:`Repository` as compared, each :class:`Pair` scored and the whole batch
(:class:`Similarity`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from grading.project import Project

# Below this many shingles left after the subtraction, a category is too small to compare
# (a couple of lines of code): any two such remainders look alike or unlike by chance.
MIN_SHINGLES = 20


@dataclass(frozen=True)
class Reference:
    """The reference repository read like a student's: per language its normalised
    ``lines`` and its ``shingles``; the sha256 ``digests`` of its files (a student's file
    equal to one of them has nothing of its own); the ``values`` and ``checksums`` of its
    evidence. ``empty`` when it has no class files at all (then nothing is subtracted)."""

    root: Path
    project: Project
    lines: Mapping[str, frozenset[str]]
    shingles: Mapping[str, frozenset[int]]
    digests: frozenset[str]
    values: frozenset[str]
    checksums: frozenset[str]
    empty: bool


@dataclass
class Repository:
    """One repository as compared: its own ``shingles`` (after the subtraction) and the
    number of ``files`` read per category id; its evidence: model ``checksums`` (16-digit
    keys) and, per evidence file (``kind:path``), its precise ``values``; ``notes`` in
    Polish (a missing ``projekt.yaml``, files that could not be read)."""

    name: str
    shingles: dict[str, frozenset[int]] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)
    checksums: frozenset[str] = frozenset()
    values: dict[str, frozenset[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def compared(self, category: str) -> bool:
        return len(self.shingles.get(category, ())) >= MIN_SHINGLES


@dataclass(frozen=True)
class Pair:
    """Two repositories: Jaccard ``scores`` per category id (None: not compared, too
    little own text in one of them), the pooled ``overall`` score, the shared generated
    ``evidence`` (Polish descriptions) and whether the instructor should look
    (``flagged``)."""

    a: str
    b: str
    scores: dict[str, float | None]
    overall: float | None
    evidence: tuple[str, ...]
    flagged: bool

    @property
    def top(self) -> float:
        return max((s for s in self.scores.values() if s is not None), default=0.0)


@dataclass(frozen=True)
class Similarity:
    """A batch compared: its ``repositories``, every ``pairs`` (flagged first, then by
    their highest category score and overall score), the ``threshold`` used, the
    ``reference`` and the time it took in ``seconds``."""

    repositories: list[Repository]
    pairs: list[Pair]
    threshold: float
    reference: Reference
    seconds: float
