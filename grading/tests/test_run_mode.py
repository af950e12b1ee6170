"""The run mode on hostile repositories the tests build: each gets the right partial
score and a message, never a crash or a hang, and no process survives it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from grading.checks.base import Context
from grading.checks.run_api import api_contract, api_hostile
from grading.checks.run_dags import dag_import, dag_rerun_identical, dag_run
from grading.checks.run_notebooks import notebook_fresh_run
from grading.checks.run_tests import forging_code
from grading.engine import grade_repository
from grading.model import NotRunnable, StudentError
from grading.repo_files import RepoFiles
from grading.rubric import load_rubric
from grading.runs import RunSession, RunSettings, StageResult
from grading.sandbox import WORKER, descendants, leftovers
from grading.tests.repos import ROOT, commit_all, write_files

# Each test runs students' deliverables for real: pytest, kernels, Airflow, gunicorn.
pytestmark = pytest.mark.slow
RUN = RunSettings(budget_s=300)


@pytest.fixture(autouse=True)
def own_marker(monkeypatch):
    """Sandbox markers of this test's own (tests of other workers run side by side)."""
    mark = f"test{os.getpid()}x{id(monkeypatch)}"
    monkeypatch.setenv(WORKER, mark)
    return mark


def left(mark: str) -> set[int]:
    return leftovers(f"{mark}-")


PASSING = "def test_ok():\n    assert 1 + 1 == 2\n"
FAILING = "def test_broken():\n    assert 1 + 1 == 3\n"
FORGING = """import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
"""
DAEMON = """import os, signal, subprocess, sys

CODE = (
    "import os, signal, time; os.setsid(); signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "time.sleep(600)"
)


def test_starts_a_daemon():
    subprocess.Popen([sys.executable, "-c", CODE], env={})
"""
WRITES_OUTSIDE = """from pathlib import Path


def test_writes_outside():
    here = Path(__file__).resolve()
    (here.parents[3] / "poza_repozytorium.txt").write_text("x")
    (here.parents[2] / "w_katalogu_glownym.txt").write_text("x")
"""


def check_of(check_id: str, result) -> tuple[str, Decimal, str, bool]:
    check = next(k for c in result.classes for k in c.checks if k.id == check_id)
    return check.status, check.points, check.message, check.review


def student_repo(root: Path, files: dict[str, str]) -> Path:
    write_files(root, {"projekt.yaml": "schema_version: 1\n", **files})
    return root


def test_student_tests_pass_fail_and_name_what_failed(tmp_path, own_marker):
    repo = student_repo(
        tmp_path / "r",
        {
            "zajecia_01_planowanie/tests/test_ok.py": PASSING,
            "zajecia_02_eda/tests/test_broken.py": FAILING + PASSING,
        },
    )
    result = grade_repository(repo, load_rubric(), ["01", "02"], RUN)
    assert result.mode == "run"
    assert check_of("01.testy", result)[:2] == ("pass", Decimal("1.00"))
    status, points, message, _ = check_of("02.testy", result)
    assert (status, points) == ("fail", Decimal("0.00"))
    assert "1 z 2 testów nie przechodzi" in message and "test_broken" in message
    # The notebook of class 02 is not there: a failure naming it, not a crash.
    assert check_of("02.od_zera", result)[0] == "fail"
    assert left(own_marker) == set()


@pytest.mark.parametrize(
    ("conftest", "reason"),
    [(FORGING, "pytest_runtest_makereport"), ("import os\n\nos._exit(0)\n", "os._exit")],
    ids=["forges-passes", "exits-at-import"],
)
def test_a_conftest_that_can_forge_results_is_flagged_for_review(tmp_path, conftest, reason):
    repo = student_repo(
        tmp_path / "r",
        {
            "zajecia_01_planowanie/tests/conftest.py": conftest,
            "zajecia_01_planowanie/tests/test_broken.py": FAILING,
        },
    )
    result = grade_repository(repo, load_rubric(), ["01"], RUN)
    status, points, message, review = check_of("01.testy", result)
    assert (status, points, review) == ("fail", Decimal("0.00"), True)
    assert reason in message and "ręcznie" in message
    assert any(note.startswith("do ręcznego sprawdzenia: 01.testy") for note in result.notes)


