import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kurs import exit_codes, run_state, runner
from kurs.backfill import CHILD_MARK
from kurs.repository import REPO_ROOT
from kurs.runner import Course, Step, classes_with_steps, discover, grade_repository, main, run


def test_every_class_has_a_step_or_a_readme_status():
    course = discover()
    numbers = [step.number for step in course.steps]
    assert numbers == sorted(numbers) and numbers[:8] == list(range(1, 9))
    assert set(numbers) | set(course.without_step) == set(range(1, 12))
    assert course.class_count == 11
    assert all(step.title and step.action and callable(step.run) for step in course.steps)


def test_steps_are_found_not_listed(tmp_path, monkeypatch):
    """A class gets a step by having step.py; without one, its README says why."""
    for name, step, status in (
        ("zajecia_01_alfa", True, "gotowe"),
        ("zajecia_02_beta", False, "w przygotowaniu"),
        ("zajecia_03_gamma", False, None),
    ):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "__init__.py").touch()
        if step:
            (folder / "step.py").write_text(
                'TITLE = "Alfa"\nACTION = "coś robi"\n\n\ndef run(context):\n    return []\n'
            )
        if status:
            (folder / "README.md").write_text(f"# Zajęcia\n\n> Status: **{status}** — opis.\n")
    (tmp_path / "notatki").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    course = discover(tmp_path)
    assert [(s.number, s.title, s.action) for s in course.steps] == [(1, "Alfa", "coś robi")]
    assert course.without_step == {2: "w przygotowaniu", 3: "brak statusu w README"}
    assert course.class_count == 3


