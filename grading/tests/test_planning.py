"""Tests of the class 01 checks: backlog rules, sprint coverage, sprint plan."""

from __future__ import annotations

import struct
import zlib
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from grading.checks.base import REGISTRY, Context
from grading.checks.planning import (
    backlog_coverage,
    backlog_problems,
    backlog_valid,
    sprint_plan,
    values,
)
from grading.model import StudentError
from grading.repo_files import RepoFiles
from grading.tests.repos import ROOT, reference_params, write_files


@pytest.mark.parametrize("check_id", ["01.backlog", "01.backlog_pelny", "01.plan"])
def test_reference_repository_scores_full(check_id):
    kind, params = reference_params(check_id)
    outcome = REGISTRY[kind].function(Context(RepoFiles(ROOT), {}), params)
    assert outcome.score == 1, outcome.message


def _task(task_id: str, sprint: int, estimate: int = 3, **fields) -> dict:
    return {
        "id": task_id,
        "epic": f"E{sprint}",
        "title": f"Zadanie {task_id}",
        "estimate": estimate,
        "sprint": sprint,
        "status": "done",
        "acceptance_criteria": ["działa"],
        **fields,
    }


def _backlog(tasks: list, sprints: int = 2, capacity: int = 21) -> dict:
    return {
        "project": "Projekt",
        "sprint_capacity": capacity,
        "epics": [
            {"id": f"E{s}", "title": f"Epik {s}", "sprint": s} for s in range(1, sprints + 1)
        ],
        "tasks": tasks,
    }


VALID = _backlog(
    [_task("T1", 1), _task("T2", 1, 5, depends_on=["T1"]), _task("T3", 2, 8, status="todo")]
)


def _valid(tmp_path: Path, backlog) -> object:
    return backlog_valid(write_files(tmp_path, {"backlog.yaml": backlog}), {"file": "backlog.yaml"})


def test_valid_backlog_passes(tmp_path):
    outcome = _valid(tmp_path, VALID)
    assert outcome.score == 1
    assert "backlog poprawny (zadania: 3, epiki: 2)" in outcome.message


def test_cycle_is_shown_as_a_path(tmp_path):
    backlog = _backlog(
        [
            _task("T1", 1, depends_on=["T2"]),
            _task("T2", 1, depends_on=["T3"]),
            _task("T3", 1, depends_on=["T1", "T1"]),
        ]
    )
    outcome = _valid(tmp_path, backlog)
    assert outcome.score == 0
    assert "tasks[0].depends_on (zadanie T1): cykl zależności: T1 → T2 → T3 → T1" in outcome.message
    assert outcome.message.count("cykl") == 1


def test_long_dependency_chain_has_no_recursion_limit():
    tasks = [_task("T0", 1)] + [_task(f"T{i}", 1, depends_on=[f"T{i - 1}"]) for i in range(1, 3000)]
    tasks[0]["depends_on"] = ["T2999"]
    problems = [str(p) for p in backlog_problems(_backlog(tasks, capacity=10**6))]
    assert problems == [
        "tasks[0].depends_on (zadanie T0): cykl zależności: T0 → T2999 → "
        + " → ".join(f"T{i}" for i in range(2998, -1, -1))
        + " — usuń jedną z tych zależności"
    ]


def test_self_dependency_reported_once(tmp_path):
    outcome = _valid(tmp_path, _backlog([_task("T1", 1, depends_on=["T1"])]))
    assert "tasks[0].depends_on[0] (zadanie T1): zadanie zależy samo od siebie" in outcome.message
    assert "cykl" not in outcome.message


def test_backlog_that_is_a_yaml_list_fails_with_its_type(tmp_path):
    outcome = _valid(tmp_path, "- T1\n- T2\n")
    assert outcome.score == 0
    assert (
        "backlog: oczekiwano mapy z polami project, sprint_capacity, epics, tasks, jest: lista"
        in outcome.message
    )


def test_duplicate_ids_name_the_first_place(tmp_path):
    backlog = _backlog([_task("T1", 1), _task("T1", 2)])
    backlog["epics"].append({"id": "E1", "title": "Znowu", "sprint": 1})
    outcome = _valid(tmp_path, backlog)
    assert (
        "tasks[1].id (zadanie T1): identyfikator 'T1' powtarza się (pierwszy raz w tasks[0])"
        in outcome.message
    )
    assert "epics[2].id (epik E1): identyfikator 'E1' powtarza się (pierwszy raz w epics[0])" in (
        outcome.message
    )


