"""The retrospective: its sections, its action items, the committed report against the
backlog, and the step of ``make run`` — with a history, a shallow one and none."""

import re
from datetime import date

from kurs.repository import REPO_ROOT
from kurs.runner import RunContext
from kurs.templates import render
from kurs.testing.due import read_text
from zajecia_01_planowanie.backlog import load_backlog
from zajecia_01_planowanie.cli import DEFAULT_BACKLOG
from zajecia_11_retro import step
from zajecia_11_retro.plan_vs_done import plan_progress
from zajecia_11_retro.report import (
    CHART,
    PACKAGE,
    PLAN_SECTION,
    REPORT,
    plan_context,
    render_report,
)

HEADINGS = [
    "## Plan kontra wykonanie",
    "## Historia zmian w git",
    "## Co poszło dobrze",
    "## Co poszło źle",
    "## Wnioski",
    "## Start – Stop – Continue",
    "## Działania na przyszłość",
]
PNG = b"\x89PNG\r\n\x1a\n"


def section(text: str, heading: str) -> str:
    return text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def action_items(text: str) -> list[list[str]]:
    """The rows of the action items' table, as lists of cells."""
    rows = [line for line in section(text, "## Działania na przyszłość").splitlines() if line]
    assert rows[:2] == ["| Działanie | Właściciel | Termin |", "|---|---|---|"]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def run_step(out_dir, root, backlog=DEFAULT_BACKLOG):
    lines = []
    paths = step.run(RunContext(out_dir, lines.append), backlog, root, out_dir)
    return paths, lines


def test_the_committed_report_has_every_section_and_matches_the_backlog():
    """retrospektywa.md is generated; a backlog change must be followed by the step."""
    committed = read_text(step.CLASS_DIR / REPORT)
    assert [heading for heading in HEADINGS if f"\n{heading}\n" in committed] == HEADINGS
    plan = render(
        PACKAGE, PLAN_SECTION, **plan_context(plan_progress(load_backlog(DEFAULT_BACKLOG)))
    )
    assert plan in committed, "uruchom: python -m kurs --only 11"
    assert (step.CLASS_DIR / CHART).read_bytes().startswith(PNG)


def test_every_action_item_has_an_owner_and_a_date():
    rendered = render_report(plan_progress(load_backlog(DEFAULT_BACKLOG)), None, "brak")
    committed = read_text(step.CLASS_DIR / REPORT)
    for text in (rendered, committed):
        items = action_items(text)
        assert len(items) >= 3
        for action, owner, due in items:
            assert action and owner, (action, owner)
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", due) and date.fromisoformat(due), due


def test_the_step_writes_the_report_and_a_second_run_gives_the_same_bytes(tmp_path):
    paths, lines = run_step(tmp_path, REPO_ROOT)
    assert paths == [tmp_path / REPORT, tmp_path / CHART]
    first = [path.read_bytes() for path in paths]
    assert first[1].startswith(PNG)
    assert lines[0].startswith("plan: zrobione ")
    assert run_step(tmp_path, REPO_ROOT)[0] == paths
    assert [path.read_bytes() for path in paths] == first


def test_the_report_shows_the_history_and_committing_it_changes_nothing(
    backlog_file, new_repo, commit
):
    root = new_repo()
    commit(root, {"zajecia_01_x/a.py": "a\nb\n", "kurs/k.py": "k\n"}, "2026-01-05")
    out_dir = root / "zajecia_11_z"
    paths, lines = run_step(out_dir, root, backlog_file)
    assert lines == [
        "plan: zrobione 16 z 23 SP (70%), średnia prędkość 5,3 SP na sprint",
        "historia git: commitów 1, linii +3 / −0",
    ]
    text = paths[0].read_text(encoding="utf-8")
    assert (
        "W skrócie: zrobione **16 z 23 SP** (70%), średnia prędkość **5,3 SP na sprint**, "
        "commitów **1** (od 2026-01-05 do 2026-01-05)."
    ) in text
    assert "| `zajecia_01_x/` | 1 | 2 | 0 |" in text
    assert "| `kurs/` | 1 | 1 | 0 |" in text
    assert "| `grading/` | 0 | 0 | 0 |" in text
    assert "| **Razem** | **1** | **3** | **0** |" in text
    assert "- **Sprinty z niezrobionymi zadaniami:** 2 (5 z 10 SP), 3 (3 z 5 SP)" in text
    assert "Historia niepełna" not in text
    written = [path.read_bytes() for path in paths]
    commit(root, {}, "2026-01-06")  # the report and the chart, nothing else
    run_step(out_dir, root, backlog_file)
    assert [path.read_bytes() for path in paths] == written


def test_without_a_history_the_report_says_why(backlog_file, git, tmp_path):
    out_dir = tmp_path / "bez_gita"
    paths, lines = run_step(out_dir, out_dir.parent, backlog_file)
    text = paths[0].read_text(encoding="utf-8")
    assert lines[1] == "historia git niedostępna: ten folder nie jest repozytorium git " + (
        "(np. kod pobrany jako archiwum ZIP, bez folderu .git)"
    )
    assert "**Historia git jest niedostępna:** ten folder nie jest repozytorium git" in text
    assert "| Folder | Commity |" not in text
    assert "commitów" not in section(text, "## Plan kontra wykonanie")
    assert [heading for heading in HEADINGS if f"\n{heading}\n" in text] == HEADINGS


def test_a_shallow_clone_says_the_history_is_partial(backlog_file, new_repo, commit, git, tmp_path):
    origin = new_repo("zrodlo")
    commit(origin, {"a.txt": "1\n"}, "2026-01-05")
    commit(origin, {"a.txt": "1\n2\n"}, "2026-01-06")
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", "plytki")
    paths, lines = run_step(tmp_path / "wynik", tmp_path / "plytki", backlog_file)
    assert lines[1] == "historia git (NIEPEŁNA: płytki klon): commitów 1, linii +2 / −0"
    assert "> **Historia niepełna:** to płytki klon" in paths[0].read_text(encoding="utf-8")
