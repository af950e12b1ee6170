"""The student's own tests of a class folder, run in the sandbox (``student_tests``).

The result is read from a JUnit XML report written to a path in the grader's folder
(outside the repository copy) and cross-checked with pytest's exit status: both must say
the tests passed. A repository whose Python code defines pytest hooks that can rewrite
results (:data:`FORGING_HOOKS`) or calls ``os._exit`` at import or in a ``conftest.py``
gets no test points automatically: it is flagged for the instructor (``review``).
"""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from grading.checks.base import Context, run_check
from grading.checks.running import digest, failure, session, written
from grading.model import Evidence, Outcome, StudentError
from grading.polish import plural

DEFAULT_TIMEOUT_S = 900
# Hooks through which a plugin or conftest decides what a test's result says, or whether
# a test function is called at all.
FORGING_HOOKS = frozenset(
    {
        "pytest_runtest_makereport",
        "pytest_report_teststatus",
        "pytest_runtest_protocol",
        "pytest_runtest_logreport",
        "pytest_runtest_call",
        "pytest_pyfunc_call",
        "pytest_sessionfinish",
    }
)
NOT_SCANNED = frozenset({".venv", ".git", "data", "node_modules"})


@run_check("student_tests", required=("folder",), optional=("timeout",))
def student_tests(context: Context, params: Mapping[str, Any]) -> Outcome:
    run = session(context)
    folder: str = params["folder"]
    if not context.files.is_dir(folder):
        raise StudentError(f"brak folderu {folder}")
    suspicious = run.once("forging_code", lambda: forging_code(context.files.root))
    if suspicious:
        return Outcome.for_review(
            "kod w repozytorium może zmieniać wyniki testów, więc nie liczę ich "
            "automatycznie — prowadzący oceni je ręcznie: " + "; ".join(suspicious[:5]),
            *(Evidence(file=item.split(":")[0]) for item in suspicious[:5]),
        )
    with run.scratch(f"tests-{folder}") as work:
        repo = run.copy(work)
        report = work / "report.xml"
        arguments = [folder, "-p", "no:cacheprovider", f"--junit-xml={report}", "-q"]
        arguments += ["-o", "junit_family=xunit2"]
        before = digest(repo)
        completed = run.sandbox(work).run(
            isolated_pytest(run.python, repo, arguments),
            repo,
            run.timeout(float(params.get("timeout", DEFAULT_TIMEOUT_S))),
        )
        outside = sorted(
            p.name for p in work.iterdir() if p.name not in {"repo", "home", "report.xml"}
        )
        counts = junit_counts(report)
        notes = _side_effects(folder, before, digest(repo), outside)
    shown_command = f"pytest {folder}"
    if completed.returncode == 5:
        return Outcome.failed(f"w {folder} nie ma testów (pytest nic nie zebrał)")
    if completed.returncode == 2 and counts is not None:
        return Outcome.failed(
            f"pytest przerwał zbieranie testów {folder} (kod 2: błąd importu albo składni)",
            Evidence(command=shown_command, excerpt=completed.tail() or None),
        )
    if completed.timed_out or counts is None or completed.returncode not in (0, 1):
        message, evidence = failure(
            f"testy {folder} nie zakończyły się raportem", completed, shown_command
        )
        return Outcome.failed(message, evidence)
    tests, failed = counts
    if completed.returncode == 0 and not failed and tests == 0:
        return Outcome.failed(
            f"żaden test {folder} się nie wykonał (wszystkie pominięte: skip/xfail) — "
            "pominięty test niczego nie sprawdza"
        )
    if completed.returncode == 0 and not failed:
        return Outcome.passed(
            f"{plural(tests, 'test przechodzi', 'testy przechodzą', 'testów przechodzi')}" + notes,
            Evidence(command=shown_command),
        )
    if completed.returncode == 0 or not failed:
        return Outcome.for_review(
            f"wynik testów niespójny: kod wyjścia pytest {completed.returncode}, a raport mówi "
            f"o {tests} testach i {len(failed)} nieudanych — do ręcznego sprawdzenia",
            Evidence(command=shown_command, excerpt=completed.tail() or None),
        )
    return Outcome.failed(
        f"{len(failed)} z {tests} testów nie przechodzi: {', '.join(failed[:5])}"
        + (" …" if len(failed) > 5 else ""),
        Evidence(command=shown_command, excerpt=completed.tail() or None),
    )


def isolated_pytest(python: str, repo: Path, arguments: list[str]) -> list[str]:
    """pytest started in isolated mode (``-I``: no working directory, no PYTHONPATH in
    front of ``sys.path``), with the repository copy appended *after* the installed
    packages: a student's ``pytest.py`` or ``json.py`` cannot replace the real ones. The
    tests still import the student's packages from the copy."""
    code = (
        "import sys; sys.path.append(sys.argv[1]); import pytest; "
        "raise SystemExit(pytest.main(sys.argv[2:]))"
    )
    return [python, "-I", "-c", code, str(repo), *arguments]


def junit_counts(report: Path) -> tuple[int, list[str]] | None:
    """(number of tests executed — skipped and xfail ones left out —, names of the failed
    or errored ones) from a JUnit XML report; None when there is no readable report."""
    try:
        root = ElementTree.parse(report).getroot()
    except (OSError, ElementTree.ParseError, ValueError):
        return None
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    if not suites:
        return None
    try:
        tests = sum(int(s.get("tests", 0)) - int(s.get("skipped", 0)) for s in suites)
    except ValueError:
        return None
    failed = [
        f"{case.get('classname', '')}::{case.get('name', '')}"
        for suite in suites
        for case in suite.iter("testcase")
        if case.find("failure") is not None or case.find("error") is not None
    ]
    return tests, failed


def forging_code(root: Path) -> list[str]:
    """``file:line: what`` for each pytest hook of :data:`FORGING_HOOKS` defined in the
    repository's Python files, each ``os._exit`` in a ``conftest.py``, and each
    ``os._exit`` run at import (outside any function) anywhere."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if NOT_SCANNED & set(relative.parts) or not path.is_file() or path.is_symlink():
            continue
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError, RecursionError):
            continue
        found += [f"{relative}:{line}: {what}" for line, what in _suspicious(tree, path.name)]
    return found


def _suspicious(tree: ast.Module, name: str) -> list[tuple[int, str]]:
    found = []
    functions = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions.update(id(child) for child in ast.walk(node) if child is not node)
            if node.name in FORGING_HOOKS:
                found.append((node.lineno, f"hook {node.name}"))
    for node in ast.walk(tree):
        if _is_exit_call(node) and (name == "conftest.py" or id(node) not in functions):
            found.append((node.lineno, "os._exit"))
    return found


def _is_exit_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr == "_exit") or (
        isinstance(func, ast.Name) and func.id == "_exit"
    )


def _side_effects(folder: str, before: dict, after: dict, outside: list[str]) -> str:
    """A note on files the tests wrote outside their class folder."""
    stray = [name for name in written(before, after) if not name.startswith(f"{folder}/")]
    stray = [name for name in stray if not name.startswith("data/")]
    notes = ""
    if outside:
        notes += f"; uwaga: testy zapisały pliki poza repozytorium ({', '.join(outside[:5])})"
    if stray:
        notes += (
            f"; uwaga: testy zmieniły pliki poza swoim folderem ({', '.join(stray[:5])}) — "
            "niech piszą do tmp_path"
        )
    return notes
