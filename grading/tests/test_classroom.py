"""GitHub Classroom: the autograding result format and the workflow the starter carries,
checked statically and by running its grading step's exact script outside Actions."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import yaml

from grading import formats
from grading.engine import RepoResult
from grading.model import CheckResult, ClassResult
from grading.tests.repos import ROOT, commit_all, empty_layout

WORKFLOW = ROOT / ".github" / "workflows" / "classroom.yml"
BIN = Path(sys.executable).parent


def result_of(*checks: CheckResult, points: str | None = None) -> RepoResult:
    result = RepoResult("ola", ".", "sha")
    total = sum((check.points for check in checks), Decimal(0))
    maximum = sum((check.max for check in checks), Decimal(0))
    spec = ClassResult("01", "Planowanie", Decimal(points) if points else total, maximum)
    spec.checks = list(checks)
    spec.late = "1 commit po terminie" if points else None
    result.classes = [spec]
    return result


def test_evaluated_checks_become_tests_whose_scores_add_up():
    document = json.loads(
        formats.classroom(
            result_of(
                CheckResult("01.a", Decimal(1), Decimal(1), "pass", "ok"),
                CheckResult("01.b", Decimal("0.5"), Decimal(2), "fail", "brak sekcji"),
                CheckResult("01.c", Decimal(0), Decimal(1), "skipped", "tryb --run", mode="run"),
            )
        )
    )
    assert (document["version"], document["status"], document["max_score"]) == (1, "fail", 3.0)
    assert [(t["name"], t["status"], t["score"]) for t in document["tests"]] == [
        ("01.a", "pass", 1.0),
        ("01.b", "fail", 0.5),
    ]
    assert document["tests"][1]["message"] == "brak sekcji"


def test_a_late_penalty_is_a_test_and_a_grader_error_fails_the_run():
    late = json.loads(
        formats.classroom(
            result_of(CheckResult("01.a", Decimal(2), Decimal(2), "pass", "ok"), points="1.5")
        )
    )
    assert late["tests"][-1] | {"message": ""} == late["tests"][-1] | {
        "name": "01.korekta",
        "status": "fail",
        "score": -0.5,
        "message": "",
    }
    assert sum(test["score"] for test in late["tests"]) == 1.5
    broken = json.loads(
        formats.classroom(result_of(CheckResult("01.a", Decimal(0), Decimal(1), "error", "x")))
    )
    assert broken["status"] == "error"


def test_the_workflow_is_a_valid_github_workflow_wired_to_the_reporter():
    subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", WORKFLOW],
        check=True,
        capture_output=True,
    )
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    job = workflow["jobs"]["autograding"]
    # The reporter writes the points to the check run named "Autograding Tests".
    assert job["name"] == "Autograding Tests"
    assert workflow["permissions"]["checks"] == "write"
    grader = next(step for step in job["steps"] if step.get("id") == "grader")
    reporter = job["steps"][-1]
    assert reporter["uses"].startswith("classroom-resources/autograding-grading-reporter@")
    assert reporter["with"]["runners"] == "grader"
    assert reporter["env"]["GRADER_RESULTS"] == "${{ steps.grader.outputs.result }}"
    assert "make setup" in [step.get("run") for step in job["steps"]]
    assert grader["run"].startswith(".venv/bin/python -m grading . --format classroom")


def grading_step(repo: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """The step's exact script, as Actions runs it (bash -e) in a student's checkout;
    ``GITHUB_OUTPUT`` is ``tmp_path / "github_output"``."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    grader = next(s for s in workflow["jobs"]["autograding"]["steps"] if s.get("id") == "grader")
    output = tmp_path / "github_output"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GITHUB_OUTPUT": str(output)}
    return subprocess.run(["bash", "-e", "-c", grader["run"]], cwd=repo, env=env)


def reported(tmp_path: Path) -> dict:
    key, value = (tmp_path / "github_output").read_text(encoding="utf-8").strip().split("=", 1)
    assert key == "result"
    return json.loads(base64.b64decode(value))


def test_the_grading_step_reports_a_students_points(tmp_path):
    repo = empty_layout(tmp_path / "student")
    (repo / "grading").symlink_to(ROOT / "grading")  # the starter carries the grader
    (repo / ".venv").symlink_to(Path(sys.prefix))
    commit_all(repo)
    assert grading_step(repo, tmp_path).returncode == 0
    document = reported(tmp_path)
    assert document["status"] == "fail"
    assert document["max_score"] == 58.0 and sum(t["score"] for t in document["tests"]) == 0


def test_a_grading_with_a_broken_check_still_reaches_the_reporter(tmp_path):
    # A stand-in grader: a result with status "error" and exit code 1.
    repo = tmp_path / "student"
    (repo / ".venv" / "bin").mkdir(parents=True)
    grader = repo / ".venv" / "bin" / "python"
    grader.write_text('#!/bin/sh\necho \'{"version": 1, "status": "error"}\'\nexit 1\n')
    grader.chmod(0o755)
    assert grading_step(repo, tmp_path).returncode == 0
    assert reported(tmp_path) == {"version": 1, "status": "error"}
    grader.write_text("#!/bin/sh\nexit 2\n")  # no result at all: the step fails
    assert grading_step(repo, tmp_path).returncode != 0
