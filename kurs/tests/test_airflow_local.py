import http.server
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import psutil
import pytest

from kurs import airflow_local, exit_codes
from kurs.airflow_env import airflow_environment, dag_folders
from kurs.airflow_local import ensure_password, standalone_environment, stop
from kurs.testing.local_airflow import airflow_processes, free_port


def test_password_is_generated_once_and_private(tmp_path):
    path = tmp_path / "airflow" / "passwords.json"
    password = ensure_password(path)
    assert len(password) >= 16
    assert ensure_password(path) == password
    assert json.loads(path.read_text()) == {"admin": password}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_standalone_listens_on_localhost_with_the_repository_dags(tmp_path):
    env = standalone_environment(tmp_path)
    assert env["AIRFLOW__API__HOST"] == "127.0.0.1" and env["AIRFLOW__API__PORT"] == "8080"
    # Tasks find the API server on its port, whichever it is.
    moved = standalone_environment(tmp_path, 8123)
    assert moved["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:8123/execution/"
    assert "AIRFLOW__LOGGING__LOGGING_LEVEL" not in env  # students see Airflow's usual logs
    bundles = json.loads(env["AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST"])
    assert [b["kwargs"]["path"] for b in bundles] == [str(f) for f in dag_folders()]
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"


def test_batch_environment_is_quiet_and_uses_sqlite_in_the_home(tmp_path):
    env = airflow_environment(tmp_path / "home")
    assert env["AIRFLOW__LOGGING__LOGGING_LEVEL"] == "WARNING"
    assert (
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        == f"sqlite:///{tmp_path / 'home' / 'airflow.db'}"
    )
    assert (tmp_path / "home").is_dir()


def test_the_metadata_database_can_be_postgresql(tmp_path):
    url = "postgresql+psycopg2://airflow:secret@127.0.0.1:5432/airflow"
    env = standalone_environment(tmp_path, database_url=url)
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == url
    assert env["AIRFLOW_HOME"] == str(tmp_path)  # logs and the password file stay there


def test_make_airflow_takes_the_database_from_the_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MLOPS_DATA_DIR", str(tmp_path))
    url = "postgresql+psycopg2://airflow:secret@127.0.0.1:5432/airflow"
    monkeypatch.setenv(airflow_local.DATABASE_VARIABLE, url)
    served = {}
    monkeypatch.setattr(airflow_local, "serve", lambda env, port: served.update(env) or 0)
    assert airflow_local.main(["--port", "8123"]) == exit_codes.OK
    assert served["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == url
    out = capsys.readouterr().out
    # The start-up message names the database, never its password.
    assert "postgresql+psycopg2://airflow:***@127.0.0.1:5432/airflow" in out
    assert "secret" not in out


def test_a_database_variable_that_is_no_url_is_named(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MLOPS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(airflow_local.DATABASE_VARIABLE, "localhost:5432")
    monkeypatch.setattr(airflow_local, "serve", lambda *args: pytest.fail("started Airflow"))
    assert airflow_local.main([]) == exit_codes.USAGE
    assert "MLOPS_AIRFLOW_DATABASE_URL='localhost:5432'" in capsys.readouterr().err


def test_help_describes_instead_of_starting(capsys, monkeypatch):
    monkeypatch.setattr(airflow_local, "serve", lambda *args: pytest.fail("started Airflow"))
    with pytest.raises(SystemExit) as exit_:
        airflow_local.main(["--help"])
    assert exit_.value.code == 0 and "127.0.0.1:8080" in capsys.readouterr().out


def sleeper(ignore_sigterm: bool) -> subprocess.Popen:
    """A process leading its own group, with a child in it, that may ignore SIGTERM."""
    code = (
        "import signal, subprocess, sys, time\n"
        f"signal.signal(signal.SIGTERM, signal.{'SIG_IGN' if ignore_sigterm else 'SIG_DFL'})\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print('ok', flush=True)\n"
        "time.sleep(60)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert process.stdout.readline() == "ok\n"  # its child exists
    return process


def group_members(pgid: int) -> list[psutil.Process]:
    members = []
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) == pgid and process.status() != psutil.STATUS_ZOMBIE:
                members.append(process)
        except (ProcessLookupError, psutil.NoSuchProcess):
            pass
    return members


def test_stop_kills_what_did_not_stop_in_time_with_its_whole_group():
    obedient, stubborn = sleeper(False), sleeper(True)
    started = time.monotonic()
    killed = stop({"a": obedient, "b": stubborn}, SimpleNamespace(count=1), grace_s=1.0)
    assert killed == ["b"]
    assert 1.0 <= time.monotonic() - started < 5
    # The children left in the groups (a task worker, a parser) are gone too.
    assert group_members(obedient.pid) == [] and group_members(stubborn.pid) == []


def test_sigterm_while_starting_stops_at_once(tmp_path, monkeypatch, capsys):
    """The same for SIGTERM (``kill``, a closing terminal), here while the metadata
    database is being migrated; the process's own signal handlers come back after."""
    monkeypatch.setenv("MLOPS_DATA_DIR", str(tmp_path))
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    # `airflow db migrate` runs for seconds: the signal comes in the middle of it.
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM)).start()
    assert airflow_local.main(["--port", str(free_port())]) == exit_codes.OK
    out = capsys.readouterr().out
    assert "Zatrzymanie: Ctrl+C" in out and "Airflow zatrzymany" in out
    assert airflow_processes(tmp_path / "airflow") == []
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers


class Health(http.server.BaseHTTPRequestHandler):
    report = b""

    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(self.report)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        (b'{"scheduler": {"status": "healthy"}, "triggerer": {"status": "healthy"}}', True),
        (b'{"scheduler": {"status": "healthy"}, "triggerer": {"status": null}}', False),
        (b"<html>", False),
    ],
)
def test_ready_when_every_component_reports_healthy(report, expected):
    handler = type("Answer", (Health,), {"report": report})
    with http.server.HTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.handle_request).start()
        assert airflow_local.healthy(f"http://127.0.0.1:{server.server_port}/") is expected


def test_nobody_listening_is_not_ready():
    assert not airflow_local.healthy(f"http://127.0.0.1:{free_port()}/")
