"""Solution regions in text files, and what the starter gets in their place.

One convention for every text file, the one nbgrader and otter-grader use:

* Python and every file with ``#`` comments (YAML, Dockerfile, shell, TOML, ``.env``)::

      # BEGIN SOLUTION
      ...the reference's code...
      # END SOLUTION

* Markdown and HTML::

      <!-- BEGIN SOLUTION -->
      ...the reference's text...
      <!-- END SOLUTION -->

* Jinja2 templates (``.md.j2``, ``.html.j2``), as Jinja comments, so that the reports
  rendered from them carry no markers::

      {# BEGIN SOLUTION #}
      ...the reference's prose...
      {# END SOLUTION #}

The begin marker may carry the student's task after a colon, in Polish
(``# BEGIN SOLUTION: policz PSI każdej cechy``); without one the task is "uzupełnij" and
the place. ``BEGIN SOLUTION NO PROMPT`` drops the region without a trace: code the
skeleton does not need, or what only the reference has (its measured results, the
instructor's chapter).

What replaces a region:

* Python: ``raise NotImplementedError("Zajęcia 06, monitor.psi: <task>")`` at the marker's
  indentation, as nbgrader's code stub — a function whose body is a region keeps its
  signature and docstring, and calling it says which class and which task is due;
* shell scripts: ``echo "ZADANIE (zajęcia 07): <task>" >&2; exit 1`` — a script not
  written yet fails, it does not succeed by doing nothing;
* other ``#`` files: ``# ZADANIE (zajęcia 06): <task>``;
* Markdown and HTML: ``<!-- ZADANIE (zajęcia 06): <task> -->``, a prompt the student sees
  in the source but that adds no words to a graded section; Jinja2: the same prompt as a
  Jinja comment.

Regions do not nest; an unclosed or stray marker is an error naming the file and line.
"""

from __future__ import annotations

import json
import re
import shlex
import textwrap
from dataclasses import dataclass
from pathlib import PurePosixPath

from kurs.testing.due import class_label as label_of_class
from kurs.testing.due import prompt, task_message

CLASS_FOLDER = re.compile(r"^zajecia_(\d\d)_")
HASH_BEGIN = re.compile(
    r"^(?P<indent>[ \t]*)# BEGIN SOLUTION(?P<silent> NO PROMPT)?(?::(?P<task>.*))?$"
)
HASH_END = re.compile(r"^[ \t]*# END SOLUTION[ \t]*$")
HTML_BEGIN = re.compile(
    r"^(?P<indent>[ \t]*)<!-- BEGIN SOLUTION(?P<silent> NO PROMPT)?(?::(?P<task>.*?))? -->[ \t]*$"
)
HTML_END = re.compile(r"^[ \t]*<!-- END SOLUTION -->[ \t]*$")
JINJA_BEGIN = re.compile(
    r"^(?P<indent>[ \t]*)\{# BEGIN SOLUTION(?P<silent> NO PROMPT)?(?::(?P<task>.*?))? #\}[ \t]*$"
)
JINJA_END = re.compile(r"^[ \t]*\{# END SOLUTION #\}[ \t]*$")
SYNTAX = {
    "#": (HASH_BEGIN, HASH_END, "# {prompt}"),
    "<!--": (HTML_BEGIN, HTML_END, "<!-- {prompt} -->"),
    "{#": (JINJA_BEGIN, JINJA_END, "{{# {prompt} #}}"),
}
COMMENT = {"python": "#", "shell": "#", "hash": "#", "html": "<!--", "jinja": "{#"}
DEF_LINE = re.compile(r"^(?P<indent>[ \t]*)(?:async[ \t]+)?(?:def|class)[ \t]+(?P<name>\w+)")
ANY_MARKER = re.compile(r"(?:#|<!--|\{#) (?:BEGIN|END) SOLUTION")
DEFAULT_TASK = "uzupełnij"
# The project's ruff line length: a stub longer than it is split.
LINE_LENGTH = 100


class MarkerError(ValueError):
    """A solution marker that does not pair up; the message names the file and line."""


@dataclass(frozen=True)
class Region:
    """Lines ``begin`` to ``end`` (0-based, both markers included) of one region."""

    begin: int
    end: int
    indent: str
    task: str | None
    silent: bool


def class_label(path: str) -> str:
    """``"zajęcia 06"`` for a file of ``zajecia_06_monitoring/``; ``"kurs"`` elsewhere (as
    inside a sentence; ``str.capitalize`` to start one)."""
    match = CLASS_FOLDER.match(PurePosixPath(path).parts[0])
    return label_of_class(int(match[1]) if match else None)


