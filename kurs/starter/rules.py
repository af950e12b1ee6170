"""Which of the reference's files the starter gets, and how each is transformed.

Three rules, applied to every file git tracks:

* **left out** — what serves the reference's authors and the instructor, not the student:
  this generator, the grader's own tests (they grade the reference and expect full
  points) and the Gradescope autograder;
* **dropped outputs** — files the student's own work writes (``make run``, an executed
  notebook, a report generated from a template), and deliverables in a format without
  comments, which cannot carry markers (a Grafana dashboard in JSON), listed in
  :mod:`kurs.outputs`. The student makes them; a copy of the reference's would be a
  finished deliverable;
* **everything else** is copied, with its solution regions replaced (:mod:`.markers`,
  :mod:`.notebooks`).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from kurs.outputs import is_output

LEFT_OUT = (
    "kurs/starter/*",
    "kurs/tests/test_starter*.py",
    "grading/tests/*",
    "grading/gradescope/*",
)

HTML_COMMENT_SUFFIXES = {".md", ".html", ".htm"}


def rule(path: str) -> str:
    """``"leave"``, ``"output"`` or ``"copy"`` for the repository path ``path``
    (POSIX, relative to the repository root)."""
    if any(fnmatchcase(path, pattern) for pattern in LEFT_OUT):
        return "leave"
    if is_output(path):
        return "output"
    return "copy"


def kind(path: str) -> str:
    """How a copied file is transformed: ``"notebook"``, ``"python"``, ``"shell"``, ``"html"``
    (Markdown and HTML), ``"jinja"`` (Jinja2 templates, also the nbconvert template's
    ``.j2``) or ``"hash"`` (every other text file: ``#`` comments)."""
    suffix = PurePosixPath(path).suffix
    if suffix == ".ipynb":
        return "notebook"
    if suffix == ".py":
        return "python"
    if suffix == ".sh":
        return "shell"
    if suffix == ".j2":
        return "jinja"
    if suffix in HTML_COMMENT_SUFFIXES:
        return "html"
    return "hash"
