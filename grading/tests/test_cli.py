"""``python -m grading``: formats, batches, stored results, exit codes, and a student's
own copy of the grader that must never run."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from grading import cli
from grading.cli import ExitCode, main
from grading.formats import check_markdown
from grading.model import CheckResult
from grading.tests.repos import ROOT, commit_all, empty_layout, reference_copy

BIN = Path(sys.executable).parent


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def student(tmp_path_factory) -> Path:
    """A committed copy of the reference: a student repository that did everything."""
    repo = reference_copy(tmp_path_factory.mktemp("class") / "anna")
    commit_all(repo)
    return repo


def test_one_repository_prints_its_classes_and_total(capsys, student):
    code, out, _ = run_main(capsys, str(student), "--classes", "01,11")
    assert code == ExitCode.OK
    assert "Repozytorium: anna (commit " in out
    assert "01 Planowanie i tworzenie tasków" in out and "11 Retrospektywa" in out
    assert "Razem: 9 / 10 pkt" in out and "nie oceniono" in out


def test_json_markdown_and_gradescope_formats(capsys, student):
    _, out, _ = run_main(capsys, str(student), "--classes", "11", "--format", "json")
    data = json.loads(out)
    assert (data["total"], data["max"], data["status"]) == ("5.00", "5", "graded")
    _, out, _ = run_main(capsys, str(student), "--classes", "01", "--format", "markdown")
    assert out.startswith("# Informacja zwrotna — anna")
    assert "⏭️ **01.testy**" in out and ".venv/bin/python -m grading ." in out
    _, out, _ = run_main(capsys, str(student), "--classes", "01", "--format", "gradescope")
    document = json.loads(out)
    assert document["score"] == 4.0
    tests = {t["number"]: t for t in document["tests"]}
    assert tests["01.backlog"]["status"] == "passed"
    assert "status" not in tests["01.testy"] and "max_score" not in tests["01.testy"]


def test_a_message_with_a_list_nests_it_under_the_check_in_the_feedback():
    message = "raport.md: sekcje z treścią 1 z 2. Do poprawy:\n- Dane: za krótka\n- Wyniki: brak"
    check = CheckResult("10.raport", Decimal(1), Decimal(2), "fail", message)
    assert check_markdown(check).splitlines()[1:] == ["  - Dane: za krótka", "  - Wyniki: brak"]


def test_a_batch_goes_on_past_a_repository_whose_grading_crashes(
    capsys, student, tmp_path, monkeypatch
):
    empty = empty_layout(tmp_path / "bartek")
    broken = empty_layout(tmp_path / "cezary")
    out_dir = tmp_path / "wyniki"
    real_command = cli.child_command

    def crashing(path, args):
        if path.name == "cezary":  # a grading process that dies without a word
            return [sys.executable, "-c", "import os; os._exit(3)"]
        return real_command(path, args)

    monkeypatch.setattr(cli, "child_command", crashing)
    code, out, err = run_main(
        capsys, str(student), str(empty), str(broken), "--jobs", "2", "--out", str(out_dir),
        "--classes", "01", "--format", "csv",
    )  # fmt: skip
    assert code == ExitCode.NOT_GRADED
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["repository"] for r in rows] == ["anna", "bartek", "cezary"]
    assert [r["total"] for r in rows] == ["4.00", "0.00", ""]
    assert rows[2]["status"] == "error" and "zakończył się kodem 3" in rows[2]["errors"]
    assert "[3/3]" in err and "z błędami: 1 (cezary)" in err
    for name in ("anna", "bartek"):
        assert (out_dir / f"{name}.json").is_file() and (out_dir / f"{name}.md").is_file()
        assert json.loads((out_dir / name / "results.json").read_text())["tests"]
    assert (out_dir / "gradebook.csv").read_text(encoding="utf-8") == out


def test_a_rerun_reuses_results_of_unchanged_commits(capsys, student, tmp_path):
    out_dir = tmp_path / "wyniki"
    run_main(capsys, str(student), "--out", str(out_dir), "--classes", "11")
    stored = (out_dir / "anna.json").read_text(encoding="utf-8")
    code, _, err = run_main(
        capsys, str(student), str(student), "--out", str(out_dir), "--classes", "11"
    )
    assert code == ExitCode.OK
    assert "anna: bez zmian, wynik zapisany wcześniej" in err
    assert "anna-2: 5 / 5" in err  # a second name is a different stored result
    assert (out_dir / "anna.json").read_text(encoding="utf-8") == stored


def test_the_declaration_check(capsys, tmp_path):
    code, out, _ = run_main(capsys, "--check-project", str(ROOT))
    assert (code, out.strip()) == (ExitCode.OK, f"{ROOT}/projekt.yaml: poprawny")
    repo = tmp_path / "r"
    repo.mkdir()
    (repo / "projekt.yaml").write_text("schema_version: 1\ntrack: plane\ndags: []\n")
    code, out, _ = run_main(capsys, "--check-project", str(repo))
    assert code == ExitCode.BAD_PROJECT
    assert "`track`: dozwolone: flights, own, jest 'plane'" in out
    assert "`dags`: oczekiwany słownik wpisów" in out
    assert "brak wpisu `dataset`" in out and "brak wpisu `dataset.name`" not in out


def test_unknown_classes_and_missing_folders_are_usage_errors(capsys, tmp_path):
    code, _, err = run_main(capsys, str(ROOT), "--classes", "12")
    assert code == ExitCode.USAGE and "nieznane zajęcia: 12" in err
    code, _, err = run_main(capsys, str(ROOT), str(tmp_path / "nie-ma"))
    assert (
        code == ExitCode.USAGE
        and f"nie ma takiego folderu (albo to plik): {tmp_path}/nie-ma" in err
    )
    with pytest.raises(SystemExit) as exit_:
        main([str(ROOT), "--jobs", "dwa"])
    assert exit_.value.code == ExitCode.USAGE
    assert "błąd: argument --jobs: 'dwa' to nie liczba całkowita" in capsys.readouterr().err


def test_a_students_copy_of_the_grader_never_runs(tmp_path):
    """A repository with its own grading/ that would award 100: started from inside it,
    the installed script still grades with the instructor's copy."""
    repo = empty_layout(tmp_path / "cwaniak")
    fake = repo / "grading"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "cli.py").write_text(
        "def main(argv=None):\n    print('Razem: 110 / 110 pkt')\n    return 0\n"
    )
    (fake / "__main__.py").write_text("print('Razem: 110 / 110 pkt')\n")
    done = subprocess.run(
        [str(BIN / "kurs-grade"), "."], cwd=repo, capture_output=True, text=True, check=False
    )
    assert "Razem: 0 / 110 pkt" in done.stdout, done.stdout + done.stderr
    batch = subprocess.run(
        [str(BIN / "kurs-grade"), ".", ".", "--format", "csv"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert [row["total"] for row in csv.DictReader(io.StringIO(batch.stdout))] == ["0.00"] * 2


def test_late_work_is_graded_at_the_deadline_in_a_batch_and_overrides_apply_last(capsys, tmp_path):
    """Class 11 handed in on time, then emptied after the deadline: graded on time in a
    batch (each repository in its own process), and an instructor's override on top."""
    repo = reference_copy(tmp_path / "celina")
    commit_all(repo, "on time", date="2026-12-01T10:00:00+01:00")
    (repo / "zajecia_11_retro" / "retrospektywa.md").write_text("# Retro\n", encoding="utf-8")
    late_sha = commit_all(repo, "late", date="2026-12-03T10:00:00+01:00")
    deadlines = tmp_path / "terminy.yaml"
    deadlines.write_text(
        'policy: not_counted\ndeadlines:\n  "11": "2026-12-01T23:59:00+01:00"\n', encoding="utf-8"
    )
    overrides = tmp_path / "korekty.yaml"
    overrides.write_text(
        "- {repository: celina, check: 11.dzialania, points: 0.5, automatic: 1,\n"
        "   reason: terminy działań w przeszłości, author: prowadzący}\n",
        encoding="utf-8",
    )
    code, out, err = run_main(
        capsys, str(repo), "--jobs", "2", "--classes", "11", "--format", "json",
        "--deadlines", str(deadlines), "--overrides", str(overrides),
    )  # fmt: skip
    assert code == ExitCode.OK, err
    data = json.loads(out)
    [spec] = data["classes"]
    assert spec["graded_commit"] != late_sha and "po terminie" in spec["late"]
    assert (data["total"], spec["points"]) == ("4.50", "4.50")
    check = next(k for k in data["checks"] if k["id"] == "11.dzialania")
    assert check["message"].startswith("Korekta prowadzącego (prowadzący)")


def test_invalid_deadlines_or_overrides_stop_before_grading(capsys, tmp_path):
    bad = tmp_path / "terminy.yaml"
    bad.write_text('deadlines:\n  "11": "2026-12-01T23:59:00"\n', encoding="utf-8")
    code, _, err = run_main(capsys, str(ROOT), "--deadlines", str(bad))
    assert code == ExitCode.BAD_INPUT and "11" in err and "stref" in err
    bad.write_text("- {repository: x, check: 01.plan, points: 1}\n", encoding="utf-8")
    code, _, err = run_main(capsys, str(ROOT), "--overrides", str(bad))
    assert code == ExitCode.BAD_INPUT and "reason" in err


def test_out_must_be_a_folder_and_a_typo_in_a_declared_path_is_named(capsys, tmp_path):
    existing = tmp_path / "wyniki.csv"
    existing.write_text("", encoding="utf-8")
    code, _, err = run_main(capsys, str(ROOT), "--out", str(existing))
    assert code == ExitCode.USAGE and "jest plikiem" in err
    repo = reference_copy(tmp_path / "dorota")
    declaration = repo / "projekt.yaml"
    declaration.write_text(
        declaration.read_text(encoding="utf-8").replace("eda.ipynb", "eda.ipnyb"), encoding="utf-8"
    )
    code, out, _ = run_main(capsys, "--check-project", str(repo))
    assert code == ExitCode.BAD_PROJECT
    assert "nie ma zajecia_02_eda/eda.ipnyb — czy chodziło o zajecia_02_eda/eda.ipynb?" in out


def test_gradescope_tests_add_up_to_the_score_with_a_late_penalty():
    from decimal import Decimal

    from grading import formats
    from grading.engine import RepoResult
    from grading.model import CheckResult, ClassResult

    check = CheckResult("01.a", Decimal(2), Decimal(2), "pass", "ok")
    late = "1 commit po terminie; kara 0,5 pkt"
    result = RepoResult("ola", ".", "sha")
    result.classes = [
        ClassResult("01", "Planowanie", Decimal("1.5"), Decimal(2), [check], late=late)
    ]
    document = json.loads(formats.gradescope(result))
    assert document["score"] == 1.5
    assert sum(test["score"] for test in document["tests"]) == 1.5
    assert document["tests"][-1] == {
        "name": "01.korekta",
        "number": "01.korekta",
        "score": -0.5,
        "output": late,
        "visibility": "visible",
    }


def test_run_with_deadlines_is_refused_with_the_reason(capsys, tmp_path):
    deadlines = tmp_path / "terminy.yaml"
    deadlines.write_text("deadlines:\n  '01': 2026-10-10\n", encoding="utf-8")
    code, _, err = run_main(capsys, str(ROOT), "--run", "--deadlines", str(deadlines))
    assert code == ExitCode.USAGE
    assert "--run razem z --deadlines nie jest jeszcze obsługiwane" in err


@pytest.mark.parametrize("budget", ["0", "-3", "nan", "inf", "1e999"])
def test_a_budget_must_be_a_finite_positive_number_of_minutes(capsys, tmp_path, budget):
    with pytest.raises(SystemExit) as stopped:
        main([str(tmp_path), "--run", "--budget", budget])
    assert stopped.value.code == 2
    assert f"--budget: musi być liczbą > 0, jest {budget}" in capsys.readouterr().err
