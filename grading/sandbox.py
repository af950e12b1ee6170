"""Running a student's code: a process sandbox that always ends, and always cleans up.

What a sandboxed process gets (:class:`Sandbox`):

* a cleared environment — ``PATH`` to the shadow environment (:mod:`grading.environment`),
  a temporary ``HOME`` and ``TMPDIR``, ``PYTHONPATH`` = the repository copy, UTC, UTF-8 —
  plus a marker variable that tags every process it starts;
* its own session and process group (``start_new_session``);
* resource limits set before the command starts (:mod:`grading.sandbox_launch`): CPU
  time, memory (data segment), file size, open files, processes, no core dumps;
* no network but its own loopback where the kernel allows it (``unshare --net``, through
  a user namespace when the grader is not root, then back to the grader's user); checks
  that talk to a student's server on 127.0.0.1 run with the host's loopback instead;
* a wall-clock timeout; output read by threads keeping only the head and the tail.

After every command, whatever happened, every process it started is killed: its process
group, every process carrying the marker (a child that called ``setsid()``), and every
descendant the grader adopted as a *child subreaper* (a double-forked daemon that also
cleared its environment). :func:`leftovers` is empty afterwards; the tests check it.

What this does not protect against — a process of the same user can read or change any
file that user can, including the grader's — is why ``grading/Dockerfile`` runs the
grader as an unprivileged user with a read-only image and ``--network none``.
"""

from __future__ import annotations

import ctypes
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

LAUNCHER = Path(__file__).with_name("sandbox_launch.py")
MARKER = "GRADING_SANDBOX"
# Set by a batch for each worker process: the markers of its sandboxes start with it, so
# that the batch can kill what a worker it stopped left running (:func:`kill_marked`).
WORKER = "GRADING_WORKER"
GIB = 1024**3
PR_SET_CHILD_SUBREAPER = 36
# The commands running right now (a server during a check): their process trees are
# theirs to clean up, not a nested command's.
_ACTIVE: set[int] = set()
# Commands may start side by side from threads: a command's start and another's cleanup
# must not interleave, or the cleanup would take the new process for a stray one.
_ACTIVE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Limits:
    """Per-process resource limits. ``memory_bytes`` limits the data segment and private
    writable mappings (``RLIMIT_DATA``), not the address space: Chromium (the browser
    tests) reserves terabytes of address space it never touches, and ``RLIMIT_AS`` would
    stop it. ``output_bytes`` is kept per stream, half from the head and half from the
    tail."""

    memory_bytes: int = 4 * GIB
    file_bytes: int = 2 * GIB
    open_files: int = 1024
    processes: int = 4096
    output_bytes: int = 16 * 1024


