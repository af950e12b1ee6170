"""The starter generated from this repository: no solution survives, the grader gives it
0, filling one class back from the reference gives exactly that class its points, and
its own test suite fails only where work is due."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest

from kurs.repository import REPO_ROOT, class_folders
from kurs.starter.generate import generate, tracked_files
from kurs.starter.markers import COMMENT, regions
from kurs.starter.notebooks import SOLUTION_TAG
from kurs.starter.rules import kind, rule

BIN = Path(sys.executable).parent
# Shorter lines are too common (`return result`, `)`) to say that a solution leaked.
DISTINCTIVE = 30


def commit(repo: Path, message: str) -> None:
    env = os.environ | {"GIT_AUTHOR_NAME": "s", "GIT_AUTHOR_EMAIL": "s@example.com"}
    env |= {"GIT_COMMITTER_NAME": "s", "GIT_COMMITTER_EMAIL": "s@example.com"}
    if not (repo / ".git").exists():
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", message], check=True, env=env)


@pytest.fixture(scope="module")
def starter(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("starter") / "mlops-student"
    generate(dest)
    commit(dest, "starter")
    return dest


def solution_and_kept_lines() -> tuple[set[str], set[str]]:
    """Stripped lines inside the reference's solution regions and cells, and every other
    line of the files the starter is made from."""
    solution: set[str] = set()
    kept: set[str] = set()
    for path in tracked_files(REPO_ROOT):
        if rule(path) != "copy":
            continue
        try:
            text = (REPO_ROOT / path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        file_kind = kind(path)
        if file_kind == "notebook":
            for cell in nbformat.reads(text, as_version=4).cells:
                tagged = SOLUTION_TAG in cell.metadata.get("tags", [])
                (solution if tagged else kept).update(cell.source.splitlines())
            continue
        lines = text.split("\n")
        inside: set[int] = set()
        for region in regions(lines, path, COMMENT[file_kind]):
            inside.update(range(region.begin, region.end + 1))
        for number, line in enumerate(lines):
            (solution if number in inside else kept).add(line)
    strip = {line.strip() for line in solution} - {line.strip() for line in kept}
    return {line for line in strip if len(line) >= DISTINCTIVE}, kept


def test_no_line_of_a_solution_survives_in_the_starter(starter):
    solution, _ = solution_and_kept_lines()
    assert len(solution) > 500  # every class marks its work, not a token region
    leaked = []
    for file in starter.rglob("*"):
        if file.is_file() and ".git" not in file.relative_to(starter).parts:
            text = file.read_bytes().decode("utf-8", errors="replace")
            lines = {line.strip() for line in text.splitlines()}
            if kind(file.name) == "notebook":
                cells = nbformat.reads(text, as_version=4).cells
                lines = {line.strip() for cell in cells for line in cell.source.splitlines()}
            leaked += [f"{file.relative_to(starter)}: {line}" for line in lines & solution]
    assert leaked == []


def test_the_starter_passes_ruff_and_keeps_the_project_files(starter):
    for arguments in (["check"], ["format", "--check"]):
        subprocess.run([str(BIN / "ruff"), *arguments, "--no-cache", "."], cwd=starter, check=True)
    # Installing the starter is installing the reference: the same lock and environment.
    assert (starter / "uv.lock").read_bytes() == (REPO_ROOT / "uv.lock").read_bytes()
    assert (starter / ".ci" / "run").read_bytes() == (REPO_ROOT / ".ci" / "run").read_bytes()
    for name in ("README.md", "projekt.yaml"):
        assert (starter / name).is_file()
    for folder in class_folders():
        # The contract: what to hand in, for how many points, checked how.
        readme = (starter / folder.name / "README.md").read_text(encoding="utf-8")
        rows = re.findall(r"^\| \d\d\.\w+ \|.*$", (folder / "README.md").read_text(), re.M)
        assert rows and all(row in readme for row in rows), folder.name
    assert not (starter / "kurs" / "starter").exists()
    assert not (starter / "grading" / "tests").exists()


def grade(repo: Path) -> dict[str, tuple[str, str]]:
    """The static grade of ``repo``: class id -> (points, the static checks' maximum)."""
    result = subprocess.run(
        [str(BIN / "kurs-grade"), str(repo), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    document = json.loads(result.stdout)
    grades = {spec["id"]: [spec["points"], 0.0] for spec in document["classes"]}
    for check in document["checks"]:
        if check["status"] != "skipped":
            grades[check["id"].split(".")[0]][1] += float(check["max"])
    return {spec: (points, maximum) for spec, (points, maximum) in grades.items()}


def test_the_grader_gives_the_starter_nothing_for_the_work(starter):
    grades = grade(starter)
    assert len(grades) == 11
    assert {spec: points for spec, (points, _) in grades.items() if points != "0.00"} == {}


@pytest.mark.parametrize("number", ["03", "10"])
def test_filling_one_class_from_the_reference_raises_exactly_that_class(starter, tmp_path, number):
    repo = tmp_path / "student"
    shutil.copytree(starter, repo, symlinks=True)
    folder = next(f.name for f in class_folders() if f.name.startswith(f"zajecia_{number}_"))
    shutil.rmtree(repo / folder)
    for path in tracked_files(REPO_ROOT):
        if path.startswith(f"{folder}/"):
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / path, repo / path)
    commit(repo, f"zajęcia {number}")
    grades = grade(repo)
    points, maximum = grades.pop(number)
    assert float(points) == maximum > 0
    assert {spec: points for spec, (points, _) in grades.items() if points != "0.00"} == {}


# A skeleton that is itself broken: a name the starter lost, a module that is gone.
BROKEN_SKELETON = re.compile(
    r"\b(ImportError|ModuleNotFoundError|NameError|SyntaxError|IndentationError)\b"
    r"|AttributeError: module "
)
DUE = re.compile(r"NotImplementedError: Zajęcia (\d\d), ")
# What a failure says first, as a skeleton's NotImplementedError does: the class and the
# task ("Zajęcia 06, monitor.psi: …"). JUnit keeps the head of the message (500
# characters), which is also what a student reads first.
NAMED = re.compile(r"\bZajęcia (\d\d), ")
ANSI = re.compile(r"(?:\x1b|#x1B)\[[0-9;]*m")


def starter_pytest(starter: Path, *arguments: str) -> subprocess.CompletedProcess:
    # The starter's own modules, not this repository's, whatever the environment has.
    env = os.environ | {"PYTHONPATH": str(starter), "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "--no-cov"]
    return subprocess.run(
        [*command, *arguments], cwd=starter, env=env, capture_output=True, text=True, timeout=1800
    )


def test_every_test_of_the_starter_is_collected(starter):
    """No test module fails to import: what a skeleton lacks shows up when a test runs."""
    result = starter_pytest(starter, "--collect-only", "-q")
    assert result.returncode == 0, result.stdout[-3000:]


def failure_problem(case: ET.Element) -> str | None:
    """Why a failed test of the starter does not fail "where work is due", or None: its
    message must name the class and the task (``Zajęcia NN, …``) — its own class or an
    earlier one — and the skeleton must not be broken."""
    # A test that failed may also have errored at teardown: a route not written yet
    # answers 500 and its task comes at the teardown (kurs.testing.due.logged_tasks).
    found = [*case.iter("failure"), *case.iter("error")]
    if not found:
        return None
    # Tracebacks from a notebook's kernel carry ANSI colours (written as #x1B in the XML).
    text = ANSI.sub("", "\n".join(f"{f.get('message', '')}\n{f.text or ''}" for f in found))
    folder = re.match(r"zajecia_(\d\d)_", case.get("classname", ""))
    if BROKEN_SKELETON.search(text):
        return f"zepsuty szkielet: {BROKEN_SKELETON.search(text)[0]}"
    message = ANSI.sub("", " | ".join(f.get("message", "") for f in found))
    named = NAMED.findall(message)
    if not named:
        return f"komunikat nie mówi, których zajęć i którego zadania brakuje: {message[:300]}"
    due = sorted({int(number) for number in [*named, *DUE.findall(text)]})
    # A failure may list later classes' tasks too (every DAG file's import error), but it
    # must name one of its own class or an earlier one.
    if folder and due[0] > int(folder[1]):
        return f"test zajęć {folder[1]} czeka tylko na późniejsze zajęcia {due[0]:02d}"
    return None


def outcomes_by_test(report: ET.Element) -> list[ET.Element]:
    """One ``testcase`` per test of a JUnit report: pytest writes a test that failed and
    then errored at teardown as two elements of the same name; their outcomes are merged."""
    merged: dict[tuple[str | None, str | None], ET.Element] = {}
    for case in report.iter("testcase"):
        key = (case.get("classname"), case.get("name"))
        if key in merged:
            merged[key].extend(list(case))
        else:
            merged[key] = case
    return list(merged.values())


def junit_case(classname: str, message: str, text: str = "", kind: str = "failure"):
    case = ET.Element("testcase", classname=classname, name="test_x")
    ET.SubElement(case, kind, message=message).text = text
    return case


@pytest.mark.parametrize(
    ("classname", "message", "text", "problem"),
    [
        # What a trial's starter showed: checks of deliverables not written yet, a 500 from
        # a route not written yet, a DAG file's import error: no class, no task.
        ("zajecia_03_x.tests.t", "AssertionError: docker-compose.yml: no services", "", "nie mówi"),
        ("zajecia_07_x.tests.t", "assert (500 == 503)", "", "nie mówi"),
        ("zajecia_08_x.tests.t", "assert set()", "", "nie mówi"),
        (
            "kurs.tests.test_dags",
            "AssertionError: Traceback (most recent call last):",
            "NotImplementedError: Zajęcia 03, flights_ingest (DAG Airflow): DAG z README",
            "nie mówi",
        ),
        ("zajecia_04_x.tests.t", "NotImplementedError: Zajęcia 05, train.fit: ucz", "", "później"),
        ("zajecia_05_x.tests.t", "NameError: name 'fit' is not defined", "", "zepsuty"),
        ("zajecia_08_x.tests.t", "NotImplementedError: Zajęcia 08, prometheus.yml: cele", "", None),
        (
            "zajecia_10_x.tests.t",
            'failed on setup with "NotImplementedError: Zajęcia 03, a.b: c"',
            "",
            None,
        ),
        ("kurs.tests.test_dags", "NotImplementedError: Zajęcia 03, flights_ingest: DAG", "", None),
    ],
)
def test_a_failure_of_the_starter_must_say_its_class_and_task(classname, message, text, problem):
    found = failure_problem(junit_case(classname, message, text))
    if problem is None:
        assert found is None
    else:
        assert found and problem in found


def test_a_task_at_the_teardown_of_a_failed_test_names_it():
    report = ET.Element("testsuite")
    report.append(junit_case("zajecia_07_x.tests.t", "assert (500 == 503)"))
    teardown = 'failed on teardown with "NotImplementedError: Zajęcia 07, routes.predict: c"'
    report.append(junit_case("zajecia_07_x.tests.t", teardown, kind="error"))
    [case] = outcomes_by_test(report)
    assert failure_problem(case) is None


@pytest.mark.slow
def test_the_starters_tests_fail_only_where_work_is_due(starter, tmp_path):
    """Seven classes' suites, each whole: plain code (01, 11), a notebook with task cells
    (02), a DAG and its registry (05), Docker files and an API (07), the monitoring stack's
    configuration and a dashboard the starter drops (08), a notebook and a report (10); and
    the DAG files' import check. The whole starter suite (about 6 minutes on one core) is
    too long to run inside `make test`."""
    report = tmp_path / "junit.xml"
    chosen = ("01", "02", "05", "07", "08", "10", "11")
    folders = [f"{f.name}/tests" for f in class_folders() if f.name[8:10] in chosen]
    starter_pytest(starter, f"--junitxml={report}", *folders, "kurs/tests/test_dags.py")
    cases = outcomes_by_test(ET.parse(report).getroot())
    problems = {}
    failed = 0
    for case in cases:
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        problem = failure_problem(case)
        if problem:
            problems[f"{case.get('classname')}::{case.get('name')}"] = problem
    assert problems == {}
    assert failed > 100  # the work is due: a starter whose tests pass has no tasks
