"""``make mlflow``: the UI server over the training runs, on 127.0.0.1."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from kurs.testing.local_airflow import free_port
from zajecia_05_model import mlflow_ui
from zajecia_05_model.candidate import train_candidate

STARTUP_SECONDS = 90


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def wait_until_healthy(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            if get(f"{base}/health") == (200, b"OK"):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    pytest.fail(f"MLflow nie odpowiedział na /health w {STARTUP_SECONDS} s")


@pytest.mark.slow
def test_the_ui_server_answers_health_and_serves_the_runs(features_dir, small_config, tmp_path):
    """On this test process's store (``MLFLOW_TRACKING_URI``, SQLite), with a training run."""
    summary = train_candidate(small_config, features_dir, "kandydat")
    run_id = summary["tracking_run_id"]
    card = (Path(summary["candidate"]) / "model_card.md").read_text(encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "mlflow.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "zajecia_05_model.mlflow_ui", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_healthy(base, server, log)
        status, body = get(f"{base}/api/2.0/mlflow/runs/get?run_id={run_id}")
        assert status == 200 and json.loads(body)["run"]["info"]["run_name"].endswith(" kandydat")
        # The artifacts are served too: the model card of the run.
        status, body = get(f"{base}/get-artifact?path=model_card.md&run_uuid={run_id}")
        assert status == 200 and body.decode() == card
        # The server and its one web worker: MLflow's job runner (GenAI) stays off.
        children = psutil.Process(server.pid).children(recursive=True)
        assert ["uvicorn" in " ".join(child.cmdline()) for child in children] == [True]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert f"MLflow: {base}" in log.read_text()


def test_a_tracking_server_in_the_environment_is_named_instead(monkeypatch, capsys):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlflow:5000")
    assert mlflow_ui.main(["--port", "5001"]) == 1
    assert "MLFLOW_TRACKING_URI=http://mlflow:5000" in capsys.readouterr().err


def test_a_taken_port_is_refused_with_the_next_one_to_try(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert mlflow_ui.main(["--port", str(port), "--data-dir", str(tmp_path)]) == 1
    error = capsys.readouterr().err
    assert f"port {port} na 127.0.0.1 jest zajęty" in error and f"PORT={port + 1}" in error


@pytest.mark.parametrize("port", ["0", "70000", "abc", "-1"])
def test_a_port_outside_1_65535_is_refused_by_name(port, capsys):
    with pytest.raises(SystemExit) as stopped:
        mlflow_ui.main(["--port", port])
    assert stopped.value.code == 2
    assert "--port" in capsys.readouterr().err


def test_the_server_listens_on_localhost_with_one_worker(tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    command = mlflow_ui.server_command(tmp_path, 5001)
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--workers") + 1] == "1"
    assert command[command.index("--backend-store-uri") + 1].endswith("/mlflow/mlflow.db")
    destination = Path(command[command.index("--artifacts-destination") + 1])
    assert destination == (tmp_path / "mlflow" / "artifacts").resolve()
