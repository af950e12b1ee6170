"""pytest plugin: a throw-away PostgreSQL cluster, Airflow's metadata database in a test.

Registered in ``pyproject.toml`` (``-p kurs.testing.postgres``). Debian's PostgreSQL
(``make postgres``, run by ``make test``) keeps its programs in
``/usr/lib/postgresql/<version>/bin``. The cluster lives in a temporary folder: its data,
its Unix socket and its log; it listens on 127.0.0.1 on a free port, trusts local
connections, and skips the disk flushes a database that is thrown away does not need.

PostgreSQL refuses to run as root, and tests often run as root (containers, CI): then the
cluster's folder belongs to the ``postgres`` system user, and its programs run as that user.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from kurs.testing.local_airflow import free_port

INSTALLED = Path("/usr/lib/postgresql")
SYSTEM_USER = "postgres"
SUPERUSER = "postgres"
DATABASE = "airflow"
INITDB = ("--pgdata=data", f"--username={SUPERUSER}", "--auth=trust", "--encoding=UTF8")
# Enough for every Airflow component's connection pool and the task processes; no flushes
# to disk for a database that is thrown away.
SERVER_SETTINGS = {
    "max_connections": 200,
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


def bin_dir(installed: Path = INSTALLED) -> Path:
    """The newest ``<version>/bin`` under ``installed`` that has ``initdb`` and ``pg_ctl``.

    Raises:
        FileNotFoundError: no PostgreSQL there; the message says how to install it.
    """
    found = [
        folder / "bin"
        for folder in installed.glob("*")
        if (folder / "bin" / "initdb").is_file() and (folder / "bin" / "pg_ctl").is_file()
    ]
    if not found:
        raise FileNotFoundError(f"brak PostgreSQL w {installed}/*/bin: uruchom `make postgres`")
    return max(found, key=lambda path: [int(part) for part in path.parent.name.split(".")])


@dataclass(frozen=True)
class Cluster:
    """A running cluster: its folder (``data/``, the socket, ``server.log``), its port and
    the folder of PostgreSQL's programs."""

    folder: Path
    port: int
    programs: Path

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of its Airflow database (driver psycopg2, as Airflow advises)."""
        return f"postgresql+psycopg2://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"

    def run(self, program: str, *args: str) -> None:
        """Run one of PostgreSQL's programs as the cluster's owner; raise with its output."""
        as_owner = (
            {"user": SYSTEM_USER, "group": SYSTEM_USER, "extra_groups": []}
            if os.getuid() == 0
            else {}
        )
        result = subprocess.run(
            [str(self.programs / program), *args],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=120,
            **as_owner,
        )
        if result.returncode:
            raise RuntimeError(f"{program} {' '.join(args)}: {result.stdout}{result.stderr}")

    def server(self) -> psutil.Process | None:
        """The postmaster while it runs (its pid is the first line of ``postmaster.pid``)."""
        try:
            pid = int((self.folder / "data" / "postmaster.pid").read_text().split()[0])
            process = psutil.Process(pid)
            # A file left by a server that crashed may name a process that is not one.
            return process if process.name() == "postgres" else None
        except (FileNotFoundError, IndexError, ValueError, psutil.NoSuchProcess):
            return None

    def log_tail(self, chars: int = 3000) -> str:
        log = self.folder / "server.log"
        return log.read_text(errors="replace")[-chars:] if log.is_file() else ""


def start_cluster(programs: Path) -> Cluster:
    """Create a cluster in a new temporary folder, start it and create :data:`DATABASE`.

    Returns:
        The running cluster; stop it with :func:`stop_cluster`.

    Raises:
        RuntimeError: ``initdb``, ``pg_ctl`` or ``createdb`` failed (their output, and the
            server's log, in the message); the folder is removed.
    """
    as_root = os.getuid() == 0
    # As root, in /tmp: the postgres user cannot enter pytest's folders (mode 700), nor a
    # TMPDIR inside one (the grader's sandbox).
    folder = Path(tempfile.mkdtemp(prefix="postgres-", dir="/tmp" if as_root else None))
    cluster = Cluster(folder, free_port(), programs)
    if as_root:
        owner = pwd.getpwnam(SYSTEM_USER)
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    try:
        cluster.run("initdb", *INITDB, "--no-locale", "--no-sync")
        settings = SERVER_SETTINGS | {
            "listen_addresses": "127.0.0.1",
            "port": cluster.port,
            "unix_socket_directories": cluster.folder,
        }
        options = " ".join(f"-c {name}={value}" for name, value in settings.items())
        cluster.run("pg_ctl", "start", "--pgdata=data", "--wait", "--log=server.log", "-o", options)
        address = ("--host=127.0.0.1", f"--port={cluster.port}", f"--username={SUPERUSER}")
        cluster.run("createdb", *address, DATABASE)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        log = cluster.log_tail()
        stop_cluster(cluster)
        raise RuntimeError(f"{error}\n{log}") from None
    return cluster


def stop_cluster(cluster: Cluster, timeout_s: float = 30) -> None:
    """Stop the server (fast: connections are closed), wait for its processes; remove
    the folder. Does nothing more when the server is not running.

    Raises:
        RuntimeError: a process of the server was still running after ``timeout_s``
            (it is killed first).
    """
    try:
        server = cluster.server()
        if server is not None:
            processes = [server, *server.children(recursive=True)]
            with contextlib.suppress(RuntimeError):  # a server that is ending by itself
                cluster.run("pg_ctl", "stop", "--pgdata=data", "--mode=fast", "--wait")
            deadline = time.monotonic() + timeout_s
            while (alive := [p for p in processes if running(p)]) and time.monotonic() < deadline:
                time.sleep(0.1)
            for process in alive:
                process.kill()
            if alive:
                raise RuntimeError(f"PostgreSQL nie zatrzymał się: {alive}")
    finally:
        shutil.rmtree(cluster.folder, ignore_errors=True)


def running(process: psutil.Process) -> bool:
    """Whether ``process`` still runs. A zombie has ended: ``pg_ctl`` leaves the server to
    whichever process adopts orphans, which need not reap it at once (a sandbox's
    subreaper)."""
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def postgres() -> Iterator[Cluster]:
    """A running PostgreSQL cluster (:class:`Cluster`; ``.url`` for Airflow), stopped after
    the test unless the test stopped it; fails the test with what to run when PostgreSQL
    is not installed."""
    try:
        installed = bin_dir()
    except FileNotFoundError as error:
        pytest.fail(str(error))
    cluster = start_cluster(installed)
    yield cluster
    stop_cluster(cluster)
