from kurs.testing.due import read_text
from zajecia_01_planowanie.backlog import load_backlog, parse_backlog
from zajecia_01_planowanie.cli import CLASS_DIR, DEFAULT_BACKLOG
from zajecia_01_planowanie.sprint_plan import CHART_FILE, PLAN_FILE, render_chart, render_markdown


def test_summary_and_sprint_tables(raw_backlog):
    text = render_markdown(parse_backlog(raw_backlog))
    assert "| 1 | Planowanie | 2 | 8 | 100% | 3 |" in text
    assert "| 2 | EDA | 1 | 8 | 100% | 0 |" in text
    assert "| **Razem** | | **3** | **16** | | **3** |" in text
    assert "## Sprint 1 — Planowanie" in text
    assert "| T2 | Backlog | E01 | 5 | w toku | T1 |" in text
    assert "| | **Razem** | | **8** | | |" in text
    assert f"]({CHART_FILE})" in text


def test_sprint_without_tasks_is_said_so(raw_backlog):
    text = render_markdown(parse_backlog(raw_backlog))
    assert "## Sprint 3\n\nBrak zadań w tym sprincie." in text


def test_chart_is_byte_identical_between_runs(raw_backlog, tmp_path):
    backlog = parse_backlog(raw_backlog)
    first = render_chart(backlog, tmp_path / "a.png").read_bytes()
    second = render_chart(backlog, tmp_path / "b.png").read_bytes()
    assert first == second


def test_committed_plan_matches_the_backlog():
    """plan_sprintow.md is generated; a backlog change must be followed by `render`."""
    expected = render_markdown(load_backlog(DEFAULT_BACKLOG))
    committed = read_text(CLASS_DIR / PLAN_FILE)
    assert committed == expected, "uruchom: python -m zajecia_01_planowanie render"
    assert (CLASS_DIR / CHART_FILE).stat().st_size > 10_000
