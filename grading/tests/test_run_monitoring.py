"""Monitoring of a period the grader shifted (06.dryf): the shifted source itself, the
optional ``projekt?:`` entry it reads, and small student repositories whose monitoring
DAG alerts on the shifted period — or never does."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import zipfile
from collections import Counter

import pytest
import yaml

from grading.checks.base import Context
from grading.checks.run_monitoring import monitor_shifted, shifted
from grading.engine import resolve_params
from grading.model import NotRunnable, StudentError
from grading.project import Project, validate
from grading.repo_files import RepoFiles
from grading.rubric import RubricError, parse_rubric
from grading.runs import RunSession, RunSettings, StageResult
from grading.sandbox import WORKER, leftovers
from grading.tests.repos import ROOT, write_files
from grading.tests.student_ingest import COMMAND, INGEST, STATIONS

SOURCE = "date,station,rentals,temp\n" + "".join(
    f"2022-{month:02d}-{day:02d},S{station},{100 + 2 * day + station},{day - 10 + station / 2}\n"
    for month, days in ((1, 5), (3, 28))
    for day in range(1, days + 1)
    for station in (1, 2, 3)
)


def table(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def column(rows: list[list[str]], name: str) -> list[str]:
    index = rows[0].index(name)
    return [row[index] for row in rows[1:]]


def test_the_target_column_is_permuted_with_a_fixed_seed_and_nothing_else_moves():
    data, line = shifted(SOURCE.encode(), "dane.csv", "rentals >= 130", None)
    before, after = table(SOURCE), table(data.decode())
    assert line == (
        "źródło dane.csv zmienione przez narzędzie: wartości kolumny celu rentals wymieszane"
    )
    assert Counter(column(after, "rentals")) == Counter(column(before, "rentals"))
    assert column(after, "rentals") != column(before, "rentals")
    for name in ("date", "station", "temp"):
        assert column(after, name) == column(before, name)
    assert shifted(SOURCE.encode(), "dane.csv", "rentals >= 130", None)[0] == data


def test_only_the_top_quarter_of_the_drift_column_is_kept():
    text = "x;cel\n" + "".join(f"{value};{value * 10}\n" for value in (5, 1, 8, 3, 7, 2, 6, 4))
    data, line = shifted(text.encode(), "d.csv", "cel > 40", "x")
    after = table(data.decode(), ";")
    assert after[0] == ["x", "cel"] and column(after, "x") == ["8", "7"]
    assert sorted(column(after, "cel")) == ["70", "80"]
    assert "tylko górna ćwiartka kolumny x (2 z 8 wierszy)" in line


def test_a_nan_in_the_drift_column_is_missing_not_the_largest_number():
    text = "x,cel\n" + "".join(f"{v},{i}\n" for i, v in enumerate(["nan", 5, 1, 8, 3, 7, 2, 6, 4]))
    after = table(shifted(text.encode(), "d.csv", "cel > 4", "x")[0].decode())
    assert column(after, "x") == ["8", "7"]


def test_missing_target_values_stay_where_they_were():
    text = "cel,a\n1,x\nNA,y\n3,z\n,w\n5,v\n6,u\n"
    after = table(shifted(text.encode(), "d.csv", "cel >= 3", None)[0].decode())
    assert column(after, "cel")[1] == "NA" and column(after, "cel")[3] == ""
    assert sorted(v for v in column(after, "cel") if v not in ("", "NA")) == ["1", "3", "5", "6"]


def test_the_container_is_kept_and_the_target_names_a_column_of_the_file():
    packed = gzip.compress(SOURCE.encode(), mtime=0)
    data, _ = shifted(packed, "dane.csv.gz", "log(rentals) > 4.8", "temp")
    rows = table(gzip.decompress(data).decode())
    assert {row[0][:7] for row in rows[1:]} == {"2022-03"}  # the warmest quarter
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("dane.csv", SOURCE)
    with zipfile.ZipFile(io.BytesIO(shifted(buffer.getvalue(), "d.zip", "rentals", None)[0])) as z:
        assert z.namelist() == ["dane.csv"]
    with pytest.raises(StudentError, match=r"dataset\.target \('opoznienie >= 15'\) nie nazywa"):
        shifted(SOURCE.encode(), "dane.csv", "opoznienie >= 15", None)
    with pytest.raises(StudentError, match=r"run\.drift_column: nie ma kolumny 'km'"):
        shifted(SOURCE.encode(), "dane.csv", "rentals >= 130", "km")
    with pytest.raises(StudentError, match=r"run\.drift_column: kolumna station .* liczbowa"):
        shifted(SOURCE.encode(), "dane.csv", "rentals >= 130", "station")


def test_an_optional_entry_is_left_out_when_absent_and_refused_when_wrong():
    params = {"a": "projekt:run.monitor", "b": "projekt?:run.drift_column", "c": 1}
    declared = {"run": {"monitor": "2013-07", "drift_column": "distance"}}
    assert resolve_params(params, Project(declared)) == {"a": "2013-07", "b": "distance", "c": 1}
    assert resolve_params(params, Project({"run": {"monitor": "2013-07"}})) == {
        "a": "2013-07",
        "c": 1,
    }
    wrong = {"run.drift_column": "`run.drift_column`: oczekiwany niepusty tekst, jest ''"}
    with pytest.raises(StudentError, match="oczekiwany niepusty tekst"):
        resolve_params(params, Project({"run": {"monitor": "2013-07", "drift_column": ""}}, wrong))
    reference = yaml.safe_load((ROOT / "projekt.yaml").read_text(encoding="utf-8"))
    assert reference["run"]["drift_column"] == "flight"
    reference["run"]["drift_column"] = ""
    assert "run.drift_column" in validate(reference)
    del reference["run"]["drift_column"]
    assert validate(reference) == {}


def test_an_optional_entry_for_a_required_parameter_is_a_rubric_error():
    raw = yaml.safe_load((ROOT / "grading" / "rubric.yaml").read_text(encoding="utf-8"))
    dryf = next(
        check for spec in raw["classes"] for check in spec["checks"] if check["id"] == "06.dryf"
    )
    dryf["params"]["period"] = "projekt?:run.retrain"
    with pytest.raises(RubricError) as caught:
        parse_rubric(raw)
    assert any("parametr `period` jest wymagany" in p for p in caught.value.problems)


PREPROCESS = """import csv, sys
from pathlib import Path

