"""A real gunicorn serving the API on 127.0.0.1, started and stopped from Python.

``make run``, the benchmark, a staging smoke test and the tests all need "the API as it
runs in production, on a free port": the same command as the container's ``CMD``, the
same ``gunicorn.conf.py``. ::

    with ApiServer(data_dir) as server:
        status, body = server.call("POST", "/predict", flight)
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

CLASS_DIR = Path(__file__).resolve().parent
REPO_ROOT = CLASS_DIR.parent
CONFIG = CLASS_DIR / "gunicorn.conf.py"
APP = "zajecia_07_docker.wsgi:app"
# What gunicorn.conf.py's post_worker_init logs once a worker has loaded the app.
WORKER_READY = "worker gotowy"


class ServerError(RuntimeError):
    """The server did not start or did not stop; the message quotes its log."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def command(config: Path = CONFIG, app: str = APP) -> list[str]:
    """The gunicorn command line, with the gunicorn of this Python environment."""
    return [str(Path(sys.executable).with_name("gunicorn")), "--config", str(config), app]


@dataclass
class ApiServer:
    """Gunicorn with the API on a free port of 127.0.0.1, as a context manager.

    Args:
        data_dir: ``MLOPS_DATA_DIR`` of the server (where the registry is).
        workers: gunicorn workers; ``start`` returns once every one has loaded the app.
        env: more environment variables (``MLOPS_MODEL_ALIAS``…).
        log_path: where the server's output goes (appended).
        wait_ready: also wait until ``/ready`` answers 200 (a model is loaded).
    """

    data_dir: Path
    workers: int = 2
    env: dict[str, str] = field(default_factory=dict)
    config: Path = CONFIG
    app: str = APP
    log_path: Path | None = None
    wait_ready: bool = True
    start_timeout_s: float = 60.0
    port: int = field(default_factory=free_port)

    def __post_init__(self):
        self.process: subprocess.Popen | None = None
        if self.log_path is None:
            self.log_path = Path(self.data_dir) / "logs" / f"api-{self.port}.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ApiServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        env = {
            **os.environ,
            "MLOPS_DATA_DIR": str(self.data_dir),
            "API_BIND": f"127.0.0.1:{self.port}",
            "API_WORKERS": str(self.workers),
            # The access log goes to stdout: unbuffered, a line is in the file at once.
            "PYTHONUNBUFFERED": "1",
            **self.env,
        }
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command(self.config, self.app),
                cwd=REPO_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_until("/ready" if self.wait_ready else "/health")
        except BaseException:  # not up in time, or Ctrl+C while waiting: no server left
            self.stop()
            raise

    def _wait_until(self, path: str) -> None:
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(
                    f"gunicorn zakończył się kodem {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                # Any worker may answer: all of them must have loaded the app (and model).
                if (
                    self._workers_ready() >= self.workers
                    and self.call("GET", path, timeout=2)[0] == 200
                ):
                    return
            except OSError:
                pass  # not listening yet
            time.sleep(0.1)
        raise ServerError(
            f"serwer nie odpowiedział 200 na {path} w {self.start_timeout_s} s:\n{self.log_tail()}"
        )

    def stop(self, timeout_s: float = 30.0) -> int | None:
        """SIGTERM (graceful: requests in progress finish), SIGKILL after ``timeout_s``."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise ServerError(f"gunicorn nie zatrzymał się w {timeout_s} s") from None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def _workers_ready(self) -> int:
        with self.log_path.open("rb") as log:
            log.seek(self._log_start)
            return log.read().decode("utf-8", errors="replace").count(WORKER_READY)

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def call(
        self,
        method: str,
        path: str,
        body: object = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> tuple[int, object]:
        """One HTTP request; the status and the body (parsed when it is JSON)."""
        return call(self.base_url, method, path, body, headers, timeout)


def call(
    base_url: str,
    method: str,
    path: str,
    body: object = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> tuple[int, object]:
    """One HTTP request to the API at ``base_url``; a dict/list body is sent as JSON."""
    host = base_url.split("//", 1)[1]
    connection = http.client.HTTPConnection(host, timeout=timeout)
    try:
        data = body
        headers = dict(headers or {})
        if isinstance(body, dict | list):
            data = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        if response.getheader("Content-Type", "").startswith("application/json"):
            return response.status, json.loads(raw)
        return response.status, raw.decode("utf-8", errors="replace")
    finally:
        connection.close()