def regions(lines: list[str], path: str, comment: str) -> list[Region]:
    """The solution regions of a file's ``lines`` (without line ends).

    Args:
        lines: the file's lines.
        path: the file's path in the repository, for error messages.
        comment: ``"#"``, ``"<!--"`` or ``"{#"``, the file's comment syntax.

    Raises:
        MarkerError: a begin marker inside a region, an end marker outside one, a region
            not closed, or a marker line that is not exactly one of the markers.
    """
    begin_marker, end_marker, _ = SYNTAX[comment]
    found: list[Region] = []
    opened: re.Match[str] | None = None
    opened_at = 0
    for number, line in enumerate(lines):
        begin, end = begin_marker.match(line), end_marker.match(line)
        if begin is None and end is None:
            if ANY_MARKER.search(line) and line.lstrip().startswith(comment):
                raise MarkerError(
                    f"{path}:{number + 1}: nieznany znacznik rozwiązania: {line.strip()}"
                )
            continue
        if begin is not None:
            if opened is not None:
                raise MarkerError(
                    f"{path}:{number + 1}: BEGIN SOLUTION w obszarze otwartym "
                    f"w linii {opened_at + 1}"
                )
            opened, opened_at = begin, number
            continue
        if opened is None:
            raise MarkerError(f"{path}:{number + 1}: END SOLUTION bez BEGIN SOLUTION")
        task = (opened["task"] or "").strip() or None
        found.append(Region(opened_at, number, opened["indent"], task, bool(opened["silent"])))
        opened = None
    if opened is not None:
        raise MarkerError(f"{path}:{opened_at + 1}: BEGIN SOLUTION bez END SOLUTION")
    return found


def _enclosing(lines: list[str], region: Region) -> list[str]:
    """Names of the functions and classes around ``region``, outermost first."""
    names: list[str] = []
    depth = len(region.indent)
    for line in reversed(lines[: region.begin]):
        match = DEF_LINE.match(line)
        if match and len(match["indent"]) < depth:
            names.insert(0, match["name"])
            depth = len(match["indent"])
    return names


def _python_stub(lines: list[str], region: Region, path: str) -> list[str]:
    module = PurePosixPath(path)
    place = ".".join([module.stem, *_enclosing(lines, region)])
    if module.parent.name == "dags":
        # Airflow parses only files that say "airflow" and "dag": a DAG file reduced to its
        # stub must still be parsed, so that its import error shows the task.
        place += " (DAG Airflow)"
    message = task_message(class_label(path), place, region.task or DEFAULT_TASK)
    # json.dumps gives a valid Python string literal for any text, quotes included.
    line = f"{region.indent}raise NotImplementedError({json.dumps(message, ensure_ascii=False)})"
    if len(line) <= LINE_LENGTH:
        return [line]
    # A long task: adjacent literals on their own lines, each within the line length.
    width = LINE_LENGTH - len(region.indent) - 8
    pieces = [piece + " " for piece in textwrap.wrap(message, width - 1)]
    pieces[-1] = pieces[-1].rstrip()
    literals = [f"{region.indent}    {json.dumps(piece, ensure_ascii=False)}" for piece in pieces]
    return [f"{region.indent}raise NotImplementedError(", *literals, f"{region.indent})"]


def _comment_stub(region: Region, path: str, kind: str) -> list[str]:
    text = prompt(class_label(path), region.task or DEFAULT_TASK)
    if kind == "shell":
        return [f"{region.indent}echo {shlex.quote(text)} >&2", f"{region.indent}exit 1"]
    return [region.indent + SYNTAX[COMMENT[kind]][2].format(prompt=text)]


def strip_solutions(text: str, path: str, kind: str) -> str:
    """``text`` with every solution region replaced by its stub.

    Args:
        text: the file's content.
        path: its path in the repository (``zajecia_06_monitoring/drift.py``): names the
            class and module in the stubs and the place in errors.
        kind: ``"python"``, ``"shell"``, ``"hash"`` (other ``#``-comment files), ``"html"``
            (Markdown, HTML) or ``"jinja"`` (Jinja2 templates).

    Raises:
        MarkerError: markers that do not pair up (see :func:`regions`).
    """
    comment = COMMENT[kind]
    lines = text.split("\n")
    found = regions(lines, path, comment)
    if not found:
        return text
    out: list[str] = []
    position = 0
    for region in found:
        out.extend(lines[position : region.begin])
        if not region.silent:
            if kind == "python":
                out.extend(_python_stub(lines, region, path))
            else:
                out.extend(_comment_stub(region, path, kind))
        position = region.end + 1
    out.extend(lines[position:])
    return "\n".join(out)
