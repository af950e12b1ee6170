"""Which files of a repository are compared, and their text.

What is compared, per repository and per category (:data:`CATEGORIES`): the code cells
of the notebooks, the DAG files, the other Python modules of the class folders, the
Dockerfiles and compose files, and the Markdown documents (reports and cards, and the
backlog). Each category's files are those ``projekt.yaml`` declares (``artifacts``,
``dags.*.file``); an entry that is missing or wrong there falls back to the course's own
path (the reference's ``projekt.yaml``), and the files of the class folders
(``zajecia_*/``) are added by their names, so what no entry names counts too (a second
notebook, a helper DAG). A repository whose ``projekt.yaml`` is missing or broken is still
compared, with a note saying so.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from grading.checks.notebooks import read_notebook
from grading.model import StudentError
from grading.project import Project
from grading.repo_files import SKIPPED_DIRS, RepoFiles
from grading.similarity.categories import CATEGORIES, DECLARED, Category, category_of

# A file whose compared text is longer was generated, not written: it is skipped (a note).
MAX_TEXT_CHARS = 1_000_000
_MAGIC = re.compile(r"^[ \t]*[%!].*$", re.MULTILINE)


def repository_files(files: RepoFiles, project: Project, defaults: Project) -> dict[str, list[str]]:
    """The files of each category (by id) in the repository behind ``files``: the
    declared ones (``project``'s entry, or ``defaults``' when it is missing, wrong or names
    nothing; a declared folder of reports gives its Markdown files), then every file of
    the class folders by its name (:func:`category_of`)."""
    declared: dict[str, str] = {}
    for category, entries in DECLARED.items():
        for entry in entries:
            path = declared_path(files, entry, project, defaults)
            if path is None:
                continue
            if not files.is_dir(path):
                declared[path] = category
            elif category == "documents":
                declared.update(dict.fromkeys(files.glob(f"{path}/**/*.md"), category))
    found: dict[str, list[str]] = {category.id: [] for category in CATEGORIES}
    for path, category in declared.items():
        found[category].append(path)
    for path in class_files(files.root):
        category = category_of(path)
        if category is not None and path not in declared:
            found[category].append(path)
    return found


def class_files(root: Path) -> list[str]:
    """The regular files under the class folders (``zajecia_*``) of ``root``, relative,
    sorted. A symlink is never followed nor listed, so every file found is inside the
    repository — what :class:`RepoFiles` makes sure of by resolving each path, at ten
    times the cost; hidden and tool folders (``.ipynb_checkpoints``, ``__pycache__``) are
    skipped."""
    found, stack = [], [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name in SKIPPED_DIRS:
                continue
            if folder == root and not entry.name.startswith("zajecia_"):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False):
                found.append(Path(entry.path).relative_to(root).as_posix())
    return sorted(found)


def declared_path(files: RepoFiles, entry: str, project: Project, defaults: Project) -> str | None:
    """The path at ``entry`` of ``project`` when it names an existing file or folder,
    else the one of ``defaults`` when that exists in the repository, else None."""
    for declaration in (project, defaults):
        try:
            value = declaration.value(entry)
        except StudentError:
            continue
        if isinstance(value, str) and (files.is_file(value) or files.is_dir(value)):
            return value
    return None


def compared_text(files: RepoFiles, path: str, category: Category) -> str:
    """The text of ``path`` (found by :func:`repository_files`, so inside the repository)
    that is compared: a notebook's code cells one after another (magics dropped), any
    other file whole, bytes that are not UTF-8 replaced (a similarity needs no exact
    text). Raises StudentError when the file cannot be read or the text is longer than
    MAX_TEXT_CHARS."""
    if category.id == "notebooks":
        cells = read_notebook(files, path)
        text = "\n".join(_MAGIC.sub("", cell.source) for cell in cells if cell.type == "code")
        size = len(text)
    else:
        try:
            with (files.root / path).open("rb") as handle:
                data = handle.read(MAX_TEXT_CHARS + 1)
        except OSError as error:
            raise StudentError(f"{path}: nie da się odczytać ({error.strerror})") from None
        size, text = len(data), data.decode("utf-8", errors="replace")
    if size > MAX_TEXT_CHARS:
        raise StudentError(f"{path}: ponad {MAX_TEXT_CHARS:,} znaków".replace(",", " "))
    return text
