"""The sandbox on hostile processes: it always ends them, leaves none behind, caps their
output and memory, and gives them no network and no reference code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grading import sandbox
from grading.runs import RunSession, RunSettings
from grading.sandbox import Limits, leftovers


@pytest.fixture(autouse=True)
def own_marker(monkeypatch):
    """Sandbox markers of this test's own (tests of other workers run side by side)."""
    mark = f"sandbox{os.getpid()}x{id(monkeypatch)}"
    monkeypatch.setenv(sandbox.WORKER, mark)
    return mark


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    repo = tmp_path_factory.mktemp("repo")
    (repo / "projekt.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    settings = RunSettings(limits=Limits(memory_bytes=512 * 1024**2, file_bytes=1024**2))
    with RunSession(repo, settings) as session:
        yield session


def sandboxed(run, code: str, timeout: float = 20):
    work = run.folder("t")
    repo = run.copy(work)
    return run.sandbox(work).run([run.python, "-c", code], repo, timeout)


def test_a_hung_process_and_a_daemon_ignoring_sigterm_are_killed(run, own_marker):
    daemon = (
        "import os, signal, time; os.setsid(); signal.signal(signal.SIGTERM, signal.SIG_IGN);"
        " time.sleep(600)"
    )
    # The daemon leaves the session and clears its environment (no sandbox marker).
    code = (
        "import subprocess, sys, time; "
        f"subprocess.Popen([sys.executable, '-c', {daemon!r}], env={{}}); time.sleep(600)"
    )
    started = time.monotonic()
    done = sandboxed(run, code, timeout=3)
    assert done.timed_out and not done.ok
    assert time.monotonic() - started < 30
    assert leftovers(f"{own_marker}-") == set()
    assert sandbox.descendants(os.getpid()) == set()


def test_output_is_capped_to_its_head_and_tail(run):
    done = sandboxed(run, "print('A' * 10_000_000); print('koniec')")
    assert done.ok
    assert len(done.stdout) < 20_000
    assert done.stdout.startswith("AAAA") and done.stdout.rstrip().endswith("koniec")
    assert "pominięto" in done.stdout


def test_memory_and_file_size_are_limited(run):
    memory = sandboxed(run, "x = bytearray(2 * 1024**3)")
    assert memory.returncode != 0 and "MemoryError" in memory.stderr
    big = sandboxed(run, "open('big', 'wb').write(b'x' * 4 * 1024**2)")
    assert big.returncode != 0


@pytest.mark.skipif(not sandbox.network_namespaces(), reason="no network namespaces here")
def test_no_network_but_a_working_loopback(run):
    outside = sandboxed(
        run, "import socket; socket.create_connection(('pypi.org', 443), timeout=3)"
    )
    assert outside.returncode != 0
    loopback = sandboxed(
        run,
        "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); "
        "socket.create_connection(s.getsockname(), timeout=3); print('ok')",
    )
    assert loopback.ok and "ok" in loopback.stdout


def test_a_unix_socket_fits_in_tmpdir_whatever_the_checks_name(run):
    """Chromium binds ``$TMPDIR/.org.chromium.Chromium.XXXXXX/SingletonSocket``; a path
    over 107 bytes fails and the browser tests of class 07 fail with it."""
    work = run.folder("tests-zajecia_07_docker-and-a-longer-name")
    repo = run.copy(work)
    code = (
        "import os, socket, tempfile; d = tempfile.mkdtemp(prefix='.org.chromium.Chromium.'); "
        "s = socket.socket(socket.AF_UNIX); s.bind(os.path.join(d, 'SingletonSocket')); "
        "print('ok')"
    )
    done = run.sandbox(work).run([run.python, "-c", code], repo, 20)
    assert done.ok and "ok" in done.stdout, done.stderr


def test_the_command_runs_as_the_graders_own_user(run):
    done = sandboxed(run, "import os; print(os.getuid(), os.getgid())")
    assert done.ok and done.stdout.split() == [str(os.getuid()), str(os.getgid())]


SYSTEM_PYTHON = Path("/usr/bin/python3")  # readable by any user, unlike a root's uv Python


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv") or not SYSTEM_PYTHON.is_file(),
    reason="needs root, setpriv and a system Python",
)
def test_a_grader_that_is_not_root_gets_its_user_back_inside_the_namespace(tmp_path):
    """Unprivileged, the namespace is made as a fake root: the launcher must leave it, or a
    student's test would take itself for a container's root (and fail to switch users)."""
    nobody = 65534
    code = (
        "import os, socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); "
        "socket.create_connection(s.getsockname(), timeout=3); print(os.getuid(), os.getgid())"
    )
    settings = json.dumps({"limits": {}, "loopback_up": True, "user": [nobody, nobody]})
    as_nobody = ["setpriv", f"--reuid={nobody}", f"--regid={nobody}", "--clear-groups"]
    launch = [SYSTEM_PYTHON, "-I", "-S", sandbox.LAUNCHER, settings, "--"]
    done = subprocess.run(
        [*as_nobody, "unshare", "--net", "--map-root-user", *launch, SYSTEM_PYTHON, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=30,
    )
    if "Operation not permitted" in done.stderr and "unshare" in done.stderr:
        pytest.skip("no unprivileged user namespaces here")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(nobody), str(nobody)]


def test_the_environment_is_cleared_and_has_no_reference_code(run, monkeypatch):
    monkeypatch.setenv("SECRET_TOKEN", "nie-dla-studenta")
    done = sandboxed(
        run,
        "import os, importlib.util as u; print(os.environ.get('SECRET_TOKEN')); "
        "print(u.find_spec('kurs'), u.find_spec('zajecia_05_model'), "
        "u.find_spec('pandas') is not None)",
    )
    assert done.ok, done.stderr
    assert done.stdout.split() == ["None", "None", "None", "True"]


def test_console_scripts_run_the_shadow_interpreter(run):
    work = run.folder("t")
    repo = run.copy(work)
    done = run.sandbox(work).run([".venv/bin/pytest", "--version"], repo, 30)
    assert done.ok, done.stderr
    shebang = (run.environment / "bin" / "pytest").read_text().splitlines()[0]
    assert shebang == f"#!{run.environment / 'bin' / 'python'}" != f"#!{sys.prefix}/bin/python"


def test_without_a_virtual_environment_the_run_mode_says_so(tmp_path, monkeypatch):
    from grading.engine import grade_repository
    from grading.rubric import load_rubric

    monkeypatch.setattr(sys, "base_prefix", sys.prefix)
    (tmp_path / "projekt.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    result = grade_repository(tmp_path, load_rubric(), ["01"], RunSettings())
    assert result.status == "error"
    assert result.error.startswith("tryb --run nie może ruszyć: potrzebne środowisko wirtualne")
