"""The run mode on this repository's own class 02: the EDA notebook from scratch and the
class's tests in the sandbox. They export HTML with nbconvert's templates and draw inline
figures: what a sandbox missing the environment's data files or forcing a plotting
backend breaks, while small fixture repositories do not notice."""

from __future__ import annotations

import os

import pytest

from grading.engine import grade_repository
from grading.rubric import load_rubric
from grading.runs import RunSettings
from grading.sandbox import WORKER, leftovers
from grading.tests.repos import ROOT

pytestmark = pytest.mark.slow


def test_the_reference_gets_every_run_point_of_class_02(monkeypatch):
    mark = f"reference{os.getpid()}"
    monkeypatch.setenv(WORKER, mark)
    result = grade_repository(ROOT, load_rubric(), ["02"], RunSettings(budget_s=900))
    [graded] = result.classes
    run_checks = {check.id: check for check in graded.checks if check.mode == "run"}
    assert set(run_checks) == {"02.od_zera", "02.testy"}
    assert all(check.status == "pass" for check in run_checks.values()), [
        check.message for check in run_checks.values()
    ]
    assert graded.points == graded.max
    assert leftovers(f"{mark}-") == set()
