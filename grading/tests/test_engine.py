"""Grading whole repositories: the reference, an empty layout, and broken copies."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from grading.checks.base import Context
from grading.engine import RepoResult, grade_check, grade_repository, result_from_dict
from grading.formats import markdown, recheck_commands
from grading.model import CheckResult, ClassResult, StudentError
from grading.project import Project
from grading.repo_files import RepoFiles
from grading.rubric import Check, load_rubric
from grading.tests.repos import ROOT, empty_layout, reference_copy

RUBRIC = load_rubric()
STATIC_MAX = sum(
    (k.points for c in RUBRIC.classes for k in c.checks if k.mode == "static"), Decimal(0)
)


def by_id(result) -> dict:
    return {k.id: k for c in result.classes for k in c.checks}


def failures(result) -> list[str]:
    return [
        f"{k.id}: {k.status}: {k.message}"
        for k in by_id(result).values()
        if k.mode == "static" and k.status != "pass"
    ]


@pytest.fixture(scope="module")
def reference_result():
    return grade_repository(ROOT, RUBRIC)


@pytest.fixture
def copy(tmp_path) -> Path:
    return reference_copy(tmp_path / "student")


def test_the_reference_scores_every_static_point(reference_result):
    assert failures(reference_result) == []
    assert reference_result.total == reference_result.evaluated_max == STATIC_MAX
    assert reference_result.project_problems == {}
    assert reference_result.status == "graded"


def test_run_mode_checks_are_listed_as_not_evaluated_never_as_passed(reference_result):
    run_checks = [k for k in by_id(reference_result).values() if k.mode == "run"]
    assert run_checks and all(k.status == "skipped" and k.points == 0 for k in run_checks)
    assert all("nie oceniono" in k.message for k in run_checks)
    assert reference_result.max == Decimal(110)
    assert reference_result.max - reference_result.evaluated_max == sum(k.max for k in run_checks)


def test_the_json_record_round_trips(reference_result):
    data = json.loads(json.dumps(reference_result.as_dict()))
    for key in (
        "schema_version",
        "grader_version",
        "rubric_sha256",
        "total",
        "max",
        "classes",
        "checks",
        "graded_commit",
        "graded_commits",
        "score_100",
    ):
        assert key in data
    assert data["rubric_sha256"] == RUBRIC.sha256
    assert {"id", "points", "max"} <= set(data["classes"][0])
    assert {"id", "points", "max", "status", "evidence", "message"} <= set(data["checks"][0])
    assert result_from_dict(data).as_dict() == data


def test_an_empty_layout_scores_zero_without_grader_errors(tmp_path):
    result = grade_repository(empty_layout(tmp_path / "empty"), RUBRIC)
    assert result.total == 0
    statuses = {k.status for k in by_id(result).values() if k.mode == "static"}
    assert statuses == {"fail"}
    assert any("brak projekt.yaml" in note for note in result.notes)
    assert "folder bez historii git: oceniony w obecnym stanie" in result.notes


def test_the_empty_layout_with_the_reference_declaration_still_scores_zero(tmp_path):
    repo = empty_layout(tmp_path / "empty")
    (repo / "projekt.yaml").write_bytes((ROOT / "projekt.yaml").read_bytes())
    result = grade_repository(repo, RUBRIC)
    assert result.total == 0
    assert {k.status for k in by_id(result).values() if k.mode == "static"} == {"fail"}
    assert result.project_problems == {}


def test_a_missing_class_fails_only_that_class(copy):
    import shutil

    shutil.rmtree(copy / "zajecia_05_model")
    result = grade_repository(copy, RUBRIC)
    classes = {c.id: c for c in result.classes}
    assert classes["05"].points == 0
    static = [k for k in classes["05"].checks if k.mode == "static"]
    assert all(
        k.message.startswith("brak folderu zajecia_05_model (zajęcia 05 nieoddane); ")
        for k in static
    )
    assert {k.status for k in classes["05"].checks if k.mode == "run"} == {"skipped"}
    assert result.project_problems == {}
    other = [f for f in failures(result) if not f.startswith("05.")]
    assert other == []


def test_a_notebook_saved_without_running_loses_the_execution_points(copy):
    path = copy / "zajecia_02_eda" / "eda.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["execution_count"], cell["outputs"] = None, []
    path.write_text(json.dumps(notebook), encoding="utf-8")
    checks = by_id(grade_repository(copy, RUBRIC, classes=["02"]))
    assert checks["02.wykonany"].status == "fail"
    assert checks["02.wykresy"].points == 0
    assert checks["02.sekcje"].status == "pass"


def test_a_dockerfile_running_as_root_loses_one_fifth(copy):
    path = copy / "zajecia_07_docker" / "Dockerfile"
    path.write_text(re.sub(r"(?m)^USER .*\n", "", path.read_text(encoding="utf-8")))
    check = by_id(grade_repository(copy, RUBRIC, classes=["07"]))["07.dockerfile"]
    assert check.points == Decimal("1.60")
    assert check.status == "fail"
    assert "root" in check.message


def test_a_symlink_leaving_the_repository_is_not_followed(copy):
    target = copy / "zajecia_01_planowanie" / "cel_biznesowy.md"
    target.unlink()
    target.symlink_to("/etc/passwd")
    check = by_id(grade_repository(copy, RUBRIC, classes=["01"]))["01.cel_biznesowy"]
    assert check.status == "fail"
    assert "poza repozytorium" in check.message


def test_a_binary_notebook_fails_with_a_message_not_an_error(copy):
    (copy / "zajecia_02_eda" / "eda.ipynb").write_bytes(b"\x00\x01PK\x03\x04" * 100)
    checks = by_id(grade_repository(copy, RUBRIC, classes=["02"]))
    assert checks["02.wykonany"].status == "fail"
    assert "binarnym" in checks["02.wykonany"].message
    assert all(k.status != "error" for k in checks.values())


def test_a_backlog_with_a_cycle_fails_and_shows_the_cycle(copy):
    path = copy / "zajecia_01_planowanie" / "backlog.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "    estimate: 3\n    sprint: 1\n",
        "    estimate: 3\n    sprint: 1\n    depends_on: [T01.4]\n",
        1,
    )
    path.write_text(text, encoding="utf-8")
    check = by_id(grade_repository(copy, RUBRIC, classes=["01"]))["01.backlog"]
    assert check.status == "fail"
    assert "→" in check.message and "T01.1" in check.message


def test_headings_without_polish_letters_still_match(copy):
    path = copy / "zajecia_01_planowanie" / "cel_biznesowy.md"
    ascii_only = path.read_text(encoding="utf-8").translate(
        str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
    )
    path.write_text(ascii_only.replace("## Źródło", "## ZRODLO"), encoding="utf-8")
    check = by_id(grade_repository(copy, RUBRIC, classes=["01"]))["01.cel_biznesowy"]
    assert check.status == "pass", check.message


def test_a_wrong_declaration_entry_fails_the_checks_that_read_it(copy):
    path = copy / "projekt.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("interval: monthly", "interval: co miesiąc"),
        encoding="utf-8",
    )
    result = grade_repository(copy, RUBRIC, classes=["03"])
    checks = by_id(result)
    assert "dataset.interval" in result.project_problems
    assert checks["03.harmonogram"].status == "fail"
    assert "dataset.interval" in checks["03.harmonogram"].message
    assert checks["03.dag"].status == "pass"


def test_an_exception_inside_a_check_is_the_graders_error_not_a_zero():
    def broken(context, params):
        raise KeyError("surprise")

    from grading.checks.base import REGISTRY, Kind

    REGISTRY["test_broken_kind"] = Kind("test_broken_kind", "static", (), (), broken)
    try:
        check = Check("01.x", Decimal(1), "static", "d", "h", "test_broken_kind", {})
        result = grade_check(check, Context(RepoFiles(ROOT), {}), Project({}))
    finally:
        del REGISTRY["test_broken_kind"]
    assert result.status == "error"
    assert "błąd narzędzia oceniania, nie Twój" in result.message
    assert "KeyError" in result.message


def test_a_student_error_raised_by_a_check_is_a_failure_with_its_message():
    def missing(context, params):
        raise StudentError("brak pliku x.md")

    from grading.checks.base import REGISTRY, Kind

    REGISTRY["test_student_kind"] = Kind("test_student_kind", "static", (), (), missing)
    try:
        check = Check("01.x", Decimal(1), "static", "d", "h", "test_student_kind", {})
        result = grade_check(check, Context(RepoFiles(ROOT), {}), Project({}))
    finally:
        del REGISTRY["test_student_kind"]
    assert (result.status, result.points, result.message) == ("fail", 0, "brak pliku x.md")


def test_a_check_running_too_long_is_stopped_as_a_timeout(monkeypatch):
    import time

    from grading import engine
    from grading.checks.base import REGISTRY, Kind

    monkeypatch.setattr(engine, "CHECK_TIMEOUT_S", 0.2)
    REGISTRY["test_slow_kind"] = Kind(
        "test_slow_kind", "static", (), (), lambda context, params: time.sleep(5)
    )
    try:
        check = Check("01.x", Decimal(1), "static", "d", "h", "test_slow_kind", {})
        started = time.monotonic()
        result = grade_check(check, Context(RepoFiles(ROOT), {}), Project({}))
    finally:
        del REGISTRY["test_slow_kind"]
    assert time.monotonic() - started < 2
    assert (result.status, result.points) == ("timeout", 0)
    assert "przerwane po 0.2 s" in result.message


def test_a_yaml_alias_bomb_is_refused_in_milliseconds(copy):
    import time

    levels = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    (copy / "zajecia_04_preprocessing" / "quality_gates.yaml").write_text("\n".join(levels))
    started = time.monotonic()
    check = by_id(grade_repository(copy, RUBRIC, classes=["04"]))["04.progi"]
    assert time.monotonic() - started < 5
    assert check.status == "fail" and "aliasy YAML rozwijają się" in check.message


def test_uncommitted_changes_and_a_folder_that_is_no_repository_are_noted(copy, tmp_path):
    from grading.tests.repos import commit_all

    commit_all(copy)
    (copy / "README.md").write_text("zmiana\n", encoding="utf-8")
    notes = grade_repository(copy, RUBRIC, classes=["01"]).notes
    assert any(note.startswith("niezatwierdzone zmiany w folderze") for note in notes)
    stranger = tmp_path / "zdjecia"
    stranger.mkdir()
    notes = grade_repository(stranger, RUBRIC, classes=["01"]).notes
    assert any("to nie wygląda na repozytorium studenta" in note for note in notes)


def test_the_feedback_says_how_to_check_again_in_run_mode_for_what_failed_there():
    def graded(*checks: tuple[str, str, str]) -> RepoResult:
        classes = {}
        for class_id, mode, status in checks:
            check = CheckResult(f"{class_id}.x", Decimal(0), Decimal(1), status, "", mode=mode)
            classes.setdefault(class_id, []).append(check)
        specs = [ClassResult(i, "", Decimal(0), Decimal(1), c) for i, c in classes.items()]
        return RepoResult("anna", "/tmp/anna", "sha", specs)

    static_only = graded(("01", "static", "fail"), ("02", "run", "skipped"))
    assert recheck_commands(static_only) == [".venv/bin/python -m grading ."]
    notebook = graded(("01", "run", "pass"), ("02", "run", "fail"), ("05", "run", "pass"))
    assert "grading . --run --classes 01,02 " in recheck_commands(notebook)[1]
    # A training check needs the ingest and preprocessing stages run in the same grading.
    pipeline = graded(
        ("02", "run", "pass"),
        ("03", "run", "pass"),
        ("04", "static", "pass"),
        ("05", "run", "timeout"),
        ("06", "run", "fail"),
        ("07", "run", "pass"),
    )
    assert "--run --classes 02,03,04,05,06 " in recheck_commands(pipeline)[1]
    assert "Jak sprawdzić ponownie" in markdown(pipeline)
    assert "--run --classes 02,03,04,05,06" in markdown(pipeline)