def test_the_reference_defines_nothing_that_would_hold_its_tests_for_review():
    # Its tests are the starter's: a hook there would send every student's `NN.testy`
    # checks to manual review.
    assert forging_code(ROOT) == []


FAKE_PYTEST = """import sys
from pathlib import Path

for argument in sys.argv:
    if argument.startswith("--junit-xml="):
        Path(argument.split("=", 1)[1]).write_text('<testsuite tests="9" failures="0"/>')
raise SystemExit(0)
"""
SPOOFED_DAEMON = """import os, subprocess, sys

CODE = "import os, time; os.setsid(); time.sleep(600)"


def test_starts_a_daemon_with_another_marker():
    subprocess.Popen([sys.executable, "-c", CODE], env={"GRADING_SANDBOX": "kogos-0000"})
"""


def test_skipped_tests_a_fake_pytest_and_a_fifo_do_not_pass(tmp_path, own_marker):
    repo = student_repo(
        tmp_path / "r",
        {
            "pytest.py": FAKE_PYTEST,
            "zajecia_01_planowanie/tests/test_later.py": "import pytest\n\n"
            "pytestmark = pytest.mark.skip\n\n" + FAILING,
            "zajecia_02_eda/tests/test_broken.py": FAILING,
            "zajecia_02_eda/tests/test_fifo.py": "import os\n\n\ndef test_fifo():\n"
            "    os.mkfifo('zajecia_02_eda/kolejka')\n",
        },
    )
    result = grade_repository(repo, load_rubric(), ["01", "02"], RUN)
    status, _, message, _ = check_of("01.testy", result)
    assert status == "fail" and "żaden test zajecia_01_planowanie się nie wykonał" in message
    status, _, message, _ = check_of("02.testy", result)
    assert status == "fail" and "1 z 2 testów nie przechodzi" in message
    assert result.status == "graded"


def test_a_daemon_with_a_forged_marker_is_killed(tmp_path, own_marker):
    repo = student_repo(tmp_path / "r", {"zajecia_01_planowanie/tests/test_d.py": SPOOFED_DAEMON})
    result = grade_repository(repo, load_rubric(), ["01"], RUN)
    assert check_of("01.testy", result)[0] == "pass"
    assert leftovers("kogos-") == set() and descendants(os.getpid()) == set()


def test_a_daemon_ignoring_sigterm_does_not_survive_and_stray_writes_are_noted(
    tmp_path, own_marker
):
    repo = student_repo(
        tmp_path / "r",
        {
            "zajecia_01_planowanie/tests/test_daemon.py": DAEMON,
            "zajecia_02_eda/tests/test_writes.py": WRITES_OUTSIDE,
        },
    )
    before = set(tmp_path.iterdir())
    result = grade_repository(repo, load_rubric(), ["01", "02"], RUN)
    assert check_of("01.testy", result)[0] == "pass"
    status, _, message, _ = check_of("02.testy", result)
    assert status == "pass"
    assert "poza repozytorium (poza_repozytorium.txt)" in message
    assert "poza swoim folderem (w_katalogu_glownym.txt)" in message
    assert set(tmp_path.iterdir()) == before and not (repo / "w_katalogu_glownym.txt").exists()
    assert left(own_marker) == set() and descendants(os.getpid()) == set()


@pytest.fixture
def session(tmp_path):
    def start(files: dict[str, str], project: dict | None = None) -> Context:
        repo = student_repo(tmp_path / "r", files)
        run = RunSession(repo, RUN).__enter__()
        opened.append(run)
        return Context(RepoFiles(repo), project or {}, run)

    opened: list[RunSession] = []
    yield start
    for run in opened:
        run.__exit__(None, None, None)


