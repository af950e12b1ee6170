"""Scoring every pair of a batch: the Jaccard index of their shingles per category, the
pooled overall score, and whether the instructor should look.

Measure: k-gram shingles and the Jaccard index (Broder 1997; the fingerprinting of MOSS,
Schleimer et al. 2003, without its winnowing, since every k-gram is kept): a file becomes
a stream of tokens, every run of ``k`` consecutive tokens is one shingle, and the score of
a category is |A and B| / |A or B| of the two repositories' shingle sets — the share of the
passages either wrote that both wrote, 0 to 1. It is explainable ("half of the passages
are the same"), symmetric, and insensitive to the order of files and cells. The overall
score pools the categories that both repositories have (the sums of intersections over
the sums of unions), so a large copied module weighs more than a copied five-line
Dockerfile.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator, Sequence

from grading.similarity.categories import CATEGORIES
from grading.similarity.evidence import shared_evidence
from grading.similarity.model import Pair, Repository

# A pair whose score in some category reaches this is listed for the instructor. Jaccard
# 0.5: half of all the passages the two wrote beyond the reference are the same. Copies
# with renamed variables score 0.8-1; separately written work on the same task, with the
# reference subtracted, stays below 0.1 (grading/tests/test_similarity.py builds both).
THRESHOLD = 0.5


def scored_pairs(repositories: list[Repository], threshold: float) -> Iterator[Pair]:
    """Every pair of ``repositories`` scored (in the order of the list), flagged when a
    category reaches ``threshold`` or the two share generated evidence."""
    shared = shared_evidence(repositories)
    masks = {c.id: _bitmasks([r.shingles[c.id] for r in repositories]) for c in CATEGORIES}
    for (i, a), (j, b) in itertools.combinations(enumerate(repositories), 2):
        scores: dict[str, float | None] = {}
        common = total = 0
        for category in CATEGORIES:
            if not (a.compared(category.id) and b.compared(category.id)):
                scores[category.id] = None
                continue
            both = (masks[category.id][i] & masks[category.id][j]).bit_count()
            union = len(a.shingles[category.id]) + len(b.shingles[category.id]) - both
            scores[category.id] = both / union
            common, total = common + both, total + union
        overall = common / total if total else None
        found = tuple(shared.get((i, j), ()))
        flagged = bool(found) or any(s is not None and s >= threshold for s in scores.values())
        yield Pair(a.name, b.name, scores, overall, found, flagged)


def _bitmasks(sets: Sequence[frozenset[int]]) -> list[int]:
    """Each of ``sets`` as an integer with a bit for each of its shingles that another
    set also holds: a pair's intersection is then ``(a & b).bit_count()``, one operation
    in C where a set intersection looks each shingle up (100 synthetic repositories: 1.3 s
    to build the masks and 0.04 s for the 4950 pairs, against 4.1 s of intersections).
    Shingles of one set only never meet another, so they get no bit."""
    held = Counter(itertools.chain.from_iterable(sets))
    index = {shingle: bit for bit, shingle in enumerate(s for s, n in held.items() if n > 1)}
    masks = []
    for found in sets:
        bits = bytearray(len(index) // 8 + 1)
        for bit in (index[s] for s in found if held[s] > 1):
            bits[bit >> 3] |= 1 << (bit & 7)
        masks.append(int.from_bytes(bits, "little"))
    return masks