def test_repeated_yaml_key_is_reported_with_its_line(tmp_path):
    text = yaml.safe_dump(VALID, sort_keys=False).replace(
        "sprint_capacity: 21\n", "sprint_capacity: 21\nsprint_capacity: 22\n"
    )
    outcome = _valid(tmp_path, text)
    assert outcome.score == 0
    assert "linia 3: klucz 'sprint_capacity' powtarza się w tej samej mapie" in outcome.message


def test_every_problem_is_listed_with_its_place(tmp_path):
    backlog = _backlog(
        [
            _task("T1", 1, estimate="trzy"),
            _task("T2", 1, estimate=4, status="gotowe", depend_on=["T1"]),
            _task("T3", 2, epic="E9", acceptance_criteria=[]),
            _task("T4", 1, depends_on=["T3", "T9"]),
            _task("T5", 12, estimate=True),
        ]
    )
    del backlog["tasks"][1]["title"]
    backlog["project"] = "  "
    problems = {str(p) for p in backlog_problems(backlog)}
    assert problems == {
        "project: nie może być puste",
        "tasks[0].estimate (zadanie T1): oczekiwano: liczba całkowita, jest: 'trzy'",
        "tasks[1].depend_on (zadanie T2): nieznany klucz 'depend_on' — czy chodziło o "
        "'depends_on'?",
        "tasks[1].title (zadanie T2): brak wymaganego pola",
        "tasks[1].estimate (zadanie T2): story points z ciągu 1, 2, 3, 5, 8, 13, jest 4",
        "tasks[1].status (zadanie T2): dozwolone: todo, in_progress, done, jest 'gotowe'",
        "tasks[2].epic (zadanie T3): nieznany epik 'E9'",
        "tasks[2].acceptance_criteria (zadanie T3): niepusta lista niepustych zdań, "
        "jest lista (0 elem.)",
        "tasks[3].depends_on[0] (zadanie T4): 'T3' jest w późniejszym sprincie (2 > 1) — "
        "zależność musi być z tego samego lub wcześniejszego sprintu",
        "tasks[3].depends_on[1] (zadanie T4): nieznane zadanie 'T9'",
        "tasks[4].estimate (zadanie T5): oczekiwano: liczba całkowita, jest: true",
        "tasks[4].sprint (zadanie T5): numer sprintu (zajęć) od 1 do 11, jest 12",
        "tasks[4].epic (zadanie T5): nieznany epik 'E12'",
    }


def test_sprint_capacity_exceeded(tmp_path):
    outcome = _valid(tmp_path, _backlog([_task("T1", 1, 13), _task("T2", 1, 13)]))
    assert "tasks (sprint 1): suma estymat 26 SP przekracza pojemność sprintu" in outcome.message


@pytest.mark.parametrize(
    "junk",
    [
        None,
        "tekst",
        42,
        [],
        {"tasks": "x"},
        {"project": ["a"], "sprint_capacity": -1, "epics": "E1", "tasks": [None, 3, []]},
        {"epics": [{"id": ["x"], "sprint": "1"}], "tasks": [{"id": {"a": 1}, "depends_on": "T1"}]},
        {"tasks": [{"id": "T1", "depends_on": [None, ["T2"], {"a": 1}]}], 1: 2, None: 3},
        {"epics": [], "tasks": [], "sprint_capacity": 1.5, "project": True},
    ],
)
def test_yaml_junk_never_raises_and_fails(tmp_path, junk):
    assert backlog_problems(junk)
    assert _valid(tmp_path, junk).score == 0


def test_yaml_syntax_error_raises_student_error_with_line(tmp_path):
    with pytest.raises(StudentError, match="nie jest poprawnym YAML-em") as error:
        _valid(tmp_path, "project: x\ntasks: [\n  - a: b\n")
    assert error.value.evidence.line is not None


def test_deeply_nested_yaml_raises_student_error(tmp_path):
    with pytest.raises(StudentError, match="zbyt głęboko"):
        _valid(tmp_path, "[" * 1000)


@pytest.mark.parametrize("value", ["2024-13-45", "!!int x", "!!timestamp x", "!!bool maybe"])
def test_yaml_values_the_safe_loader_cannot_build_raise_student_error(tmp_path, value):
    with pytest.raises(StudentError, match="nie da się odczytać"):
        _valid(tmp_path, f"project: x\nsprint_capacity: {value}\n")


def test_alias_bomb_is_reported_without_expanding_it(tmp_path):
    text = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghij":
        text += f"{level}: &{level} [" + ", ".join([f"*{chr(ord(level) - 1)}"] * 9) + "]\n"
    text += "tasks:\n  - {id: T1, estimate: *j}\n"
    outcome = _valid(tmp_path, text)
    assert (
        "tasks[0].estimate (zadanie T1): oczekiwano: liczba całkowita, jest: lista (9 elem.)"
        in (outcome.message)
    )