def notebook(*sources: str) -> str:
    cells = [
        {"cell_type": "code", "metadata": {}, "source": s, "outputs": [], "execution_count": None}
        for s in sources
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_a_notebook_looping_forever_is_stopped(session, own_marker):
    context = session({"nb.ipynb": notebook("x = 1", "while True:\n    pass")})
    outcome = notebook_fresh_run(context, {"notebook": "nb.ipynb", "timeout": 8})
    assert outcome.score == 0
    assert "nie wykonał się w 0 min" in outcome.message
    assert left(own_marker) == set()


def test_a_notebook_cell_error_names_the_cell_and_a_good_one_passes(session):
    context = session(
        {
            "zly.ipynb": notebook("x = 1", "1 / 0"),
            "dobry.ipynb": notebook("import pathlib", "print(pathlib.Path.cwd().name)"),
        }
    )
    bad = notebook_fresh_run(context, {"notebook": "zly.ipynb", "timeout": 60})
    assert bad.score == 0 and "(komórka 2): ZeroDivisionError" in bad.message
    good = notebook_fresh_run(context, {"notebook": "dobry.ipynb", "timeout": 60})
    assert good.score == 1, good.message


SLEEPY_DAG = """import time

from airflow.sdk import dag, task

time.sleep(600)


@dag(schedule=None)
def sleepy():
    @task
    def nothing():
        pass

    nothing()


sleepy()
"""


def test_a_dag_sleeping_at_import_fails_with_a_message(session, own_marker):
    context = session({"dags/sleepy.py": SLEEPY_DAG})
    dag = {"id": "sleepy", "file": "dags/sleepy.py"}
    outcome = dag_import(context, {"dag": dag, "file_timeout": 2})
    assert outcome.score == 0
    assert "błędy importu DAG-ów: sleepy.py" in outcome.message
    assert left(own_marker) == set()


def api_params(command: str, **extra: object) -> dict:
    """The API checks' parameters for an API with /health, /predict and lot.json."""
    api = {
        "health_path": "/health",
        "predict_path": "/predict",
        "example_request": "lot.json",
        "response_fields": ["probability"],
    }
    return {"api": api, "command": command, **extra}


def test_an_api_that_never_starts_fails_with_a_message(session, own_marker):
    context = session({"lot.json": '{"a": 1}'})
    params = api_params(
        f"{sys.executable} -c 'import time; time.sleep(600)' {{port}}", start_timeout=2
    )
    with pytest.raises(StudentError, match=r"API nie odpowiada na 127\.0\.0\.1:"):
        api_contract(context, params)
    assert left(own_marker) == set()


def test_a_batch_of_hostile_repositories_finishes(tmp_path, own_marker):
    looping = student_repo(
        tmp_path / "petla",
        {
            "zajecia_01_planowanie/tests/conftest.py": FORGING,
            "zajecia_01_planowanie/tests/test_x.py": FAILING,
            "zajecia_02_eda/eda.ipynb": notebook("while True:\n    pass"),
        },
    )
    (looping / "projekt.yaml").write_text(
        "schema_version: 1\nartifacts:\n  eda_notebook: zajecia_02_eda/eda.ipynb\n",
        encoding="utf-8",
    )
    exits = student_repo(
        tmp_path / "exit",
        {
            "zajecia_01_planowanie/tests/conftest.py": "import os\n\nos._exit(0)\n",
            "zajecia_02_eda/tests/test_daemon.py": DAEMON,
        },
    )
    for repo in (looping, exits):
        commit_all(repo)
    out = tmp_path / "wyniki"
    command = [sys.executable, "-m", "grading", str(looping), str(exits), "--run"]
    command += ["--budget", "0,5", "--classes", "01,02", "--jobs", "2", "--out", str(out)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    graded = {
        name: json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        for name in ("petla", "exit")
    }
    statuses = {
        name: {c["id"]: c["status"] for c in result["checks"] if c["mode"] == "run"}
        for name, result in graded.items()
    }
    assert statuses["petla"] == {"01.testy": "fail", "02.od_zera": "fail", "02.testy": "fail"}
    # A conftest anywhere can be loaded as a plugin: every class's tests are for review.
    reviewed = {c["id"] for c in graded["exit"]["checks"] if c["review"]}
    assert reviewed == {"01.testy", "02.testy"}
    assert all(result["status"] == "graded" for result in graded.values())
    assert left(own_marker) == set()


def test_the_reference_gets_every_run_point_of_class_01(own_marker):
    result = grade_repository(ROOT, load_rubric(), ["01"], RUN)
    graded = result.classes[0]
    assert check_of("01.testy", result)[0] == "pass"
    assert graded.points == graded.max
    assert left(own_marker) == set()


# An ingest DAG that appends a file with a new name on every run (not idempotent), a
# preprocessing DAG that needs what the ingest wrote, and a training DAG whose task fails.
APPENDING_DAG = """import time
from pathlib import Path

from airflow.sdk import dag, task

ROOT = Path(__file__).resolve().parents[2]


@dag(schedule=None)
def appending_ingest():
    @task
    def write():
        folder = ROOT / "data" / "raw"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"part-{time.time_ns()}.csv").write_text("a,b\\n1,2\\n")

    write()


appending_ingest()
"""
READING_DAG = """from pathlib import Path

from airflow.sdk import dag, task

ROOT = Path(__file__).resolve().parents[2]


@dag(schedule=None)
def reading_preprocess():
    @task
    def build():
        raw = sorted((ROOT / "data" / "raw").glob("*.csv"))
        if not raw:
            raise FileNotFoundError("brak danych z pobierania")
        (ROOT / "data" / "features.csv").write_text(str(len(raw)))

    build()


reading_preprocess()
"""
FAILING_DAG = """from airflow.sdk import dag, task


@dag(schedule=None)
def broken_train():
    @task
    def fail():
        raise ValueError("brak kolumny cel")

    fail()


broken_train()
"""
PIPELINE_PROJECT = """schema_version: 1
dataset:
  first_month: "2013-01"
run:
  periods: ["2013-01", "2013-02"]
  train: "2013-02"
  monitor: "2013-03"
dags:
  ingest: {id: appending_ingest, file: zajecia_03_airflow_ingest/dags/ingest.py}
  preprocess: {id: reading_preprocess, file: zajecia_04_preprocessing/dags/preprocess.py}
  train: {id: broken_train, file: zajecia_05_model/dags/train.py}
"""


def test_dag_runs_are_real_and_a_rerun_that_duplicates_data_fails(session, own_marker):
    # The kinds are called directly (four Airflow processes; grading the classes would add
    # the import check and the student tests, minutes of the suite for nothing new).
    project = yaml.safe_load(PIPELINE_PROJECT)
    context = session(
        {
            "zajecia_03_airflow_ingest/dags/ingest.py": APPENDING_DAG,
            "zajecia_04_preprocessing/dags/preprocess.py": READING_DAG,
            "zajecia_05_model/dags/train.py": FAILING_DAG,
        },
        project,
    )
    dags, periods = project["dags"], project["run"]["periods"]
    ingest = dag_run(context, {"dag": dags["ingest"], "periods": periods})
    assert ingest.score == 1 and "data/raw/part-" in ingest.message
    assert "(2013-01, 2013-02)" in ingest.message
    rerun = dag_rerun_identical(context, {"dag": dags["ingest"], "periods": periods})
    assert rerun.score == 0 and "dopisał nowe pliki danych" in rerun.message
    # The preprocessing run works on the copy the ingest runs left, data included.
    features = dag_run(context, {"dag": dags["preprocess"], "periods": periods})
    assert features.score == 1 and "data/features.csv" in features.message
    # The stage records what its runs wrote, for the checks that read it (10.liczby).
    assert "data/features.csv" in context.run.stages["preprocess"].written
    train = dag_run(context, {"dag": dags["train"], "periods": "2013-02"})
    assert train.score == 0
    assert "dla 2013-02: stan failed, zadania nieudane: fail" in train.message
    assert not (context.files.root / "data").exists()
    assert left(own_marker) == set()


def test_a_stage_after_a_failed_one_is_skipped_with_the_reason(tmp_path):
    with RunSession(student_repo(tmp_path / "r", {}), RUN) as run:
        roles = {"ingest": {}, "preprocess": {}, "train": {}}
        assert run.before("ingest", roles) is None
        with pytest.raises(NotRunnable, match=r"dags\.train w tej samej ocenie"):
            run.after("train", roles)
        run.stages["ingest"] = StageResult("flights_ingest", None, "zadanie fetch nie powiodło się")
        with pytest.raises(NotRunnable, match=r"flights_ingest .* fetch nie powiodło się"):
            run.before("preprocess", roles)
        assert run.after("monitor", roles) is None


FLAWED_API = """from flask import Flask, jsonify, request

app = Flask(__name__)


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/predict")
def predict():
    payload = request.get_json(force=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
        return jsonify(error={"field": "a"}), 400
    return {"probability": 0.5}
"""


def test_the_api_contract_and_hostile_requests_through_gunicorn(session, own_marker):
    context = session({"app.py": FLAWED_API, "lot.json": '{"a": 1}'})
    params = api_params(".venv/bin/gunicorn --bind 127.0.0.1:{port} --workers 1 app:app")
    contract = api_contract(context, params)
    assert contract.score == 1, contract.message
    hostile = api_hostile(context, params)
    # force=True takes text/plain, unknown fields pass, Flask answers 405 and the bad JSON
    # with HTML, not JSON.
    assert 0 < hostile.score < 1
    for name in ("zły JSON", "nieznane pole", "zły typ treści (text/plain)", "zła metoda (GET)"):
        assert name in hostile.message
    assert "złe typy pól" not in hostile.message and "brak pól" not in hostile.message
    assert left(own_marker) == set()


def test_a_server_dripping_its_answer_cannot_hold_a_check(monkeypatch):
    import contextlib
    import socket
    import threading
    import time

    from grading.checks import run_api

    monkeypatch.setattr(run_api, "REQUEST_TIMEOUT_S", 1)
    listener = socket.create_server(("127.0.0.1", 0))

    def drip():
        connection, _ = listener.accept()
        # The grader hangs up mid-answer: that is the point, not an error here.
        with connection, contextlib.suppress(OSError):
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
            for _ in range(30):
                time.sleep(0.2)
                connection.sendall(b"x")

    threading.Thread(target=drip, daemon=True).start()
    api = run_api.Api(listener.getsockname()[1], "/health", "/predict", {"a": 1}, ["p"])
    started = time.monotonic()
    reply = api.request("GET", "/health")
    assert (reply.status, reply.problem) == (0, "odpowiedź za długa albo za wolna")
    assert time.monotonic() - started < 5
    listener.close()


def test_a_forged_runner_result_is_a_failure_not_a_grader_error():
    from grading.checks.run_dags import _well_formed

    assert not _well_formed({"found": True, "runs": [{}], "errors": []})
    assert not _well_formed({"found": "tak", "runs": [], "errors": []})
    good = {"period": "2013-01", "state": "success", "tasks": {"a": "success"}, "assets": []}
    assert _well_formed({"found": True, "runs": [good], "errors": []})
    event = {"name": "model_alert", "uri": "mlops://monitoring/alerts"}
    assert _well_formed({"found": True, "runs": [{**good, "assets": [event]}], "errors": []})
    for assets in (None, [{"name": "model_alert"}], [{"name": 1, "uri": "x"}], ["model_alert"]):
        assert not _well_formed({"found": True, "runs": [{**good, "assets": assets}], "errors": []})


def test_a_declared_earlier_stage_that_did_not_run_skips_the_next(tmp_path):
    with (
        RunSession(student_repo(tmp_path / "r", {}), RUN) as run,
        pytest.raises(NotRunnable, match=r"dags\.ingest w tej samej ocenie"),
    ):
        run.before("preprocess", {"ingest": {}, "preprocess": {}})
