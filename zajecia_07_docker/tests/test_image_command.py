"""The image's own CMD and HEALTHCHECK, with its ENV, run outside Docker on a real registry."""

import os
import signal
import sys
from pathlib import Path

import pytest

from kurs.testing.docker import container_command, run
from zajecia_05_model.registry import Registry
from zajecia_07_docker.server import call, free_port
from zajecia_07_docker.tests.docker_files import REPO_ROOT, dockerfile, graceful_timeout_s

BIN = Path(sys.executable).parent


@pytest.mark.slow
def test_image_command_and_healthcheck_run_outside_docker(real_data, flights, tmp_path):
    """The final stage's CMD, with its ENV, serves the registry and stops gracefully."""
    image = dockerfile()
    command = image.command()
    assert command[0] == "gunicorn"
    command[0] = str(BIN / "gunicorn")  # what PATH finds in the image's venv
    port = free_port()
    env = {
        **os.environ,
        **image.environment(),
        "API_BIND": f"127.0.0.1:{port}",
        "MLOPS_DATA_DIR": str(real_data),
    }
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "gunicorn.log"
    with container_command(command, env, REPO_ROOT, f"{base_url}/ready", log_path) as process:
        assert call(base_url, "GET", "/health") == (200, {"status": "ok"})
        status, model = call(base_url, "GET", "/model")
        assert status == 200
        assert model["version"] == Registry(real_data).resolve("production")
        status, answer = call(base_url, "POST", "/predict", flights[0])
        assert status == 200, answer
        assert 0 <= answer["probability"] <= 1
        assert call(base_url, "GET", "/openapi.json")[0] == 200

        healthcheck = image.healthcheck()
        assert healthcheck[0] == "python"
        healthcheck[0] = sys.executable
        assert run(*healthcheck, env=env, timeout=10).returncode == 0
        closed = {**env, "API_BIND": f"127.0.0.1:{free_port()}"}
        assert run(*healthcheck, env=closed, timeout=10).returncode != 0

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=graceful_timeout_s(env)) == 0, log_path.read_text()