def test_missing_backlog_raises_student_error(tmp_path):
    with pytest.raises(StudentError, match=r"brak pliku backlog\.yaml"):
        backlog_valid(write_files(tmp_path, {}), {"file": "backlog.yaml"})


def test_backlog_symlink_out_of_repository_raises_student_error(tmp_path):
    (tmp_path / "real.yaml").write_text(yaml.safe_dump(VALID), encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "backlog.yaml").symlink_to(tmp_path / "real.yaml")
    with pytest.raises(StudentError, match="poza repozytorium"):
        backlog_valid(Context(RepoFiles(repo), {}), {"file": "backlog.yaml"})


def test_values_of_other_types_are_shown_as_yaml_writes_them(tmp_path):
    text = yaml.safe_dump(VALID).replace("title:", "title: 2013-01-01\n  old_title:", 1)
    context = write_files(tmp_path, {"backlog.yaml": text + "2013-01-02: x\n"})
    outcome = backlog_valid(context, {"file": "backlog.yaml"})
    assert outcome.score == 0
    assert "oczekiwano: tekst, jest: 2013-01-01" in outcome.message
    assert "nieznany klucz 2013-01-02 — dozwolone:" in outcome.message
    assert "datetime" not in outcome.message


def _coverage(tmp_path: Path, backlog, sprints: int = 3, min_tasks: int = 2) -> object:
    context = write_files(tmp_path, {"backlog.yaml": backlog})
    params = {"file": "backlog.yaml", "sprints": sprints, "min_tasks": min_tasks}
    return backlog_coverage(context, params)


def test_coverage_full(tmp_path):
    tasks = [_task(f"T{s}.{i}", s) for s in (1, 2, 3) for i in (1, 2)]
    assert _coverage(tmp_path, _backlog(tasks, 3)).score == 1


def test_coverage_share_per_sprint_and_message(tmp_path):
    tasks = [
        _task("T1.1", 1),
        _task("T1.2", 1),
        _task("T2.1", 2),
        _task("T2.2", 2, acceptance_criteria=["  "]),
        _task("T3.1", 3),
        _task("T3.2", 3),
    ]
    outcome = _coverage(tmp_path, _backlog(tasks, 2))
    assert outcome.score == Fraction(1, 3)
    assert "sprint 2: zadań z kryteriami akceptacji: 1, potrzeba 2" in outcome.message
    assert "sprint 3: brak epiku z `sprint: 3`" in outcome.message


@pytest.mark.parametrize(
    ("min_tasks", "said"), [(1, "1 zadanie"), (2, "2 zadania"), (5, "5 zadań"), (12, "12 zadań")]
)
def test_coverage_counts_tasks_in_polish(tmp_path, min_tasks, said):
    tasks = [_task(f"T{s}.{i}", s) for s in (1, 2, 3) for i in range(min_tasks)]
    passed = _coverage(tmp_path, _backlog(tasks, 3), min_tasks=min_tasks)
    assert f"ma epik i co najmniej {said} z kryteriami" in passed.message
    failed = _coverage(tmp_path, _backlog(tasks, 2), min_tasks=min_tasks)
    assert f"co najmniej {said} z niepustą listą" in failed.message


def test_coverage_counts_what_an_invalid_backlog_holds(tmp_path):
    backlog = {
        "epics": [{"sprint": 1}, "junk", {"sprint": True}],
        "tasks": [_task("T1", 1, estimate="duże"), {"sprint": 1, "acceptance_criteria": ["ok"]}, 7],
    }
    assert _coverage(tmp_path, backlog).score == Fraction(1, 3)


@pytest.mark.parametrize("junk", [None, "- a\n- b\n", "tekst", {"tasks": {"a": 1}}])
def test_coverage_of_junk_is_zero(tmp_path, junk):
    assert _coverage(tmp_path, junk).score == 0


def _png(width: int = 4, height: int = 3, crc_delta: int = 0) -> bytes:
    body = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    crc = (zlib.crc32(body) + crc_delta) & 0xFFFFFFFF
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + body + struct.pack(">I", crc)


