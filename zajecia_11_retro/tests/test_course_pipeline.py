import io

import pytest

from zajecia_11_retro import course_pipeline
from zajecia_11_retro.course_pipeline import STEPS, Step, main, run


def test_steps_are_in_class_order_and_none_is_also_pending():
    numbers = [step.number for step in STEPS]
    assert numbers == sorted(numbers)
    assert not set(numbers) & set(course_pipeline.PENDING)
    assert set(numbers) | set(course_pipeline.PENDING) == set(range(1, 12))


def test_progress_lines_and_summary(tmp_path):
    made = tmp_path / "wynik.md"
    steps = (Step(1, "Planowanie", "plan", lambda: [made]), Step(2, "EDA", "notebook", list))
    out = io.StringIO()
    assert run(steps, out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("[01/11] Planowanie: plan … ok (")
    assert lines[1].startswith("[02/11] EDA: notebook … ok (")
    assert any(line.strip().endswith(str(made)) for line in lines)
    assert "W przygotowaniu (jeszcze bez kodu): zajęcia 03, 04" in out.getvalue()


def test_first_failure_stops_the_run():
    calls = []

    def broken():
        raise ValueError("zepsuty backlog")

    steps = (Step(1, "Planowanie", "plan", broken), Step(2, "EDA", "nb", lambda: calls.append(2)))
    out = io.StringIO()
    assert run(steps, out) == 1
    assert "BŁĄD" in out.getvalue()
    assert "ValueError: zepsuty backlog" in out.getvalue()
    assert "Przerwano na zajęciach 01" in out.getvalue()
    assert calls == []


def test_only_runs_the_chosen_classes(monkeypatch):
    ran = []

    def recorder(number):
        def step():
            ran.append(number)
            return []

        return step

    fake = tuple(Step(s.number, s.title, s.action, recorder(s.number)) for s in STEPS)
    monkeypatch.setattr(course_pipeline, "STEPS", fake)
    assert main(["--only", "2"]) == 0
    assert ran == [2]


def test_only_rejects_a_class_without_a_step(capsys):
    with pytest.raises(SystemExit):
        main(["--only", "7"])
    assert "invalid choice" in capsys.readouterr().err
