"""``make airflow`` (``python -m kurs.airflow_local``) started by a test as a terminal would.

The end-to-end test of the scheduler (class 04) starts it on free ports with a temporary
data folder, stops it with the signal a terminal sends, and looks for any process left;
the tests of ``kurs.airflow_local`` share the ports and the search by ``AIRFLOW_HOME``.

Loaded with the pytest plugins (:mod:`kurs.testing.postgres` takes :func:`free_port`),
before coverage starts: the course's modules are imported inside the functions.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def airflow_processes(home: Path) -> list[psutil.Process]:
    """The processes still running with ``home`` as their ``AIRFLOW_HOME``.

    Only some of Airflow's: the API server, the log servers and the executor's workers
    overwrite their environment when they set their process titles.
    """
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("AIRFLOW_HOME") == str(home):
                found.append(process)
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            pass
    return found


def launched_processes(data_dir: Path) -> list[psutil.Process]:
    """The processes still running that :func:`local_airflow` started into ``data_dir``:
    every one, from ``kurs.airflow_local`` to a task's, inherits its output files, whatever
    its title, environment, process group or parent now."""
    outputs = {str(data_dir / "out.txt"), str(data_dir / "err.txt")}
    found = []
    for process in psutil.process_iter():
        try:
            if process.status() != psutil.STATUS_ZOMBIE and any(
                file.path in outputs for file in process.open_files()
            ):
                found.append(process)
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            pass
    return found


@contextlib.contextmanager
def local_airflow(
    data_dir: Path, port: int, environment: dict[str, str] | None = None
) -> Iterator[subprocess.Popen]:
    """``python -m kurs.airflow_local --port port`` with ``MLOPS_DATA_DIR=data_dir``,
    leading a process group as ``make`` does in a terminal, where Ctrl+C goes to the whole
    group. Its output, and that of Airflow's components, goes to ``out.txt`` and
    ``err.txt`` in ``data_dir``; its ``AIRFLOW_HOME`` is ``data_dir / "airflow"``.

    Still running at the end of ``with`` (after a failed test), it is stopped as by
    Ctrl+C, and whatever it leaves behind is killed (:func:`launched_processes`).

    Args:
        environment: more variables (Airflow's settings) over this process's, from which
            the test session's own Airflow settings are left out.
    """
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIRFLOW")}
    env |= {
        "MLOPS_DATA_DIR": str(data_dir),
        # The log servers of the scheduler and the triggerer: free ports as well.
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        **(environment or {}),
    }
    with (data_dir / "out.txt").open("w") as out, (data_dir / "err.txt").open("w") as err:
        airflow = subprocess.Popen(
            [sys.executable, "-m", "kurs.airflow_local", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=err,
            process_group=0,
        )
    try:
        yield airflow
    finally:
        if airflow.poll() is None:
            stopped(airflow, signal.SIGINT)
        for process in launched_processes(data_dir):
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()


def wait_until_ready(airflow: subprocess.Popen, data_dir: Path, timeout_s: float) -> None:
    """Wait for the line that says every component is healthy (``airflow_local.READY``).

    Fails the test, with the tail of the output, when Airflow ends or ``timeout_s`` pass.
    """
    from kurs.airflow_local import READY

    deadline = time.monotonic() + timeout_s
    while READY not in (data_dir / "out.txt").read_text():
        if airflow.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"brak „{READY}” po {timeout_s:.0f} s:\n{output(data_dir)[-3000:]}")
        time.sleep(0.5)


def output(data_dir: Path) -> str:
    """Everything the started Airflow wrote so far: ``out.txt``, then ``err.txt``."""
    return (data_dir / "out.txt").read_text() + (data_dir / "err.txt").read_text()


def stopped(airflow: subprocess.Popen, signal_number: int, timeout_s: float = 30) -> float:
    """Send ``signal_number`` to the group and wait; the seconds it took to end.

    A process still running after ``timeout_s`` is killed with its group (and the time
    then says so: more than ``timeout_s``).
    """
    stopping = time.monotonic()
    os.killpg(airflow.pid, signal_number)
    try:
        airflow.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(airflow.pid, signal.SIGKILL)
        airflow.wait()
    return time.monotonic() - stopping
