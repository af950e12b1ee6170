"""Work the student starter leaves to do, and how a test says which class and task it is.

The starter (``make starter``) replaces every solution region of the reference:

* in Python by ``raise NotImplementedError("Zajęcia 06, monitor.psi: <task>")``
  (:func:`task_message`);
* in every other file with comments by the prompt ``ZADANIE (zajęcia 06): <task>``
  (:func:`prompt`) in a comment — a shell script also prints it and exits 1;
* in a notebook by a Markdown cell ``**Zadanie (zajęcia 02):** <task>``
  (:func:`notebook_prompt`);

and drops the deliverables that cannot carry a prompt (:mod:`kurs.outputs`). The formats
live here, where the tests read them back, and the starter's generator writes them from
here.

A test of work not done yet must fail the way a Python skeleton does: with a
``NotImplementedError`` whose message starts with the class and the task, not with an
assertion on an empty structure that says neither. The helpers do that where a test reads
a deliverable or what a program reported:

* :func:`written`, :func:`read_text` — a deliverable file, there and without prompts;
* :func:`written_files` — the files of a deliverable folder, at least one;
* :func:`notebook` — a notebook without task cells;
* :func:`reraise` — the task that a program (a subprocess, a notebook's kernel) reported
  in its output;
* :func:`logged_tasks` — the task that code under test logged (a web app answers a route
  not written yet with a 500 and logs the traceback), raised at a test's teardown.

In the reference none of them fails: its files hold solutions, not prompts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import nbformat

# A prompt as the starter writes it in any comment syntax, up to the comment's end: a
# Markdown or Jinja comment closes, a shell script prints it quoted to stderr.
PROMPT = re.compile(
    r"ZADANIE \((?P<label>zajęcia \d\d|kurs)\): (?P<task>.*?)"
    r"(?:[ \t]*(?:-->|#\}|'[ \t]*>&2))?[ \t]*$",
    re.M,
)
NOTEBOOK_PROMPT = re.compile(r"^\*\*Zadanie \((?P<label>zajęcia \d\d|kurs)\):\*\* (?P<task>.*)")
# What Python prints last for a skeleton's NotImplementedError, or a one-line error that
# quotes it after a colon (kurs.backfill's "błąd importu <file>: NotImplementedError: …");
# a notebook's kernel colours it (ANSI escapes).
RAISED = re.compile(
    r"(?:^\s*|: )NotImplementedError: (?P<message>(?:Zajęcia \d\d|Kurs), .*?)\s*$", re.M
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Said after the tasks a file still holds: a student who has done the work may have left
# the prompt in place.
LEFT_PROMPT = "(po wykonaniu usuń komentarz ZADANIE)"
LEFT_TASK_CELL = "(po wykonaniu usuń komórkę „Zadanie”)"
MISSING = "plik jeszcze nie istnieje"


def class_label(number: int | None) -> str:
    """``"zajęcia 06"`` for class 6, ``"kurs"`` for the shared code (``None``), as inside a
    sentence (``str.capitalize`` to start one)."""
    return "kurs" if number is None else f"zajęcia {number:02d}"


def task_message(label: str, place: str, task: str) -> str:
    """``"Zajęcia 06, monitor.psi: <task>"``: the message of a task not done yet."""
    return f"{label.capitalize()}, {place}: {task}"


def prompt(label: str, task: str) -> str:
    """``"ZADANIE (zajęcia 06): <task>"``: a task in a file's comment."""
    return f"ZADANIE ({label}): {task}"


def notebook_prompt(label: str, task: str) -> str:
    """``"**Zadanie (zajęcia 02):** <task>"``: a task as a notebook's Markdown cell."""
    return f"**Zadanie ({label}):** {task}"


def _label_and_place(path: Path) -> tuple[str, str]:
    """The class of a file of the repository (by its class folder) and its path inside
    that folder (``monitoring/prometheus.yml``); ``"kurs"`` and the path from the
    repository's root for anything else."""
    # Imported here, as every project module in kurs/testing: the pytest plugins import
    # this module before pytest-cov starts measuring.
    from kurs.repository import CLASS_FOLDER, REPO_ROOT

    parts = Path(path).absolute().parts
    for index in reversed(range(len(parts))):
        if match := CLASS_FOLDER.match(parts[index]):
            return class_label(int(match[1])), "/".join(parts[index + 1 :])
    try:
        return class_label(None), Path(path).absolute().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return class_label(None), Path(path).name


