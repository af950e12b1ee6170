"""Tests of the retrospective checks: plan against delivery, actions for the future."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from grading.checks.base import REGISTRY, Context
from grading.checks.retro import retro_actions, retro_plan_vs_done
from grading.model import StudentError
from grading.repo_files import RepoFiles
from grading.tests.repos import ROOT, reference_params, write_files


@pytest.mark.parametrize("check_id", ["11.plan_vs_wykonanie", "11.dzialania"])
def test_reference_repository_scores_full(check_id):
    kind, params = reference_params(check_id)
    outcome = REGISTRY[kind].function(Context(RepoFiles(ROOT), {}), params)
    assert outcome.score == 1, outcome.message


def _task(task_id: str, sprint: int, estimate: int, status: str = "done") -> dict:
    return {"id": task_id, "sprint": sprint, "estimate": estimate, "status": status}


# Sprint 1: 16 planned, 16 done; sprint 2: 13 planned, 8 done.
BACKLOG = {
    "tasks": [
        _task("T1", 1, 8),
        _task("T2", 1, 8),
        _task("T3", 2, 8),
        _task("T4", 2, 5, "in_progress"),
    ]
}
PLAN_TABLE = """# Retrospektywa

## 2. PLAN KONTRA WYKONANIE

| Sprint | Epik | Zaplanowane SP | Zrobione SP (prędkość) | Pozostało |
|---:|---|---:|---:|---:|
| 1 | Planowanie | **16** | 16,0 | 13 |
| Sprint 2 | Dane | 13 | 8 | 5 |
| **Razem** | | **29** | **24** | |
"""
PLAN_PARAMS = {
    "file": "retro.md",
    "backlog": "backlog.yaml",
    "section": ["plan kontra wykonanie", "plan a wykonanie"],
}


def _plan(tmp_path: Path, retro: str = PLAN_TABLE, backlog=BACKLOG):
    context = write_files(tmp_path, {"retro.md": retro, "backlog.yaml": backlog})
    return retro_plan_vs_done(context, PLAN_PARAMS)


def test_plan_table_matches_backlog(tmp_path):
    outcome = _plan(tmp_path)
    assert outcome.score == 1, outcome.message
    assert "sprinty zgodne z backlog.yaml: 2 z 2" in outcome.message


def test_plan_table_without_diacritics_in_headers(tmp_path):
    retro = "## Plan a wykonanie\n\n| Nr sprintu | zaplanowane | ZROBIONE |\n|---|---|---|\n"
    retro += "| 1 | 16 | 16 |\n| 2 | 13 | 8 |\n"
    assert _plan(tmp_path, retro).score == 1


def test_plan_table_partial_share_names_wrong_sprints(tmp_path):
    outcome = _plan(tmp_path, PLAN_TABLE.replace("| 13 | 8 | 5 |", "| 13 | 13 | 0 |"))
    assert outcome.score == Fraction(1, 2)
    assert "sprint 2: w tabeli zaplanowane 13, zrobione 13; w backlogu 13 i 8" in outcome.message


def test_plan_table_missing_sprint_row(tmp_path):
    backlog = {"tasks": [*BACKLOG["tasks"], _task("T5", 3, 2, "todo")]}
    outcome = _plan(tmp_path, backlog=backlog)
    assert outcome.score == Fraction(2, 3)
    assert "sprint 3: brak wiersza" in outcome.message


def test_plan_section_missing(tmp_path):
    outcome = _plan(tmp_path, "## Co poszło dobrze\n\n| Sprint | Zaplanowane | Zrobione |\n")
    assert outcome.score == 0
    assert "brak sekcji z nagłówkiem zawierającym frazę „plan kontra wykonanie”" in outcome.message


def test_plan_table_without_required_columns(tmp_path):
    retro = "## Plan kontra wykonanie\n\n| Sprint | SP |\n|---|---|\n| 1 | 16 |\n"
    outcome = _plan(tmp_path, retro)
    assert outcome.score == 0
    assert "brak tabeli z kolumnami sprintu, „zaplanowane” i „zrobione”" in outcome.message


@pytest.mark.parametrize("backlog", ["- T1\n- T2\n", None, {"tasks": [{"id": "T1"}, 3]}])
def test_plan_against_junk_backlog_fails(tmp_path, backlog):
    outcome = _plan(tmp_path, backlog=backlog if backlog is not None else "")
    assert outcome.score == 0
    assert "nie ma zadań ze sprintem" in outcome.message


def test_plan_empty_retro_fails(tmp_path):
    assert _plan(tmp_path, "").score == 0


def test_plan_missing_files_raise_student_error(tmp_path):
    context = write_files(tmp_path, {"backlog.yaml": BACKLOG})
    with pytest.raises(StudentError, match=r"brak pliku retro\.md"):
        retro_plan_vs_done(context, PLAN_PARAMS)
    context = write_files(tmp_path / "other", {"retro.md": PLAN_TABLE})
    with pytest.raises(StudentError, match=r"brak pliku backlog\.yaml"):
        retro_plan_vs_done(context, PLAN_PARAMS)


ACTIONS = """## Wnioski

