"""The reference repository and its subtraction from a student's text.

The reference repository (the grader's own checkout) is read the same way as a
student's. A student's line whose normalised tokens equal a line of the reference (in any
file of the same language: starter code moves between files) is removed before
shingling, and the shingles the reference also has are removed after. What is left is
what the student wrote beyond the starter text (which is a part of the reference), so two
students who both kept it are not similar for that. A category with fewer than
:data:`~grading.similarity.model.MIN_SHINGLES` shingles left in either repository is not
scored (``None``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

from grading.model import StudentError
from grading.project import load_project
from grading.repo_files import RepoFiles
from grading.similarity.categories import CATEGORIES, Category
from grading.similarity.evidence import evidence
from grading.similarity.files import compared_text, repository_files
from grading.similarity.model import Reference
from grading.similarity.tokens import Reader, shingles_of

# The READMEs are the course's text, not a student's: never compared, but subtracted from
# the documents, which often quote them (a report's required sections, a table's header).
_REFERENCE_READMES = ("README.md", "zajecia_*/**/README.md")


def read_reference(root: Path, reader: Reader) -> Reference:
    """The reference repository at ``root``, read with its own ``projekt.yaml``; its
    READMEs count as documents here (:data:`_REFERENCE_READMES`)."""
    files = RepoFiles(root)
    project = load_project(files)
    lines: dict[str, set[str]] = defaultdict(set)
    shingles: dict[str, set[int]] = defaultdict(set)
    digests = set()
    paths = repository_files(files, project, project)
    empty = not any(paths.values())
    paths["documents"] += [p for pattern in _REFERENCE_READMES for p in files.glob(pattern)]
    for category in CATEGORIES:
        for path in paths[category.id]:
            try:
                text = compared_text(files, path, category)
            except StudentError:
                continue
            digests.add(hashlib.sha256(text.encode()).hexdigest())
            normalised = reader.lines(text, category.language)
            lines[category.language].update(line.text for line in normalised)
            stream = [token for line in normalised for token in line.tokens]
            shingles[category.language].update(shingles_of(stream, category.language))
    generated = evidence(files, project, project)
    return Reference(
        Path(root).resolve(),
        project,
        {language: frozenset(texts) for language, texts in lines.items()},
        {language: frozenset(hashes) for language, hashes in shingles.items()},
        frozenset(digests),
        frozenset().union(*generated.values.values()),
        generated.checksums,
        empty,
    )


def own_shingles(text: str, category: Category, ref: Reference, reader: Reader) -> frozenset[int]:
    """The shingles of ``text`` that are the student's own: none when it is the text of a
    reference file, else those left after the reference's lines and shingles go."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    if digest in ref.digests:
        return frozenset()
    language = category.language
    key = (language, digest)
    if key not in reader.shingles:
        known = ref.lines.get(language, frozenset())
        lines = reader.lines(text, language)
        stream = [token for line in lines if line.text not in known for token in line.tokens]
        own = set(shingles_of(stream, language))
        reader.shingles[key] = frozenset(own - ref.shingles.get(language, frozenset()))
    return reader.shingles[key]
