"""Identical generated evidence: model checksums and precise numbers.

The model card, the monitoring and retraining reports
(JSON and Markdown) and the final report are searched for model checksums and precise
numbers (:func:`evidence`). Two repositories sharing a model checksum, or a file of the
same kind whose precise numbers they mostly share, are flagged — unless the value is also
in the reference's evidence: the flights track run on the default data legitimately
reproduces the reference's numbers.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from grading.model import StudentError
from grading.project import Project
from grading.repo_files import RepoFiles
from grading.similarity.files import declared_path
from grading.similarity.model import Repository

# Evidence numbers: written with at least this many decimals and as many significant
# digits (``0,7063`` counts, ``0,0097`` and ``0,5000`` do not: too easily equal by chance).
PRECISE_DIGITS = 4
# Two evidence files of the same kind are "the same numbers" when they share at least
# MIN_SHARED_VALUES precise values not in the reference, and these are at least
# MIN_SHARED_SHARE of the smaller file's: one equal 4-decimal value happens by chance in
# about one pair of 10,000, and a batch of 100 repositories has 4,950 pairs.
MIN_SHARED_VALUES = 2
MIN_SHARED_SHARE = 0.5
# The evidence a pipeline generates, by kind: a file or a folder of reports.
EVIDENCE_ENTRIES = {
    "model_card": "artifacts.model_card",
    "monitoring_reports": "artifacts.monitoring_reports",
    "retraining_reports": "artifacts.retraining_reports",
    "final_report": "artifacts.final_report",
}
EVIDENCE_LABELS = {
    "model_card": "karta modelu",
    "monitoring_reports": "raporty monitoringu",
    "retraining_reports": "raporty dotrenowania",
    "final_report": "raport końcowy",
}
_EVIDENCE_SUFFIXES = (".json", ".md")
# A SHA-256 in full, or abbreviated to its first 16 digits as the course's reports print
# it (``8e245b398e0a73fb…``); keyed by those 16 digits. A 40-digit git commit is neither.
_CHECKSUM = re.compile(r"(?<![0-9a-f])([0-9a-f]{64}|[0-9a-f]{16}(?=…|\.\.\.))(?![0-9a-f])", re.I)
_DECIMAL = re.compile(r"(?<![\w.,])\d++[.,]\d++(?![\w.,]\d)")


@dataclass(frozen=True)
class Evidence:
    """The generated evidence of a repository: the precise ``values`` of each evidence
    file (by ``kind:path``), the ``model_checksums`` and every checksum found
    (``checksums``: whatever the reference holds is never flagged)."""

    values: dict[str, frozenset[str]]
    model_checksums: frozenset[str]
    checksums: frozenset[str]


def evidence(files: RepoFiles, project: Project, defaults: Project) -> Evidence:
    """The evidence files of :data:`EVIDENCE_ENTRIES` (a folder: its JSON and Markdown
    files) and what they hold. A value is a number written with at least PRECISE_DIGITS
    decimals and significant digits. A model checksum is a SHA-256 (or its 16-digit
    abbreviation) on a Markdown line — or in the header of its table — that names a model
    (``model``, ``modelu``…), or in JSON under a key path naming one; checksums of data
    are the same for everyone using the same data and are not compared. Unreadable files
    are left out."""
    values: dict[str, frozenset[str]] = {}
    model: set[str] = set()
    every: set[str] = set()
    for kind, entry in EVIDENCE_ENTRIES.items():
        path = declared_path(files, entry, project, defaults)
        if path is None:
            continue
        paths = (
            [p for p in files.glob(f"{path}/**/*") if p.endswith(_EVIDENCE_SUFFIXES)]
            if files.is_dir(path)
            else [path]
        )
        for file in paths:
            try:
                found = _json_evidence if file.endswith(".json") else _text_evidence
                values[f"{kind}:{file}"] = found(files, file, model, every)
            except StudentError:
                continue
    return Evidence(values, frozenset(model), frozenset(every))


def _json_evidence(files: RepoFiles, path: str, model: set[str], every: set[str]) -> frozenset[str]:
    """The precise numbers of a JSON evidence file; its checksums go to ``model`` (under
    a key path naming a model) and ``every``."""
    values = set()
    for key_path, value in _json_leaves(files.read_json(path)):
        if isinstance(value, float) and (number := precise(repr(value))):
            values.add(number)
        elif isinstance(value, str) and (match := _CHECKSUM.fullmatch(value)):
            every.add(match[1][:16].lower())
            if "model" in key_path.lower():
                model.add(match[1][:16].lower())
    return frozenset(values)


def _text_evidence(files: RepoFiles, path: str, model: set[str], every: set[str]) -> frozenset[str]:
    """The precise numbers of a Markdown evidence file; its checksums go to ``model`` (on
    a line or under a table header naming a model) and ``every``."""
    values = set()
    header = ""
    for line in files.read_text(path).splitlines():
        header = _table_header(line, header)
        values.update(n for m in _DECIMAL.finditer(line) if (n := precise(m.group())))
        for match in _CHECKSUM.finditer(line):
            every.add(match[1][:16].lower())
            if "model" in f"{line} {header}".lower():
                model.add(match[1][:16].lower())
    return frozenset(values)


def _table_header(line: str, header: str) -> str:
    """The header row of the Markdown table ``line`` belongs to: the line itself when
    it starts a table, the previous header inside one, empty outside tables."""
    if not line.lstrip().startswith("|"):
        return ""
    return header or line


def _json_leaves(value: Any, key_path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted key path, value) of every scalar in a JSON document, iteratively."""
    stack = [(key_path, value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            stack.extend((f"{path}.{key}", child) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((path, child) for child in node)
        else:
            yield path, node


def precise(written: str) -> str | None:
    """``written`` (``0,7063``, ``0.70634``) as a canonical decimal string when it has
    at least PRECISE_DIGITS decimals and significant digits, else None."""
    try:
        value = Decimal(written.replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or -value.as_tuple().exponent < PRECISE_DIGITS:
        return None
    value = value.normalize()
    return str(value) if len(value.as_tuple().digits) >= PRECISE_DIGITS else None


def shared_evidence(repositories: list[Repository]) -> dict[tuple[int, int], list[str]]:
    """Polish descriptions of the evidence each pair of repositories (by index, i < j)
    shares. Both go through an index from a value to its holders, so only values held
    more than once cost time."""
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    holders: dict[str, list[int]] = defaultdict(list)
    for index, repository in enumerate(repositories):
        for checksum in sorted(repository.checksums):
            holders[checksum].append(index)
    for checksum, indexes in holders.items():
        for pair in itertools.combinations(indexes, 2):
            found[pair].append(f"ta sama suma SHA-256 modelu ({checksum}…)")
    for pair, files in _shared_values(repositories).items():
        for kind, label in EVIDENCE_LABELS.items():
            same = [text for file_kind, text in files if file_kind == kind]
            if same:
                more = f" i {len(same) - 3} innych" if len(same) > 3 else ""
                found[pair].append(f"te same liczby — {label}: " + ", ".join(same[:3]) + more)
    return found


def _shared_values(repositories: list[Repository]) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """Per pair of repositories, the evidence files of one kind that share most of their
    precise values (MIN_SHARED_VALUES, MIN_SHARED_SHARE): (kind, description)."""
    places: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for index, repository in enumerate(repositories):
        for key, values in sorted(repository.values.items()):
            for value in values:
                places[value].append((index, key))
    counts: dict[tuple[int, str, int, str], int] = defaultdict(int)
    for holders in places.values():
        for (i, one), (j, other) in itertools.combinations(holders, 2):
            if i != j and one.split(":")[0] == other.split(":")[0]:
                counts[i, one, j, other] += 1
    shared: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for (i, one, j, other), count in sorted(counts.items()):
        smaller = min(len(repositories[i].values[one]), len(repositories[j].values[other]))
        if count >= MIN_SHARED_VALUES and count >= MIN_SHARED_SHARE * smaller:
            kind, first = one.split(":", 1)
            second = other.split(":", 1)[1]
            files = first if first == second else f"{first} ↔ {second}"
            shared[i, j].append((kind, f"{files} ({count} z {smaller})"))
    return shared