month = sys.argv[1]
rows = list(csv.DictReader(Path(f"data/raw/month={month}/dane.csv").open()))
out = Path(f"data/features/month={month}/features.csv")
out.parent.mkdir(parents=True, exist_ok=True)
with out.open("w") as handle:
    handle.write("temp,high\\n")
    for row in rows:
        handle.write(f"{row['temp']},{int(int(row['rentals']) >= 130)}\\n")
"""
# The model says "high" from 4 degrees up; the training month averaged 4.5 degrees.
MONITOR = """import csv, json
from pathlib import Path

from airflow.sdk import Asset, dag, task
from airflow.sdk.exceptions import AirflowSkipException

ROOT = Path(__file__).resolve().parents[2]
ALERT = Asset("alert_modelu")
REPORT = Asset("raport_monitoringu")
WATCHFUL = {watchful}


@dag(schedule=None)
def monitor():
    @task
    def check(dag_run=None) -> str:
        month = dag_run.conf["month"]
        rows = list(csv.DictReader((ROOT / f"data/features/month={{month}}/features.csv").open()))
        right = sum((float(r["temp"]) >= 4) == (r["high"] == "1") for r in rows) / len(rows)
        mean = sum(float(r["temp"]) for r in rows) / len(rows)
        shifted = right < 0.8 or abs(mean - 4.5) > 3
        status = "alert" if WATCHFUL and shifted else "ok"
        out = ROOT / f"data/monitoring/{{month}}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({{"status": status, "accuracy": right, "mean_temp": mean}}))
        return status

    @task(outlets=[ALERT])
    def raise_alert(status: str):
        if status != "alert":
            raise AirflowSkipException("brak alertu")

    @task(outlets=[REPORT])
    def report(status: str):
        return status

    status = check()
    raise_alert(status)
    report(status)


