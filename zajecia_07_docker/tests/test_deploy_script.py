"""deploy.sh: build, run, smoke test — run here with a `docker` that records its calls."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kurs.testing.docker import run
from kurs.testing.due import written
from zajecia_07_docker.server import free_port
from zajecia_07_docker.tests.docker_files import DEPLOY, REPO_ROOT


def test_deploy_script_builds_runs_and_smoke_tests():
    assert run("bash", "-n", str(DEPLOY)).returncode == 0
    assert os.access(DEPLOY, os.X_OK)
    script = DEPLOY.read_text()
    assert "set -euo pipefail" in script
    for step in ("docker build", "up --detach", "/ready", "/health", "/model", "/predict"):
        assert step in script, step


def run_deploy(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess, str]:
    """deploy.sh with a `docker` that records its calls; `compose exec` runs here instead.

    Raises:
        NotImplementedError: deploy.sh is not written yet (:func:`kurs.testing.due.written`).
    """
    written(DEPLOY)
    stub = tmp_path / "bin" / "docker"
    stub.parent.mkdir()
    stub.write_text(
        f"#!{sys.executable}\n"
        "import os, subprocess, sys\n"
        "args = sys.argv[1:]\n"
        "with open(os.environ['DOCKER_CALLS'], 'a') as calls:\n"
        "    calls.write(' '.join(args) + '\\n')\n"
        "if 'exec' in args:\n"
        "    command = args[args.index('python') + 1:]\n"
        f"    sys.exit(subprocess.call([sys.executable, *command], cwd={str(REPO_ROOT)!r}))\n"
    )
    stub.chmod(0o755)
    calls = tmp_path / "docker-calls.txt"
    calls.touch()
    environ = {
        **os.environ,
        "PATH": f"{stub.parent}{os.pathsep}{os.environ['PATH']}",
        "DOCKER_CALLS": str(calls),
        **env,
    }
    return run("bash", str(DEPLOY), env=environ, timeout=180), calls.read_text()


needs_curl = pytest.mark.skipif(shutil.which("curl") is None, reason="deploy.sh needs curl")


@pytest.mark.slow
@needs_curl
def test_deploy_script_smoke_tests_a_running_api(server, tmp_path):
    result, calls = run_deploy(tmp_path, API_URL=server.base_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^build .*--tag kurs-mlops/flights-api:[0-9a-f]{12}", calls, re.M)
    assert "--tag kurs-mlops/flights-api:latest" in calls
    assert "--build-arg MLOPS_CODE_VERSION=" in calls
    assert re.search(r"^compose -f \S+docker-compose.yml up --detach", calls, re.M)
    assert "POST /predict: OK" in result.stdout
    assert " logs " not in calls


@pytest.mark.slow
@needs_curl
def test_deploy_script_shows_the_logs_and_fails_when_the_api_is_not_ready(tmp_path):
    api_url = f"http://127.0.0.1:{free_port()}"
    result, calls = run_deploy(tmp_path, API_URL=api_url, READY_TIMEOUT_S="1")
    assert result.returncode != 0
    assert "nie jest gotowe" in result.stderr
    assert re.search(r"^compose -f \S+ logs .*api$", calls, re.M)