PLAN_BACKLOG = _backlog([_task("T1.1", 1, 3), _task("T1.10", 1, 5), _task("T2.1", 2, 8)])
PLAN = """# Plan sprintów

## Sprint 1 — Planowanie (8 SP)

| ID | Zadanie | SP |
|---|---|---:|
| T1.1 | a | 3 |
| T1.10 | b | 5 |

## Sprint 2

| ID | Zadanie | SP |
|---|---|---:|
| T2.1 | c | 8 |
| | **Razem** | **8** |
"""
PLAN_PARAMS = {"backlog": "backlog.yaml", "file": "plan.md", "image": "plan.png"}


def _plan(tmp_path: Path, plan: str = PLAN, image: bytes | None = None, backlog=PLAN_BACKLOG):
    files = {"backlog.yaml": backlog, "plan.md": plan, "plan.png": image or _png()}
    return sprint_plan(write_files(tmp_path, files), PLAN_PARAMS)


def test_plan_with_every_task_and_sum_and_valid_png(tmp_path):
    outcome = _plan(tmp_path)
    assert outcome.score == 1
    assert "poprawny obraz PNG 4×3" in outcome.message


def test_plan_sums_in_a_summary_table(tmp_path):
    plan = (
        "| Sprint | Zadania | SP | Wykonanie |\n|---:|---|---:|---:|\n"
        "| 1 | T1.1, T1.10 | 8 | 100% |\n| **2** | T2.1 | **8** | 100% |\n"
    )
    assert _plan(tmp_path, plan).score == 1


def test_plan_summary_table_reads_the_first_sp_column(tmp_path):
    plan = (
        "T1.1 T1.10 T2.1\n\n| Sprint | SP | Zrobione SP |\n|---|---|---|\n"
        "| 1 | 9 | 8 |\n| 2 | 8 | 8 |\n"
    )
    outcome = _plan(tmp_path, plan)
    assert outcome.score == Fraction(1, 2)
    assert "sprint 1: brak sumy 8 SP" in outcome.message


def test_plan_missing_task_id_and_wrong_sum_lose_half(tmp_path):
    plan = PLAN.replace("| T1.10 | b | 5 |", "| T1.100 | b | 5 |").replace("(8 SP)", "(9 SP)")
    outcome = _plan(tmp_path, plan)
    assert outcome.score == Fraction(1, 2)
    assert "brak id zadań: T1.10" in outcome.message
    assert "sprint 1: brak sumy 8 SP" in outcome.message


def test_plan_sprint_number_in_heading_is_not_its_sum(tmp_path):
    backlog = _backlog([_task("T1", 1, 1), _task("T2", 2, 2)])
    plan = "## Sprint 1\n\nT1\n\n## Sprint 2\n\nT2\n"
    outcome = _plan(tmp_path, plan, backlog=backlog)
    assert outcome.score == Fraction(1, 2)
    assert "sprint 1: brak sumy 1 SP; sprint 2: brak sumy 2 SP" in outcome.message


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (b"GIF89a" + b"\0" * 40, "brak sygnatury PNG"),
        (b"\x89PNG\r\n\x1a\n", "brak nagłówka IHDR"),
        (_png(crc_delta=1), "zła suma kontrolna"),
        (_png(width=0), "rozmiar 0×3"),
    ],
)
def test_plan_bad_png_loses_half(tmp_path, image, message):
    outcome = _plan(tmp_path, image=image)
    assert outcome.score == Fraction(1, 2)
    assert message in outcome.message


def test_plan_missing_files_lose_their_half(tmp_path):
    context = write_files(tmp_path, {"backlog.yaml": PLAN_BACKLOG, "plan.png": _png()})
    outcome = sprint_plan(context, PLAN_PARAMS)
    assert outcome.score == Fraction(1, 2)
    assert "brak pliku plan.md" in outcome.message
    (tmp_path / "plan.png").unlink()
    assert sprint_plan(context, PLAN_PARAMS).score == 0


def test_plan_against_junk_backlog_fails_its_half(tmp_path):
    outcome = _plan(tmp_path, backlog="- a\n- b\n")
    assert outcome.score == Fraction(1, 2)
    assert "brak zadań z id i sprintem" in outcome.message


def test_plan_image_symlink_out_of_repository_does_not_count(tmp_path):
    (tmp_path / "real.png").write_bytes(_png())
    repo = tmp_path / "repo"
    context = write_files(repo, {"backlog.yaml": PLAN_BACKLOG, "plan.md": PLAN})
    (repo / "plan.png").symlink_to(tmp_path / "real.png")
    outcome = sprint_plan(context, PLAN_PARAMS)
    assert outcome.score == Fraction(1, 2)
    assert "poza repozytorium" in outcome.message


def test_values_read_polish_and_bold_numbers():
    assert values("**16** SP, 0,5 i 1 234; 76% −3") == [16, Fraction(1, 2), 1234, -3]
