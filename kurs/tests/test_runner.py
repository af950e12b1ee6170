import io

import pytest

from kurs import exit_codes, runner
from kurs.runner import Course, Step, classes_with_steps, discover, main, run


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


def test_only_runs_the_chosen_classes_on_the_data_folder_resolved_once(
    tmp_path, monkeypatch, capsys
):
    ran = []
    monkeypatch.setattr(runner, "discover", recording_discover(ran))
    monkeypatch.setenv("MLOPS_DATA_DIR", str(tmp_path))
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
