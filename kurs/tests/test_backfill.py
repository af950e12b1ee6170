import os
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from kurs import backfill, exit_codes
from kurs.backfill import (
    MonthRun,
    UnknownDag,
    all_skipped,
    load_dag,
    main,
    run_problem,
    task_error,
)
from kurs.testing.due import reraise


@pytest.mark.slow
def test_a_failed_month_stops_the_backfill_with_its_line(tmp_path):
    """The command as a README shows it, started by hand — even with an AIRFLOW_HOME of the
    student's own: it runs itself in a child with the course's Airflow. A month without raw
    data fails there; its line says so, Airflow logs aside.

    The successful path runs in the step tests of the classes with DAGs.
    """
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIRFLOW")}
    command = ["-m", "kurs.backfill", "flights_preprocess", "--months", "2013-02", "2013-03"]
    result = subprocess.run(
        [sys.executable, *command],
        env={**env, "AIRFLOW_HOME": str(tmp_path / "moj-airflow"), "MLOPS_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == exit_codes.ERROR, result.stderr[-2000:]
    reraise(result.stdout)  # a DAG file that is a skeleton does not import: its task
    lines = result.stdout.splitlines()
    assert len(lines) == 1  # March never started
    assert lines[0].startswith("2013-02 … BŁĄD") and "zadania build_month" in lines[0]
    # The cause, not only the task: the task's own message, from Airflow's log.
    assert f"nie powiodły się: brak partycji {tmp_path}/raw/flights/month=2013-02" in lines[0]
    assert "PartitionError" in (tmp_path / "airflow" / "logs" / "backfill.log").read_text()
    assert not (tmp_path / "features").exists()
    assert not (tmp_path / "moj-airflow").exists()  # the course's Airflow ran, not theirs


@pytest.mark.slow
def test_a_conf_the_dag_would_refuse_stops_before_any_month_in_polish(tmp_path):
    command = ["-m", "kurs.backfill", "flights_preprocess", "--months", "2013-02"]
    result = subprocess.run(
        [sys.executable, *command, "--conf", '{"gates": 1}'],
        env={**os.environ, "MLOPS_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == exit_codes.ERROR, result.stderr[-2000:]
    reraise(result.stdout)  # a DAG file that is a skeleton does not import: its task
    assert result.stdout.splitlines() == [
        "BŁĄD: --conf: 'gates' nie jest parametrem tego DAG-a; ten DAG ma tylko parametr month"
    ]
    assert not (tmp_path / "features").exists()


@pytest.mark.parametrize("text", ["2013-13", "2013-1", "lipiec"])
def test_a_bad_month_is_refused_before_airflow_starts(text, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["flights_ingest", "--months", "2013-01", text])
    assert exit_.value.code == exit_codes.USAGE
    assert f"niepoprawny miesiąc '{text}'" in capsys.readouterr().err


def test_a_month_outside_the_data_is_refused_before_airflow_starts(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MLOPS_DATA_DIR", str(tmp_path))
    with pytest.raises(SystemExit) as exit_:
        main(["flights_ingest", "--months", "2013-12", "2014-01"])
    assert exit_.value.code == exit_codes.USAGE
    err = capsys.readouterr().err
    assert (
        "błąd: argument --months: miesiąc 2014-01 jest poza danymi kursu (2013-01…2013-12)" in err
    )
    assert not any(tmp_path.iterdir())  # nothing ran


TRACEBACKS = """\
2013-11-30T17:36:35Z [error    ] Task failed with exception     [task]
Traceback (most recent call last):
  File "partitions.py", line 95, in manifest
    raise PartitionError(f"brak partycji {self.folder}")
zajecia_03_airflow_ingest.partitions.PartitionError: brak partycji raw/flights/month=2013-01

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "kurs/dag_tasks.py", line 38, in fail_without_retry
    raise AirflowFailException(str(error)) from error
airflow.sdk.exceptions.AirflowFailException: brak partycji raw/flights/month=2013-01
"""


def test_task_error_is_the_last_exception_of_the_log():
    assert task_error(TRACEBACKS) == "brak partycji raw/flights/month=2013-01"
    assert task_error(TRACEBACKS.rsplit("\n\n", 1)[0]) == (
        "PartitionError: brak partycji raw/flights/month=2013-01"
    )
    assert task_error("2013-11-30T17:36:35Z [warning] Nic: się nie stało\n") == ""


def finished(state: str, **tasks: str) -> SimpleNamespace:
    instances = [SimpleNamespace(task_id=name, state=s) for name, s in tasks.items()]
    return SimpleNamespace(state=state, get_task_instances=lambda: instances)


@pytest.mark.parametrize(
    ("run", "problem"),
    [
        (finished("success", a="success", b="skipped"), ""),
        (finished("failed", a="success", b="failed", c="upstream_failed"), "zadania b, c nie"),
        # A final task with trigger_rule="all_done" makes Airflow call this run a success.
        (
            finished("success", months="failed", monitor="upstream_failed", alert="skipped"),
            "zadania monitor, months nie",
        ),
        (finished("failed", a="success", b="running"), "zadania b nie"),
        (finished("success"), "żadne zadanie się nie wykonało"),
    ],
)
def test_a_run_is_ok_only_when_its_tasks_ran_and_none_failed(run, problem):
    found = run_problem(run)
    assert found.startswith(problem) and bool(found) == bool(problem)


def test_a_run_whose_every_task_skipped_says_so():
    assert all_skipped(finished("success", plan="skipped", decide="skipped"))
    assert not all_skipped(finished("success", plan="success", decide="skipped"))
    assert not all_skipped(finished("success"))
    line = MonthRun("flights_retrain", "2013-10", "", 1.5, skipped=True).line(Path("b.log"))
    assert line == "2013-10 … pominięty (1,5 s): żadne zadanie nie miało nic do zrobienia"
    assert MonthRun("d", "2013-10", "", 1.5).line(Path("b.log")) == "2013-10 … ok (1,5 s)"


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


@pytest.mark.slow
def test_a_terminated_parent_stops_its_airflow_child_first(tmp_path):
    """`timeout`, `kill` or CI end the parent with SIGTERM: the child must not live on."""
    script = (
        "import sys; from pathlib import Path; from kurs.backfill import run_in_airflow; "
        "run_in_airflow('http.server', ['--bind', '127.0.0.1', '0'], Path(sys.argv[1]), print)"
    )
    parent = subprocess.Popen(
        [sys.executable, "-u", "-c", script, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    # The child's first line, relayed: the parent is past starting it, reading its output.
    assert parent.stdout.readline().startswith("Serving HTTP")
    started = children(parent.pid)
    assert started, "the child did not start"
    parent.terminate()
    assert parent.wait(30) == 128 + signal.SIGTERM
    assert not [pid for pid in started if Path(f"/proc/{pid}").exists()]


@pytest.mark.slow
def test_an_unknown_dag_is_named_with_the_dags_there_are(airflow_db):
    with pytest.raises(UnknownDag, match=r"nie ma DAG-a 'flights_ingst' .*; są: .*flights_ingest"):
        load_dag("flights_ingst")
    assert str(UnknownDag("nie ma")) == "nie ma"  # no quotes around it, unlike a KeyError


def test_a_dag_file_that_fails_to_import_is_named_in_one_line(
    airflow_db, tmp_path, monkeypatch, capsys
):
    # A student starter's DAG files: the definitions are still tasks to do.
    folders = [tmp_path / "zajecia_03_x" / "dags", tmp_path / "zajecia_04_y" / "dags"]
    for folder, (number, dag_id) in zip(
        folders, [("03", "flights_ingest"), ("04", "flights_preprocess")], strict=True
    ):
        folder.mkdir(parents=True)
        (folder / f"{dag_id}.py").write_text(
            f'"""DAG Airflow."""\n\nraise NotImplementedError("Zajęcia {number}, {dag_id}: '
            'zdefiniuj DAG")\n',
            encoding="utf-8",
        )
    monkeypatch.setattr(backfill, "dag_folders", lambda: folders)
    with pytest.raises(UnknownDag) as raised:
        load_dag("flights_ingest")
    # The DAG's own file only: the later classes' files fail to import too.
    assert str(raised.value) == (
        "nie ma DAG-a 'flights_ingest' w folderach dags/ zajęć; są: żadne; błąd importu "
        "zajecia_03_x/dags/flights_ingest.py: "
        "NotImplementedError: Zajęcia 03, flights_ingest: zdefiniuj DAG"
    )
    with pytest.raises(UnknownDag) as raised:
        load_dag("flights_ingst")  # a typo: no file of that name, every broken one named
    assert str(raised.value).count("; błąd importu ") == 2
    # The tracebacks go to stderr (Airflow's log in a session), not into the message.
    assert capsys.readouterr().err.count("Traceback (most recent call last)") == 4


PROBE_JOB = """\
from kurs.backfill import ERROR_MARK, airflow_session, session_log

SESSIONS = []


def main(argv):
    with airflow_session(session_log()) as session:
        SESSIONS.append(session)
        print("do logu Airflow")
        if argv == ["zle"]:
            session.report(f"{ERROR_MARK}: zepsute")
            return 1
        session.report(f"linia {argv[0]}")
    return 0
"""


def test_inside_one_session_jobs_run_here_and_share_one_airflow_session(tmp_path, monkeypatch):
    """What ``make run`` does: each step's :func:`run_in_airflow` calls the job's ``main``
    in this process, every job gets the same session, its lines reach the step's report
    and what Airflow prints goes to the session's log."""
    (tmp_path / "probe_job.py").write_text(PROBE_JOB, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv(backfill.CHILD_MARK, "1")
    monkeypatch.setenv("MLOPS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))
    import probe_job

    lines = []
    with backfill.one_session():
        backfill.run_in_airflow("probe_job", ["a"], tmp_path, lines.append)
        backfill.run_in_airflow("probe_job", ["b"], tmp_path, lines.append)
        with pytest.raises(RuntimeError, match=r"^BŁĄD: zepsute$"):
            backfill.run_in_airflow("probe_job", ["zle"], tmp_path, lines.append)
        with pytest.raises(RuntimeError, match=r"folder danych .* inny niż folder tego procesu"):
            backfill.run_in_airflow("probe_job", ["c"], tmp_path / "inny", lines.append)
    assert lines == ["linia a", "linia b", "BŁĄD: zepsute"]
    first, *others = probe_job.SESSIONS
    assert all(session is first for session in others) and len(others) == 2
    log = tmp_path / "airflow" / "logs" / backfill.LOG_NAME
    assert log.read_text(encoding="utf-8").count("do logu Airflow") == 3


def test_one_session_needs_a_process_configured_for_airflow(monkeypatch):
    monkeypatch.delenv(backfill.CHILD_MARK, raising=False)
    with pytest.raises(RuntimeError, match="configured for Airflow"), backfill.one_session():
        pass
