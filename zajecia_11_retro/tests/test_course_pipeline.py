import io

import pytest

from zajecia_07_docker.testing import build_real_registry
from zajecia_11_retro import course_pipeline
from zajecia_11_retro.course_pipeline import STEPS, Step, main, run


def test_steps_are_in_class_order_and_none_is_also_pending():
    numbers = [step.number for step in STEPS]
    assert numbers == sorted(numbers)
    assert not set(numbers) & set(course_pipeline.PENDING)
    assert set(numbers) | set(course_pipeline.PENDING) == set(range(1, 12))


def test_progress_lines_and_summary(tmp_path):
    made = tmp_path / "wynik.md"

    def with_details(report):
        report("2013-01 … ok")
        report("razem: 2 miesiące")
        return []

    steps = (
        Step(1, "Planowanie", "plan", lambda report: [made]),
        Step(3, "Airflow: pobieranie", "backfill", with_details),
    )
    out = io.StringIO()
    assert run(steps, out) == 0
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
    assert "W przygotowaniu (jeszcze bez kodu): zajęcia 09, 10, 11." in out.getvalue()


def test_first_failure_stops_the_run():
    calls = []

    def broken(report):
        raise ValueError("zepsuty backlog")

    steps = (
        Step(1, "Planowanie", "plan", broken),
        Step(2, "EDA", "nb", lambda report: calls.append(2)),
    )
    out = io.StringIO()
    assert run(steps, out) == 1
    assert "BŁĄD" in out.getvalue()
    assert "ValueError: zepsuty backlog" in out.getvalue()
    assert "Przerwano na zajęciach 01" in out.getvalue()
    assert calls == []


def test_only_runs_the_chosen_classes(monkeypatch):
    ran = []

    def recorder(number):
        def step(report):
            ran.append(number)
            return []

        return step

    fake = tuple(Step(s.number, s.title, s.action, recorder(s.number)) for s in STEPS)
    monkeypatch.setattr(course_pipeline, "STEPS", fake)
    assert main(["--only", "2"]) == 0
    assert ran == [2]


def test_only_rejects_a_class_without_a_step(capsys):
    with pytest.raises(SystemExit):
        main(["--only", "9"])
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.slow
def test_airflow_steps_for_one_month(tmp_path, monkeypatch):
    """Steps 03 and 04 as `make run` runs them (child processes, real Airflow), one month."""
    monkeypatch.setenv("MLOPS_DATA_DIR", str(tmp_path))
    lines = []
    assert course_pipeline.ingest_year(lines.append, ("2013-01",)) == [
        tmp_path / "raw",
        tmp_path / "quarantine",
    ]
    assert course_pipeline.preprocess_year(lines.append, ("2013-01",))[0] == tmp_path / "features"
    assert lines[0].startswith("2013-01 … ok")
    assert (
        lines[1]
        == "loty: 27 004 wierszy, w kwarantannie 0; pogoda: 2 226 wierszy, w kwarantannie 0"
    )
    assert lines[3].startswith("cechy: 27 004 wierszy, liczba cech 34; bramka jakości ok w 1")


@pytest.mark.slow
def test_api_and_deployment_steps(tmp_path, monkeypatch):
    """Steps 07 and 08 on three real months: serving, deployment under traffic, rollback."""
    monkeypatch.setenv("MLOPS_DATA_DIR", str(tmp_path))
    build_real_registry(tmp_path)
    lines = []
    course_pipeline.serve_model(lines.append, month="2013-03", flights=50)
    assert "model v0001 (2013-01…2013-02)" in lines[0]
    assert lines[2].startswith("złe żądanie (dep_hour = 25) → 422")
    lines.clear()
    outputs = course_pipeline.deploy_and_monitor(
        # Three months (one of them the replayed one) are too few for the default margin.
        lines.append,
        window=("2013-01", "2013-03"),
        month="2013-03",
        limit=300,
        min_auc_gain=0.0,
    )
    text = "\n".join(lines)
    assert "production: v0001 → v0002" in text
    assert "wysłano 300 żądań" in text and "200: 300, błędy: 0" in text
    assert "jakość na żywo 2013-03, v0001" in text
    assert "rollback: production → v0001; API przełączone: tak" in text
    assert outputs[0].is_file() and outputs[1].is_file()