monitor()
"""
DAG = {"id": "monitor", "file": "zajecia_06_monitoring/dags/monitor.py"}
PARAMS = {
    "dag": DAG,
    "asset": "alert_modelu",
    "period": "2022-03",
    "source": {"folder": "zrodlo", "file": "dane.csv"},
    "target": "rentals >= 130",
    "drift_column": "temp",
    "ingest": COMMAND,
    "preprocess": ".venv/bin/python preprocess.py {month}",
    "timeout": 30,
}


@pytest.fixture
def grade(tmp_path, monkeypatch):
    """``grade(watchful, ingest=…)``: 06.dryf on a student repository whose monitoring
    stage already ran (its copy holds the old partition and a stale status file)."""
    mark = f"test{os.getpid()}x{id(monkeypatch)}"
    monkeypatch.setenv(WORKER, mark)
    sessions: list[RunSession] = []

    def run_check(watchful: bool, ingest: str = COMMAND):
        repo = tmp_path / f"r{len(sessions)}"
        write_files(
            repo,
            {
                "ingest.py": INGEST.format(retries=2, timeout=1, atomic=True, quarantine="csv"),
                "preprocess.py": PREPROCESS,
                DAG["file"]: MONITOR.format(watchful=watchful),
                "zrodlo/dane.csv": SOURCE,
                "zrodlo/stacje.csv": STATIONS,
            },
        )
        run = RunSession(repo, RunSettings(budget_s=300)).__enter__()
        sessions.append(run)
        state = run.copy(run.folder("monitoring"))
        old = "".join(line + "\n" for line in SOURCE.splitlines() if "2022-01" not in line)
        write_files(
            state,
            {
                "data/raw/month=2022-03/dane.csv": old,
                "data/monitoring/stary.json": json.dumps({"status": "alert"}),
            },
        )
        run.stages["monitor"] = StageResult(DAG["id"], state)
        context = Context(RepoFiles(repo), {"dags": {"monitor": DAG}}, run)
        return monitor_shifted(context, {**PARAMS, "ingest": ingest})

    yield run_check
    for run in sessions:
        run.__exit__(None, None, None)
    assert leftovers(f"{mark}-") == set()


@pytest.mark.slow
def test_a_monitor_that_sees_the_shift_alerts_and_emits_the_event(grade):
    outcome = grade(watchful=True)
    assert outcome.score == 1, outcome.message
    assert "tylko górna ćwiartka kolumny temp (25 z 99 wierszy)" in outcome.message
    assert "status alert (data/monitoring/2022-03.json); zdarzenie zasobu alert_modelu" in (
        outcome.message
    )


@pytest.mark.slow
def test_a_monitor_that_never_alerts_gets_nothing_for_stale_or_other_evidence(grade):
    outcome = grade(watchful=False)
    assert outcome.score == 0, outcome.message
    # The stale alert file of the earlier run does not count; the run's own file says ok.
    assert "status bez alertu (data/monitoring/2022-03.json: 'ok')" in outcome.message
    assert "stary.json" not in outcome.message
    assert "brak zdarzenia zasobu alert_modelu" in outcome.message
    assert "zdarzenia: raport_monitoringu" in outcome.message


@pytest.mark.slow
def test_an_ingest_that_does_not_fetch_the_shifted_source_fails_before_the_dag(grade):
    with pytest.raises(StudentError) as caught:
        grade(watchful=True, ingest=".venv/bin/python -c pass")
    assert caught.value.message.startswith("źródło dane.csv zmienione przez narzędzie: wartości")
    assert "serwer narzędzia nie dostał żądania dane.csv" in caught.value.message


def test_without_the_monitoring_stage_the_check_is_skipped_with_the_reason(tmp_path):
    repo = tmp_path / "r"
    context = write_files(repo, {DAG["file"]: "", "zrodlo/dane.csv": SOURCE})
    params = PARAMS
    run = RunSession(repo)  # not entered: the check stops before any copy or sandbox
    context = Context(context.files, {"dags": {"monitor": DAG}}, run)
    with pytest.raises(NotRunnable, match=r"dags\.monitor w tej samej ocenie"):
        monitor_shifted(context, params)
    run.stages["monitor"] = StageResult(DAG["id"], None, "zadanie monitor nie powiodło się")
    with pytest.raises(NotRunnable, match="monitor nie powiodło się"):
        monitor_shifted(context, params)
    with pytest.raises(StudentError, match=r"dataset\.target"):
        monitor_shifted(context, {**params, "target": "liczba > 3"})