def _missing(path: Path) -> NotImplementedError:
    """The task of a deliverable that does not exist: what makes it, when it is one of
    the outputs the starter drops (:func:`kurs.outputs.how_to_make`)."""
    from kurs.outputs import how_to_make
    from kurs.repository import REPO_ROOT

    label, place = _label_and_place(path)
    try:
        how = how_to_make(Path(path).absolute().relative_to(REPO_ROOT).as_posix())
    except ValueError:
        how = None
    return NotImplementedError(task_message(label, place, f"{MISSING} — {how}" if how else MISSING))


def written(path: Path) -> Path:
    """``path``, a deliverable that a test is about to read.

    Raises:
        NotImplementedError: the file does not exist (``…: plik jeszcze nie istnieje — <what
            makes it>``), or it still holds the starter's prompts (``Zajęcia 08,
            monitoring/prometheus.yml: <task>; <task> …``).
    """
    path = Path(path)
    if not path.exists():
        raise _missing(path)
    if path.is_file():
        found = PROMPT.findall(path.read_text(encoding="utf-8", errors="replace"))
        if found:
            _, place = _label_and_place(path)
            tasks = "; ".join(task for _, task in found)
            raise NotImplementedError(task_message(found[0][0], place, f"{tasks} {LEFT_PROMPT}"))
    return path


def read_text(path: Path) -> str:
    """The text (UTF-8) of the deliverable ``path``.

    Raises:
        NotImplementedError: it is not written yet (see :func:`written`).
    """
    return written(path).read_text(encoding="utf-8")


def written_files(folder: Path, pattern: str) -> list[Path]:
    """The files of ``folder`` that match ``pattern`` (a glob), sorted; there must be one.

    Raises:
        NotImplementedError: none is there (``Zajęcia 08, monitoring/grafana/dashboards/
            *.json: plik jeszcze nie istnieje — <what makes them>``), or one still holds a
            prompt.
    """
    found = sorted(Path(folder).glob(pattern))
    if not found:
        raise _missing(Path(folder) / pattern)
    return [written(path) for path in found]


def notebook(path: Path) -> nbformat.NotebookNode:
    """The notebook ``path`` (nbformat 4) once none of its cells is a task.

    Raises:
        NotImplementedError: a task cell is left (``Zajęcia 02, eda.ipynb: <task>; …``), or
            the notebook does not exist.
    """
    import nbformat  # only the tests of notebooks need it

    document = nbformat.read(written(path), as_version=4)
    found = [
        match
        for cell in document.cells
        if cell.cell_type == "markdown" and (match := NOTEBOOK_PROMPT.match(cell.source))
    ]
    if found:
        _, place = _label_and_place(path)
        tasks = "; ".join(match["task"] for match in found)
        raise NotImplementedError(
            task_message(found[0]["label"], place, f"{tasks} {LEFT_TASK_CELL}")
        )
    return document


def reraise(output: str) -> None:
    """Raise here the task that a program reported: a traceback of a skeleton's
    ``NotImplementedError`` in a subprocess's output, in a notebook kernel's error, in an
    import error. Does nothing when ``output`` names no task.

    Raises:
        NotImplementedError: the first task ``output`` names (``Zajęcia 03, …``).
    """
    if match := RAISED.search(ANSI.sub("", output)):
        raise NotImplementedError(match["message"])


class _TaskLog(logging.Handler):
    """Keeps the first ``NotImplementedError`` with a task that a log record carries."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.due: NotImplementedError | None = None

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        named = RAISED.search(f"NotImplementedError: {error}")
        if self.due is None and isinstance(error, NotImplementedError) and named:
            self.due = error


@contextmanager
def logged_tasks() -> Iterator[None]:
    """At the end of the block, raise the first task that code inside it logged.

    A web app answers a route that raised with a 500 and logs the traceback: a test of the
    route fails on the status, and only the log says that the route is a skeleton. Around
    a test (the fixture :func:`logged_task`) the test then also errors at its teardown
    with that task. A fixture, not a pytest hook: the grader holds for review a repository
    whose code defines a hook that could rewrite test results. In the reference nothing
    logs a task, and nothing is raised.

    Raises:
        NotImplementedError: the first one with a task logged inside the block (the root
            logger's handlers see it); an error the block raised itself goes first.
    """
    handler = _TaskLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    if handler.due is not None:
        raise handler.due


@pytest.fixture(autouse=True)
def logged_task() -> Iterator[None]:
    """Autouse where a ``conftest.py`` imports it (classes 07 and 08, whose apps log a
    skeleton's NotImplementedError instead of raising it: a route answers 500, a failing
    listener is only logged): the test then errors at teardown with that task
    (``Zajęcia NN, …``), through :func:`logged_tasks`."""
    with logged_tasks():
        yield