Tekst.

## 5. DZIALANIA na przyszlosc

| Dzialanie | Wlasciciel | Termin |
|---|---|---|
| Testy w CI | opiekun CI | 2026-12-08 |
| Mierzyć czasy | **zespół** | do `2027-01-15` |
"""
ACTION_PARAMS = {"file": "retro.md", "section": ["działania"], "min_rows": 2}


def _actions(tmp_path: Path, retro: str = ACTIONS, min_rows: int = 2):
    context = write_files(tmp_path, {"retro.md": retro})
    return retro_actions(context, {**ACTION_PARAMS, "min_rows": min_rows})


def test_actions_with_owner_and_date_pass_without_diacritics(tmp_path):
    outcome = _actions(tmp_path)
    assert outcome.score == 1, outcome.message


def test_actions_columns_found_by_header_in_any_order(tmp_path):
    retro = (
        "## Działania\n\n| Termin | Nr | Właściciel | Działanie |\n|---|---|---|---|\n"
        "| 2026-12-08 | 1 | Ala | Testy |\n| 2026-12-09 | 2 | Ola | Docker |\n"
    )
    assert _actions(tmp_path, retro).score == 1


def test_actions_fall_back_to_first_three_columns(tmp_path):
    retro = "## Działania\n\n| Co | Kto | Kiedy |\n|---|---|---|\n| Testy | Ala | 2026-12-08 |\n"
    assert _actions(tmp_path, retro, min_rows=1).score == 1


def test_actions_bad_rows_are_named(tmp_path):
    retro = ACTIONS + "| Docker | TBD | 2026-02-30 |\n| | Ala | jutro |\n| Raport | Ola | |\n"
    outcome = _actions(tmp_path, retro)
    assert outcome.score == 0
    assert "wiersz 3 (linia 11): brak: właściciel, termin 2026-02-30 nie jest prawdziwą datą" in (
        outcome.message
    )
    assert "wiersz 4 (linia 12): brak: działanie, termin „jutro” nie jest datą RRRR-MM-DD" in (
        outcome.message
    )
    assert "wiersz 5 (linia 13): brak terminu" in outcome.message


def test_actions_long_bad_date_is_cut_in_the_message(tmp_path):
    retro = ACTIONS + f"| Docker | Ala | {'kiedyś ' * 1000}|\n"
    outcome = _actions(tmp_path, retro)
    assert outcome.score == 0
    assert "termin „kiedyś kiedyś" in outcome.message
    assert len(outcome.message) < 500


def test_actions_too_few_rows(tmp_path):
    outcome = _actions(tmp_path, min_rows=3)
    assert outcome.score == 0
    assert "wierszy: 2, potrzeba co najmniej 3" in outcome.message


def test_actions_section_or_table_missing(tmp_path):
    outcome = _actions(tmp_path, "## Wnioski\n\nNic.\n")
    assert outcome.score == 0 and "„działania”" in outcome.message
    outcome = _actions(tmp_path, "## Działania\n\n- lista zamiast tabeli 2026-12-08\n")
    assert outcome.score == 0 and "brak tabeli z kolumnami" in outcome.message
    outcome = _actions(tmp_path, "## Działania\n\n| Działanie | Termin |\n|---|---|\n| a | b |\n")
    assert outcome.score == 0 and "brak tabeli z kolumnami" in outcome.message


def test_actions_empty_file_fails(tmp_path):
    assert _actions(tmp_path, "").score == 0


def test_actions_symlink_out_of_repository_raises_student_error(tmp_path):
    (tmp_path / "real.md").write_text(ACTIONS, encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "retro.md").symlink_to(tmp_path / "real.md")
    with pytest.raises(StudentError, match="poza repozytorium"):
        retro_actions(Context(RepoFiles(repo), {}), ACTION_PARAMS)