@dataclass(frozen=True)
class Completed:
    """A finished sandboxed command. ``returncode`` is negative for a signal (Popen's
    convention); ``timed_out`` means the grader killed it at its time limit."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def tail(self, lines: int = 12) -> str:
        """The last ``lines`` lines of the output (stderr, else stdout), for a message."""
        text = (self.stderr.strip() or self.stdout.strip()).splitlines()
        return "\n".join(text[-lines:])


@dataclass
class Sandbox:
    """Runs commands for one repository copy. ``bin_dir`` holds the shadow environment's
    interpreter; ``home`` is a writable folder for ``HOME``; ``tmp`` for ``TMPDIR``
    (``home/tmp`` when None) — keep its path short: a Unix socket's path has at most 107
    bytes, and programs make theirs under ``TMPDIR`` (Chromium: 45 more bytes)."""

    bin_dir: Path
    home: Path
    limits: Limits = field(default_factory=Limits)
    isolate_network: bool = True
    tmp: Path | None = None

    def environment(self, cwd: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        tmp = self.tmp or self.home / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        # As /tmp: a student's test that drops to another user (a container entry point
        # does) still has a temporary folder.
        tmp.chmod(0o1777)
        return {
            "PATH": f"{self.bin_dir}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.home),
            "TMPDIR": str(tmp),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
            "PYTHONPATH": str(cwd),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            "OMP_NUM_THREADS": "1",
            **(extra or {}),
        }

    def command(self, argv: Sequence[str], timeout: float, network: bool) -> list[str]:
        cpu = int(timeout * (os.cpu_count() or 1)) + 5
        settings = {
            "limits": {
                "RLIMIT_CPU": cpu,
                "RLIMIT_DATA": self.limits.memory_bytes,
                "RLIMIT_FSIZE": self.limits.file_bytes,
                "RLIMIT_NOFILE": self.limits.open_files,
                "RLIMIT_NPROC": self.limits.processes,
                "RLIMIT_CORE": 0,
            },
            "loopback_up": not network and self.isolate_network and network_namespaces(),
        }
        if settings["loopback_up"] and os.geteuid() != 0:
            # Back to the grader's own user after the loopback is up: a student's test that
            # sees uid 0 would take itself for a container's root and fail to switch users.
            settings["user"] = [os.getuid(), os.getgid()]
        launch = [sys.executable, "-I", "-S", str(LAUNCHER), json.dumps(settings), "--", *argv]
        if settings["loopback_up"]:
            return [*UNSHARE_NET, *launch]
        return launch

    def run(
        self,
        argv: Sequence[str],
        cwd: Path,
        timeout: float,
        extra_env: Mapping[str, str] | None = None,
        network: bool = False,
    ) -> Completed:
        """Run ``argv`` in ``cwd`` until it ends or ``timeout`` seconds pass; then kill
        everything it started. Never raises for what the command does."""
        with self.started(argv, cwd, timeout, extra_env, network) as process:
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.timed_out = True
        return process.completed

    @contextmanager
    def started(
        self,
        argv: Sequence[str],
        cwd: Path,
        timeout: float,
        extra_env: Mapping[str, str] | None = None,
        network: bool = False,
    ) -> Iterator[Running]:
        """A running command (a server) for the block; killed with everything it
        started when the block ends. ``timeout`` bounds its CPU time."""
        enable_subreaper()
        token = f"{os.environ.get(WORKER, 'local')}-{secrets.token_hex(8)}"
        env = {**self.environment(cwd, extra_env), MARKER: token}
        command = self.command(argv, timeout, network)
        with _ACTIVE_LOCK:
            before = descendants(os.getpid())
            started = time.monotonic()
            popen = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            _ACTIVE.add(popen.pid)
        running = Running(tuple(argv), popen, started, self.limits.output_bytes)
        try:
            yield running
        finally:
            with _ACTIVE_LOCK:
                _ACTIVE.discard(popen.pid)
            kill_all(popen, token, before)
            running.finish()


class Running:
    """A sandboxed process: its output so far, kept head and tail."""

    def __init__(self, argv: tuple[str, ...], popen: subprocess.Popen, started: float, cap: int):
        self.argv, self.popen, self.started = argv, popen, started
        self.timed_out = False
        self._streams = [CappedStream(popen.stdout, cap), CappedStream(popen.stderr, cap)]

    def wait(self, timeout: float) -> int:
        return self.popen.wait(timeout)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self._streams[1].text() + self._streams[0].text()

    def finish(self) -> None:
        self.popen.wait()
        for stream in self._streams:
            stream.join()
        self.completed = Completed(
            self.argv,
            self.popen.returncode,
            self._streams[0].text(),
            self._streams[1].text(),
            time.monotonic() - self.started,
            self.timed_out,
        )


class CappedStream:
    """Reads a pipe to its end in a thread, keeping the first and last ``cap / 2`` bytes:
    a student's program printing gigabytes neither fills the grader's memory nor blocks
    on a full pipe."""

    def __init__(self, pipe, cap: int):
        self.head, self.tail, self.skipped = bytearray(), bytearray(), 0
        self._half = cap // 2
        self._thread = threading.Thread(target=self._read, args=(pipe,), daemon=True)
        self._thread.start()

    def _read(self, pipe) -> None:
        with pipe:
            while chunk := pipe.read1(65536):
                room = self._half - len(self.head)
                self.head += chunk[:room]
                self.tail += chunk[room:] if room > 0 else chunk
                if len(self.tail) > self._half:
                    self.skipped += len(self.tail) - self._half
                    del self.tail[: len(self.tail) - self._half]

    def join(self) -> None:
        self._thread.join(timeout=5)

    def text(self) -> str:
        middle = f"\n[… pominięto {self.skipped} B wyjścia …]\n" if self.skipped else ""
        return (bytes(self.head).decode("utf-8", "replace") + middle) + bytes(self.tail).decode(
            "utf-8", "replace"
        )


def kill_all(popen: subprocess.Popen, token: str, before: set[int]) -> None:
    """SIGKILL the command's process group and every process it started, until none is
    left, and reap them (:func:`_targets`)."""
    for _ in range(50):
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(popen.pid, signal.SIGKILL)
        targets = _targets(token, before) - {popen.pid}
        for pid in targets:
            with suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        try:
            popen.wait(1)
        except subprocess.TimeoutExpired:
            continue
        _reap(targets)
        if not _targets(token, before):
            return
        time.sleep(0.05)


def leftovers(token: str = "") -> set[int]:
    """Living processes whose sandbox marker starts with ``token`` (any marker when
    empty)."""
    needle = f"{MARKER}={token}".encode()
    return {pid for pid in _pids() if needle in _environ(pid) and _alive(pid)}


def kill_marked(worker: str) -> None:
    """SIGKILL every process of the sandboxes of batch worker ``worker``."""
    for _ in range(20):
        pids = leftovers(f"{worker}-")
        if not pids:
            return
        for pid in pids:
            with suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)


def _targets(token: str, before: set[int]) -> set[int]:
    """The processes of the command with marker ``token``: those carrying it (even after
    ``setsid()``), and every descendant of the grader new since ``before`` — an adopted
    orphan, whatever its environment says — except the process trees of other commands
    still running (a server the check still needs)."""
    with _ACTIVE_LOCK:
        protected = set(_ACTIVE)
        for pid in _ACTIVE:
            protected |= descendants(pid)
        new = descendants(os.getpid()) - before - protected
    return leftovers(token) | new


def _environ(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    status = _status(pid)
    return bool(status) and not status.get("State", "").startswith("Z")


def descendants(root: int) -> set[int]:
    """Every living process below ``root`` (from ``/proc``; zombies left out)."""
    children: dict[int, list[int]] = {}
    for pid in _pids():
        status = _status(pid)
        if status and not status.get("State", "").startswith("Z"):
            children.setdefault(int(status.get("PPid", "0")), []).append(pid)
    found, stack = set(), [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def _pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def _status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def _reap(pids: set[int]) -> None:
    """Collect adopted orphans that were killed (they are the grader's children now);
    only these: ``waitpid(-1)`` could take the exit status of another Popen."""
    for pid in pids:
        with suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


@cache
def enable_subreaper() -> bool:
    """Make the grader adopt the orphans of what it runs (Linux ``prctl``), so a daemon
    that left its session is still found among the grader's descendants."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


# Root may create a network namespace itself; any other user through a user namespace in
# which it is root (``--map-root-user``; the launcher then maps it back to itself).
UNSHARE_NET = ("unshare", "--net") if os.geteuid() == 0 else ("unshare", "--net", "--map-root-user")


@cache
def network_namespaces() -> bool:
    """Whether this machine lets the grader start a process without network
    (:data:`UNSHARE_NET`; refused in many containers)."""
    try:
        done = subprocess.run([*UNSHARE_NET, "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0
