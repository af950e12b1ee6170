"""Checks of the retrospective (class 11): plan against delivery per sprint, compared with
the backlog of class 01, and the table of actions with an owner and a date.

Table cells are read as Markdown text: ``**16**``, ``16 SP`` and ``16,0`` all hold 16
(markdown-it gives every body row as many cells as the header).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from grading.checks.base import Context, static_check
from grading.checks.markdown import Document, Section, Table
from grading.checks.planning import column, read_backlog, readable_tasks, sprint_points, values
from grading.checks.text import words
from grading.model import Evidence, Outcome

_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
# Word stems of the action table's header: action, owner, due date.
_ACTION_STEMS = ("działani", "właściciel", "termin")


def _section(document: Document, phrases: list[str], path: str) -> Section | str:
    """The section, or the message saying it is missing."""
    section = document.find(phrases)
    if section is None:
        return f"{path}: brak sekcji z nagłówkiem zawierającym frazę " + " albo ".join(
            f"„{phrase}”" for phrase in phrases
        )
    return section


def _first_value(cell: str) -> Fraction | None:
    found = values(cell)
    return found[0] if found else None


@static_check("retro_plan_vs_done", required=("file", "backlog", "section"))
def retro_plan_vs_done(context: Context, params: Mapping[str, Any]) -> Outcome:
    """Rubric 11.plan_vs_wykonanie: in the section, a table with a sprint column and
    columns whose header holds „zaplanowane” and „zrobione”; for each sprint of the
    backlog, planned SP (sum of estimates) and done SP (estimates of tasks with status
    ``done``) equal the backlog's; the score is the share of matching sprints."""
    path, backlog = params["file"], params["backlog"]
    tasks = readable_tasks(read_backlog(context.files, backlog)[0])
    planned, done = sprint_points(tasks), sprint_points(tasks, "done")
    if not planned:
        return Outcome.failed(
            f"w {backlog} nie ma zadań ze sprintem — nie ma z czym porównać tabeli {path}",
            Evidence(file=backlog),
        )
    found = _section(Document.parse(context.files.read_text(path)), params["section"], path)
    if isinstance(found, str):
        return Outcome.failed(
            f"{found} — dodaj ją z tabelą: Sprint | Zaplanowane SP | Zrobione SP",
            Evidence(file=path),
        )
    picked = _plan_table(found)
    if picked is None:
        return Outcome.failed(
            f"{path}: w sekcji „{found.heading}” (linia {found.line}) brak tabeli z kolumnami "
            "sprintu, „zaplanowane” i „zrobione” w nagłówku — dodaj ją (jeden wiersz na sprint)",
            Evidence(file=path, line=found.line),
        )
    table, columns = picked
    rows = {}
    for row in table.rows:
        sprint = _first_value(row[columns[0]])
        if sprint is not None:
            rows.setdefault(sprint, row)
    wrong = []
    for sprint in planned:
        row = rows.get(sprint)
        if row is None:
            wrong.append(f"sprint {sprint}: brak wiersza")
            continue
        shown = [_first_value(row[i]) for i in columns[1:]]
        if shown != [planned[sprint], done[sprint]]:
            wrong.append(
                f"sprint {sprint}: w tabeli zaplanowane {_shown(shown[0])}, zrobione "
                f"{_shown(shown[1])}; w backlogu {planned[sprint]} i {done[sprint]}"
            )
    matching = len(planned) - len(wrong)
    message = f"{path}: sprinty zgodne z {backlog}: {matching} z {len(planned)}"
    if wrong:
        message += (
            f" (tabela w linii {table.line}). Popraw (zaplanowane = suma estymat sprintu, "
            "zrobione = suma estymat zadań ze statusem `done`):\n"
            + "\n".join(f"- {item}" for item in wrong)
        )
    return Outcome.share(matching, len(planned), message, Evidence(file=path, line=table.line))


def _plan_table(section: Section) -> tuple[Table, list[int]] | None:
    """The first table of the section with the sprint, planned and done columns."""
    for table in section.tables:
        columns = [column(table.header, stem) for stem in ("sprint", "zaplanowane", "zrobione")]
        if None not in columns:
            return table, columns
    return None


def _shown(value: Fraction | None) -> str:
    if value is None:
        return "—"
    return str(value) if value.denominator == 1 else f"{float(value):g}".replace(".", ",")


@static_check("retro_actions", required=("file", "section", "min_rows"))
def retro_actions(context: Context, params: Mapping[str, Any]) -> Outcome:
    """Rubric 11.dzialania: the section's table has at least ``min_rows`` rows, each with a
    non-empty action, owner and a real date ``YYYY-MM-DD``. Columns are found by their
    header (działanie, właściciel, termin), otherwise the first three in that order."""
    path, min_rows = params["file"], params["min_rows"]
    found = _section(Document.parse(context.files.read_text(path)), params["section"], path)
    if isinstance(found, str):
        return Outcome.failed(
            f"{found} — dodaj ją z tabelą: Działanie | Właściciel | Termin",
            Evidence(file=path),
        )
    picked = _action_table(found.tables)
    if picked is None:
        return Outcome.failed(
            f"{path}: w sekcji „{found.heading}” (linia {found.line}) brak tabeli z kolumnami "
            "Działanie | Właściciel | Termin — dodaj ją",
            Evidence(file=path, line=found.line),
        )
    table, columns = picked
    bad = []
    for index, row in enumerate(table.rows):
        action, owner, due = (row[i] for i in columns)
        lacks = [
            f"brak: {name}"
            for name, cell in (("działanie", action), ("właściciel", owner))
            if not words(cell)
        ]
        lacks += _date_problem(due)
        if lacks:
            bad.append(f"wiersz {index + 1} (linia {table.line + 2 + index}): {', '.join(lacks)}")
    problems = bad + (
        [f"wierszy: {len(table.rows)}, potrzeba co najmniej {min_rows}"]
        if len(table.rows) < min_rows
        else []
    )
    evidence = Evidence(file=path, line=table.line)
    if not problems:
        return Outcome.passed(
            f"{path}: działania ({len(table.rows)}) mają właściciela i termin", evidence
        )
    return Outcome.failed(
        f"{path}: tabela działań (linia {table.line}) do poprawy — każdy wiersz potrzebuje "
        "działania, właściciela i terminu RRRR-MM-DD:\n"
        + "\n".join(f"- {problem}" for problem in problems),
        evidence,
    )


def _action_table(tables: list[Table]) -> tuple[Table, list[int]] | None:
    """The first table whose header names the three columns, else the first table with at
    least three columns (taken in order); with their column indexes."""
    for table in tables:
        columns = [column(table.header, stem) for stem in _ACTION_STEMS]
        if None not in columns and len(set(columns)) == 3:
            return table, columns
    return next(((t, [0, 1, 2]) for t in tables if len(t.header) >= 3), None)


def _date_problem(cell: str) -> list[str]:
    match = _DATE.search(cell)
    if match is None:
        shown = cell.strip() if len(cell.strip()) <= 60 else cell.strip()[:59] + "…"
        return [f"termin „{shown}” nie jest datą RRRR-MM-DD" if shown else "brak terminu"]
    try:
        datetime.date.fromisoformat(match.group())
    except ValueError:
        return [f"termin {match.group()} nie jest prawdziwą datą"]
    return []
