"""Gradescope: ``run_autograder`` on a submission laid out as Gradescope lays it out, and
the autograder zip ``make gradescope`` builds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grading.gradescope.build import build, main
from grading.tests.repos import ROOT, empty_layout, reference_copy

SCRIPTS = ROOT / "grading" / "gradescope"


def autograder(tmp_path: Path, submission: Path, grade_args: str = "") -> dict:
    """Run ``run_autograder`` in a ``/autograder`` layout under ``tmp_path`` (the source
    is this repository, with its environment) and return ``results/results.json``."""
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "source" / "repo").symlink_to(ROOT)
    submission.rename(root / "submission")
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "AUTOGRADER_ROOT": str(root),
        "GRADE_ARGS": grade_args,
    }
    subprocess.run([str(SCRIPTS / "run_autograder")], env=env, check=True, timeout=300)
    assert sorted(p.name for p in (root / "results").iterdir()) in (
        ["grader-stderr.txt", "results.json"],
        ["results.json"],
    )
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def test_a_submission_gets_one_test_per_check_and_its_score(tmp_path):
    # Gradescope's submission folder holds the uploaded files, without .git.
    results = autograder(tmp_path, reference_copy(tmp_path / "upload"), "--classes 01")
    assert results["score"] == 4.0
    tests = {test["name"]: test for test in results["tests"]}
    assert tests["01.backlog"] == tests["01.backlog"] | {"status": "passed", "max_score": 1.0}
    assert "status" not in tests["01.testy"]  # run mode: not evaluated, no verdict
    assert results["output"].startswith("Wynik: 4 / 5 pkt")


def test_a_zip_with_the_repository_in_one_folder_is_graded_from_that_folder(tmp_path):
    # GitHub's "Download ZIP": every file under `<repository>-main/`; zipped again by
    # macOS Finder, with its __MACOSX/ beside it.
    upload = tmp_path / "upload"
    reference_copy(upload / "mlops-main")
    (upload / "__MACOSX" / "mlops-main").mkdir(parents=True)
    results = autograder(tmp_path, upload, "--classes 01")
    assert results["score"] == 4.0


def test_an_empty_submission_scores_zero_with_what_to_fix(tmp_path):
    results = autograder(tmp_path, empty_layout(tmp_path / "upload"), "--classes 01")
    assert results["score"] == 0.0
    failed = [test for test in results["tests"] if test.get("status") == "failed"]
    assert len(failed) == 4 and all(test["output"] for test in failed)


def test_when_the_grader_cannot_grade_the_student_sees_why(tmp_path):
    results = autograder(tmp_path, empty_layout(tmp_path / "upload"), "--classes 99")
    assert results["score"] == 0.0 and results["tests"] == []
    assert results["output"].startswith(
        "Nie udało się ocenić repozytorium (kod wyjścia narzędzia oceniania: 2)."
    )
    assert "99" in results["output"]  # the grader's own message, from its stderr


def test_results_of_a_grading_with_a_broken_check_are_kept(tmp_path):
    # Exit code 1: graded, but one check could not be evaluated (its test says so); a
    # stand-in grader gives that exit code, which no student repository should provoke.
    root = tmp_path / "autograder"
    fake = root / "source" / "repo" / ".venv" / "bin"
    fake.mkdir(parents=True)
    (fake / "python").symlink_to(sys.executable)
    (fake / "kurs-grade").write_text('#!/bin/sh\necho \'{"score": 3.0, "tests": []}\'\nexit 1\n')
    (fake / "kurs-grade").chmod(0o755)
    (root / "submission").mkdir()
    env = {"PATH": "/usr/bin:/bin", "AUTOGRADER_ROOT": str(root)}
    subprocess.run([str(SCRIPTS / "run_autograder")], env=env, check=True, timeout=60)
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert results == {"score": 3.0, "tests": []}


def test_the_zip_has_the_scripts_on_top_and_the_committed_repository(tmp_path):
    out = build(tmp_path / "autograder.zip")
    with zipfile.ZipFile(out) as bundle:
        names = set(bundle.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in bundle.infolist()}
    assert {"setup.sh", "run_autograder", "repo/grading/rubric.yaml", "repo/uv.lock"} <= names
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert not any(name.startswith(("repo/.venv/", "repo/data/")) for name in names)


def test_a_copy_without_git_gets_a_message_and_no_zip(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("grading.gradescope.build.ROOT", empty_layout(tmp_path / "kopia"))
    assert main([str(tmp_path / "autograder.zip")]) == 1
    assert capsys.readouterr().err.startswith(f"Błąd: {tmp_path / 'kopia'} nie jest repozytorium")
    assert list(tmp_path.iterdir()) == [tmp_path / "kopia"]


@pytest.mark.parametrize("script", ["setup.sh", "run_autograder"])
def test_the_scripts_are_valid_bash(script):
    subprocess.run(["bash", "-n", str(SCRIPTS / script)], check=True)
    assert os.access(SCRIPTS / script, os.X_OK)
