"""A batch compared: the reference and every repository read once, then every pair
scored (:func:`compare`)."""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from grading.similarity.model import Similarity
from grading.similarity.reading import read_repository
from grading.similarity.reference import read_reference
from grading.similarity.scoring import THRESHOLD, scored_pairs
from grading.similarity.tokens import Reader


def compare(
    repositories: Sequence[tuple[str, Path]], reference: Path, threshold: float = THRESHOLD
) -> Similarity:
    """Compare every pair of ``repositories`` (name, folder) with ``reference``'s text
    subtracted. Each repository is read once; a repository that cannot be read at all is
    a row with a note, never an exception."""
    started = time.monotonic()
    reader = Reader()
    with _without_cycle_collection():
        ref = read_reference(reference, reader)
        read = [read_repository(name, path, ref, reader) for name, path in repositories]
        pairs = sorted(
            scored_pairs(read, threshold),
            key=lambda p: (not p.flagged, -p.top, -(p.overall or 0.0), p.a, p.b),
        )
    return Similarity(read, pairs, threshold, ref, time.monotonic() - started)


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused: reading a batch creates millions of tuples
    and strings (none in a cycle; reference counting frees them), and the collector's
    passes over them took nearly half of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
