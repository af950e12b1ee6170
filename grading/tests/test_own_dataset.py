"""The same rubric grades a student's own data set (track ``own``): a bike-rentals
repository with its own declaration, classes 01–04 and 11 done, 05–10 not started."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from grading import cli
from grading.engine import grade_repository
from grading.project import validate
from grading.rubric import load_rubric
from grading.tests.own_dataset import (
    DATA_FILE,
    EMPTY_FOLDERS,
    LEAKAGE_COLUMNS,
    TARGET,
    UNFINISHED_PATHS,
    build_own_repository,
)

RUBRIC = load_rubric()
DONE = ("01", "02", "03", "04", "11")
NOT_DONE = ("05", "06", "07", "08", "09", "10")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return build_own_repository(tmp_path_factory.mktemp("own") / "rowery")


@pytest.fixture(scope="module")
def result(repo):
    return grade_repository(repo, RUBRIC)


def checks_of(result, classes: tuple[str, ...]) -> list:
    return [k for c in result.classes if c.id in classes for k in c.checks]


def test_every_static_check_of_the_done_classes_passes(result):
    failing = [
        f"{k.id}: {k.status}: {k.message}"
        for k in checks_of(result, DONE)
        if k.mode == "static" and k.status != "pass"
    ]
    assert failing == [], "\n".join(failing)


def test_run_checks_of_the_done_classes_are_not_evaluated(result):
    run = [k for k in checks_of(result, DONE) if k.mode == "run"]
    assert run and {(k.status, k.points) for k in run} == {("skipped", 0)}


def test_the_checks_read_the_students_own_declaration(result):
    checks = {k.id: k for k in checks_of(result, DONE)}
    assert f"`{TARGET}`" in checks["02.cel"].message
    assert "2 z 2" in checks["02.wyciek"].message
    assert "tygodniowy" in checks["03.harmonogram"].message
    assert "2022-01-03" in checks["03.harmonogram"].message
    assert "`raw_rentals`" in checks["03.asset"].message
    assert "`raw_rentals`" in checks["04.dag"].message
    assert "docs/cel.md" in checks["01.cel_biznesowy"].message


def test_paths_not_written_yet_are_not_problems_of_the_declaration(result):
    assert result.project_problems == {}


def test_the_classes_not_done_fail_without_grader_errors(result):
    checks = checks_of(result, NOT_DONE)
    assert {k.status for k in checks if k.mode == "static"} == {"fail"}
    assert {k.status for k in checks if k.mode == "run"} == {"skipped"}
    missing = [k for c in result.classes if c.id in ("07", "08", "09", "10") for k in c.checks]
    assert all("nieoddane" in k.message for k in missing if k.mode == "static")
    assert result.status == "graded"


def test_the_classes_not_done_score_nothing(result):
    scored = {k.id: k.points for k in checks_of(result, NOT_DONE) if k.points}
    assert scored == {}


def test_the_total_is_the_static_maximum_of_the_done_classes(result):
    static_max = sum(
        (k.points for c in RUBRIC.classes if c.id in DONE for k in c.checks if k.mode == "static"),
        Decimal(0),
    )
    assert static_max == Decimal(34)
    assert result.total == static_max


def test_the_declaration_is_valid_and_lists_the_paths_not_written_yet(repo, capsys):
    declaration = yaml.safe_load((repo / "projekt.yaml").read_text(encoding="utf-8"))
    assert declaration["track"] == "own"
    assert validate(declaration) == {}
    assert cli.main(["--check-project", str(repo)]) == cli.ExitCode.OK
    printed = capsys.readouterr().out
    assert "projekt.yaml: poprawny" in printed
    assert f"Ścieżki, których jeszcze nie ma ({len(UNFINISHED_PATHS)})" in printed
    assert all(path in printed for path in UNFINISHED_PATHS.values())


def test_the_repository_is_a_genuine_own_project(repo):
    with (repo / DATA_FILE).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 365
    assert {"rentals", *LEAKAGE_COLUMNS} <= set(rows[0])
    assert all(not any((repo / folder).iterdir()) for folder in EMPTY_FOLDERS)
    absent = [
        c.folder for c in RUBRIC.classes if c.id in NOT_DONE and c.folder not in EMPTY_FOLDERS
    ]
    assert len(absent) == 4 and not any((repo / folder).exists() for folder in absent)
    texts = [p for p in repo.rglob("*") if p.suffix in (".md", ".py", ".yaml", ".ipynb")]
    assert not [p for p in texts if "flight" in p.read_text(encoding="utf-8").lower()]