def test_progress_lines_and_summary(tmp_path):
    made = tmp_path / "wynik.md"
    seen = []

    def with_details(context):
        seen.append(context.data_dir)
        context.report("2013-01 … ok")
        context.report("razem: 2 miesiące")
        return []

    steps = (
        Step(1, "Planowanie", "plan", lambda context: [made]),
        Step(3, "Airflow: pobieranie", "backfill", with_details),
    )
    out = io.StringIO()
    without = {9: "w przygotowaniu", 10: "w przygotowaniu", 11: "gotowe"}
    assert run(Course(steps, without, 11), tmp_path / "dane", out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("[01/11] Planowanie: plan … ok (")
    assert lines[1:5] == [
        "[03/11] Airflow: pobieranie: backfill … ",
        "        2013-01 … ok",
        "        razem: 2 miesiące",
        lines[4],
    ]
    assert lines[4].startswith("        ok (")
    assert any(line.strip().endswith(str(made)) for line in lines)
    assert "W przygotowaniu (jeszcze bez kodu): zajęcia 09, 10." in out.getvalue()
    assert "Gotowe (bez kroku w make run): zajęcia 11." in out.getvalue()
    assert seen == [tmp_path / "dane"]


def test_first_failure_stops_the_run(tmp_path):
    calls = []

    def broken(context):
        raise ValueError("zepsuty backlog")

    steps = (
        Step(1, "Planowanie", "plan", broken),
        Step(2, "EDA", "nb", lambda context: calls.append(2)),
    )
    out = io.StringIO()
    assert run(Course(steps, {}, 11), tmp_path, out) == 1
    assert "BŁĄD" in out.getvalue()
    assert "ValueError: zepsuty backlog" in out.getvalue()
    assert "Przerwano na zajęciach 01" in out.getvalue()
    assert calls == []


def recording_discover(ran: list):
    """``discover`` with steps that record their class and data folder instead of running."""

    def recorder(number):
        def step(context):
            ran.append((number, context.data_dir))
            return []

        return step

    def discover_(only=None):
        real = discover(only=only)
        fake = tuple(Step(s.number, s.title, s.action, recorder(s.number)) for s in real.steps)
        return Course(fake, real.without_step, real.class_count)

    return discover_


def test_only_runs_the_chosen_classes_on_the_data_folder_resolved_once(tmp_path, monkeypatch):
    ran = []
    monkeypatch.setattr(runner, "discover", recording_discover(ran))
    monkeypatch.setenv("MLOPS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(CHILD_MARK, "1")  # as in the configured child: the run stays here
    assert main(["--only", "2", "5"]) == 0
    assert ran == [(2, tmp_path.resolve()), (5, tmp_path.resolve())]


def test_only_imports_just_the_chosen_steps():
    course = discover(only=[1])
    assert [step.number for step in course.steps] == [1]
    assert classes_with_steps()[:8] == list(range(1, 9))


def test_only_rejects_a_number_without_a_step(capsys):
    # Never a class with a step: that would run it on the repository's data folder. Every
    # class has one, so the first number after them.
    without = min(set(range(1, 13)) - set(classes_with_steps()))
    with pytest.raises(SystemExit) as exit_:
        main(["--only", str(without)])
    assert exit_.value.code == exit_codes.USAGE
    err = capsys.readouterr().err
    assert f"argument --only: niepoprawny wybór: {without} (do wyboru: 1, 2" in err


def test_a_step_on_data_without_its_inputs_says_what_to_run_first(tmp_path):
    """``--only 4`` on empty data: the step does not start; the message names the missing
    folder, the class that writes it and the command to run."""
    ran = []
    steps = (
        Step(4, "Airflow: przetwarzanie", "backfill", ran.append, {"raw/flights": 3}),
        Step(5, "Airflow: trening", "backfill", ran.append, {"features/flights": 4}),
    )
    out = io.StringIO()
    assert run(Course(steps, {}, 11), tmp_path, out) == exit_codes.ERROR
    assert ran == []
    assert "[04/11] Airflow: przetwarzanie: backfill … BŁĄD" in out.getvalue()
    assert (
        f"W folderze danych {tmp_path} brakuje wyników wcześniejszych zajęć: raw/flights/ "
        "(zajęcia 03). Uruchom najpierw ich krok: python -m kurs --only 3"
    ) in out.getvalue()
    (tmp_path / "raw" / "flights").mkdir(parents=True)
    steps[0].check_inputs(tmp_path)


def test_the_steps_declare_what_they_read_from_earlier_classes():
    needs = {step.number: step.needs for step in discover().steps}
    assert needs[4] == {"raw/flights": 3}
    assert all(number < step for step, need in needs.items() for number in need.values())


def counting_steps(tmp_path, calls: list[int], broken: set[int] = frozenset()):
    """Three steps that count their runs and write one file each into ``tmp_path``."""

    def step(number):
        def run_(context):
            calls.append(number)
            if number in broken:
                raise RuntimeError(f"krok {number} zepsuty")
            made = tmp_path / f"wynik_{number}.txt"
            made.write_text("ok", encoding="utf-8")
            return [made]

        return Step(number, f"Krok {number}", "coś robi", run_)

    # A root with no code: the steps' fingerprints stay the same from run to run.
    (tmp_path / "kod").mkdir(exist_ok=True)
    return Course(tuple(step(n) for n in (1, 2, 3)), {}, 3, tmp_path / "kod")


def test_a_second_run_skips_the_steps_whose_work_is_done(tmp_path):
    calls, folder = [], tmp_path / "dane"
    course = counting_steps(tmp_path, calls)
    assert run(course, folder, io.StringIO()) == exit_codes.OK
    out = io.StringIO()
    assert run(course, folder, out) == exit_codes.OK
    assert calls == [1, 2, 3]
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("[01/3] Krok 1: coś robi … pominięty: zrobiony w poprzednim")
    assert lines[0].endswith("kod bez zmian, wyniki na miejscu")
    assert "pominięte (zrobione wcześniej): 3 z 3" in out.getvalue()
    # What the skipped steps made is listed all the same.
    assert any(line.strip().endswith("wynik_2.txt") for line in lines)
    timings = json.loads((folder / "make_run" / runner.TIMINGS).read_text(encoding="utf-8"))
    assert [stage["skipped"] for stage in timings["stages"]] == [True, True, True, False]


def test_a_step_whose_output_is_gone_runs_again_and_so_does_every_step_after_it(tmp_path):
    calls, folder = [], tmp_path / "dane"
    course = counting_steps(tmp_path, calls)
    run(course, folder, io.StringIO())
    (tmp_path / "wynik_2.txt").unlink()
    run(course, folder, io.StringIO())
    assert calls == [1, 2, 3, 2, 3]  # 3 reads what 2 made: a new run of 2 is new input
    run(course, folder, io.StringIO(), force=True)
    assert calls == [1, 2, 3, 2, 3, 1, 2, 3]


def test_a_failed_step_is_never_taken_for_done(tmp_path):
    calls, folder = [], tmp_path / "dane"
    run(counting_steps(tmp_path, calls), folder, io.StringIO())
    assert run(counting_steps(tmp_path, calls, broken={2}), folder, io.StringIO(), force=True) == 1
    assert run_state.read_stamp(folder, 2) is None
    assert run(counting_steps(tmp_path, calls), folder, io.StringIO()) == exit_codes.OK
    assert calls == [1, 2, 3, 1, 2, 2, 3]  # the last run: 1 was done, 2 and 3 were not


def test_the_run_ends_with_the_grade_of_this_repository():
    grade = grade_repository(REPO_ROOT)
    assert grade.ok, grade.line
    assert " pkt sprawdzanych bez uruchamiania (commit " in grade.line
    assert "make grade RUN=1" in grade.line


def test_a_grader_that_fails_is_an_error_with_its_last_line(tmp_path):
    (tmp_path / "grading").mkdir()
    (tmp_path / "grading" / "__init__.py").touch()
    (tmp_path / "grading" / "__main__.py").write_text(
        "import sys\nprint('Błąd: rubryka uszkodzona', file=sys.stderr)\nsys.exit(3)\n"
    )
    grade = grade_repository(tmp_path)
    assert not grade.ok
    assert grade.line == "narzędzie oceniania nie oceniło repozytorium: Błąd: rubryka uszkodzona"
    assert grade_repository(tmp_path / "puste").ok  # no grader: nothing to report as failed


PROBE_STEP = """\
import json
import os

TITLE = "Sonda"
ACTION = "zapisuje swoje środowisko"


def run(context):
    names = ("AIRFLOW_HOME", "MLOPS_DATA_DIR", "MLOPS_BACKFILL_CHILD")
    made = context.data_dir / "srodowisko.json"
    made.write_text(json.dumps({name: os.environ.get(name) for name in names}))
    return [made]
"""


@pytest.mark.slow
def test_make_run_runs_the_course_in_one_process_configured_for_airflow(tmp_path):
    """``python -m kurs`` started plainly (as ``make run`` does) runs itself again in a child
    with the course's Airflow configuration: the steps' DAG runs then share one Airflow.
    A copy of ``kurs/`` with one probe class, so that nothing of the course runs."""
    shutil.copytree(REPO_ROOT / "kurs", tmp_path / "kurs", ignore=shutil.ignore_patterns("tests"))
    probe = tmp_path / "zajecia_01_sonda"
    probe.mkdir()
    (probe / "__init__.py").touch()
    (probe / "step.py").write_text(PROBE_STEP, encoding="utf-8")
    data = tmp_path / "dane"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW") and k != CHILD_MARK}
    env |= {"PYTHONPATH": str(tmp_path), "MLOPS_DATA_DIR": str(data)}

    def make_run() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "kurs"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == exit_codes.OK, done.stdout + done.stderr
        return done.stdout

    out = make_run()
    assert out.startswith("[01/1] Sonda: zapisuje swoje środowisko … ok (")
    assert "Ocena tego repozytorium (narzędzie prowadzącego): pominięta" in out
    seen = json.loads((data / "srodowisko.json").read_text())
    assert seen == {
        "AIRFLOW_HOME": str((data / "airflow").resolve()),
        "MLOPS_DATA_DIR": str(data.resolve()),
        "MLOPS_BACKFILL_CHILD": "1",
    }
    assert "[01/1] Sonda: zapisuje swoje środowisko … pominięty" in make_run()
    assert Path(data / "make_run" / "01.json").is_file()


def test_a_step_that_reads_the_git_history_is_never_skipped(tmp_path):
    calls, folder = [], tmp_path / "dane"
    course = counting_steps(tmp_path, calls)
    last = course.steps[-1]
    steps = (*course.steps[:-1], Step(3, last.title, last.action, last.run, always_run=True))
    course = Course(steps, {}, 3, course.root)
    run(course, folder, io.StringIO())
    run(course, folder, io.StringIO())
    assert calls == [1, 2, 3, 3]
    assert [step.number for step in discover().steps if step.always_run] == [11]
