"""``make airflow``: Airflow on this machine for students (127.0.0.1:8080).

Starts Airflow's four components — API server with the UI, scheduler, DAG processor,
triggerer — with the metadata database in ``$MLOPS_DATA_DIR/airflow`` (the one ``make
run`` fills) and only this repository's DAG folders. DAGs start paused.

This is what ``airflow standalone`` does, except for stopping. Under standalone, Ctrl+C
reaches every Airflow process of the terminal at once, workers included; the scheduler
then waits for workers that are gone, standalone waits for the components without a
deadline, and a second Ctrl+C ends that wait with a traceback (SIGTERM ends standalone
alone and leaves its components running). Here each component leads a process group of
its own and Ctrl+C reaches this process alone: it asks each component to stop (SIGTERM),
waits :data:`STOP_GRACE_S` and kills whatever is left of its group. SIGTERM does the
same; a second signal kills at once.

Login: user ``admin``; the password is generated once into
``$MLOPS_DATA_DIR/airflow/passwords.json`` and printed at start.

The metadata database is SQLite in that folder, or the one whose SQLAlchemy URL is in
``MLOPS_AIRFLOW_DATABASE_URL`` (PostgreSQL: ``postgresql+psycopg2://…``); logs and the
password file stay in the folder either way.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from kurs import exit_codes
from kurs.airflow_env import airflow_environment
from kurs.cli import PolishArgumentParser
from kurs.polish import seconds
from kurs.repository import data_dir

HOST, PORT, USER = "127.0.0.1", 8080, "admin"
DATABASE_VARIABLE = "MLOPS_AIRFLOW_DATABASE_URL"
COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
# How long the components get to stop by themselves before they are killed. The
# triggerer gives its runner 10 s, and a task still running would be waited for.
STOP_GRACE_S = 5.0
READY = "Airflow gotowy"


def ensure_password(path: Path) -> str:
    """The admin password from ``path``; generate and store one (owner-only) if missing."""
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))[USER]
    password = secrets.token_urlsafe(12)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps({USER: password}) + "\n", encoding="utf-8")
    return password


def standalone_environment(
    home: Path, port: int = PORT, database_url: str | None = None
) -> dict[str, str]:
    """Airflow's settings here: :func:`airflow_environment` of ``home`` and
    ``database_url`` at Airflow's usual log level, the UI and API on ``127.0.0.1:port``,
    one admin user."""
    return {
        **airflow_environment(home, quiet=False, database_url=database_url),
        "AIRFLOW__API__HOST": HOST,
        "AIRFLOW__API__PORT": str(port),
        # Task processes report to the API server: the same address, whatever the port.
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://{HOST}:{port}/execution/",
        # One task worker process per slot: Airflow's default 32 only cost memory here.
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
    }


class StopRequests:
    """Inside ``with``: SIGINT and SIGTERM are counted instead of raising wherever the
    process happens to be; the previous handlers come back at the end."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __enter__(self) -> StopRequests:
        self.count = 0
        self._previous = [signal.signal(number, self._received) for number in self.SIGNALS]
        return self

    def __exit__(self, *exc) -> None:
        for number, handler in zip(self.SIGNALS, self._previous, strict=True):
            signal.signal(number, handler)

    def _received(self, number, frame) -> None:
        self.count += 1


def start(command: str, environment: dict[str, str]) -> subprocess.Popen:
    """``airflow <command>`` leading a new process group, which its workers join."""
    return subprocess.Popen(
        [sys.executable, "-m", "airflow", *command.split()],
        env=environment,
        start_new_session=True,
    )


def watch(
    processes: dict[str, subprocess.Popen], requests: StopRequests, tick=lambda: None
) -> str | None:
    """Wait for a stop request (``None``) or for a process to end (its name)."""
    while not requests.count:
        for name, process in processes.items():
            if process.poll() is not None:
                return name
        tick()
        time.sleep(0.5)
    return None


def stop(
    processes: dict[str, subprocess.Popen], requests: StopRequests, grace_s: float
) -> list[str]:
    """SIGTERM each process; after ``grace_s``, or at another request, kill their groups.

    Returns:
        The names of the processes that had not stopped by themselves.
    """
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    deadline, requested = time.monotonic() + grace_s, requests.count
    while any(process.poll() is None for process in processes.values()):
        if time.monotonic() > deadline or requests.count > requested:
            break
        time.sleep(0.1)
    killed = [name for name, process in processes.items() if process.poll() is None]
    for process in processes.values():
        # The whole group: also what a component left behind (task workers, parsers).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return killed


def healthy(url: str) -> bool:
    """Whether Airflow's health endpoint answers with every component healthy."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            report = json.load(response)
    except (OSError, ValueError):
        return False
    return all(part.get("status") == "healthy" for part in report.values())


def serve(environment: dict[str, str], port: int, grace_s: float = STOP_GRACE_S) -> int:
    """Migrate the metadata DB and run the components until SIGINT or SIGTERM.

    Prints :data:`READY` once every component reports healthy.

    Returns:
        ``OK`` after a requested stop; ``ERROR`` when the migration or a component
        ended by itself (the others are stopped; the message names it).
    """
    url = f"http://{HOST}:{port}/api/v2/monitor/health"
    ready = False

    def announce() -> None:
        nonlocal ready
        if not ready and healthy(url):
            print(f"{READY}: http://{HOST}:{port} (wszystkie składniki działają).", flush=True)
            ready = True

    with StopRequests() as requests:
        started = {"db migrate": start("db migrate", environment)}
        ended = watch(started, requests)
        if ended and started[ended].returncode == 0:
            started = {name: start(name, environment) for name in COMPONENTS}
            ended = watch(started, requests, announce)
        print("Zatrzymuję Airflow …", flush=True)
        stopping = time.monotonic()
        killed = stop(started, requests, grace_s)
    if ended:
        print(
            f"Błąd: `airflow {ended}` zakończył się kodem {started[ended].returncode} "
            "(przyczyna w logu powyżej); Airflow zatrzymany.",
            file=sys.stderr,
        )
        return exit_codes.ERROR
    forced = f"; zatrzymane siłą: {', '.join(killed)}" if killed else ""
    print(f"Airflow zatrzymany ({seconds(time.monotonic() - stopping)}{forced}).", flush=True)
    return exit_codes.OK


def shown_database(url: str) -> str:
    """``url`` as the start-up message shows it: without its password.

    Raises:
        ValueError: not a SQLAlchemy URL; the message names :data:`DATABASE_VARIABLE`.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        raise ValueError(
            f"{DATABASE_VARIABLE}={url!r} to nie adres bazy SQLAlchemy; przykład: "
            "postgresql+psycopg2://airflow:haslo@127.0.0.1:5432/airflow"
        ) from None


def main(argv: list[str] | None = None) -> int:
    parser = PolishArgumentParser(
        prog="python -m kurs.airflow_local",
        description=(
            "Airflow na tym komputerze (make airflow): UI na http://127.0.0.1:8080, baza "
            f"metadanych w $MLOPS_DATA_DIR/airflow (SQLite) albo ${DATABASE_VARIABLE}, "
            "DAG-i wszystkich zajęć."
        ),
    )
    parser.add_argument("--port", type=int, default=PORT, help=f"port UI i API (domyślnie {PORT})")
    port = parser.parse_args(argv).port
    home = data_dir() / "airflow"
    database_url = os.environ.get(DATABASE_VARIABLE) or None
    try:
        database = shown_database(database_url) if database_url else f"SQLite w {home}"
    except ValueError as error:
        print(f"Błąd: {error}", file=sys.stderr)
        return exit_codes.USAGE
    password = ensure_password(home / "passwords.json")
    print(
        f"Airflow: http://{HOST}:{port}  (użytkownik: {USER}, hasło: {password})\n"
        f"Baza metadanych: {database}; logi: {home}\n"
        "DAG-i startują wstrzymane. Na świeżym folderze danych włączony flights_ingest wykona\n"
        "miesiące 2013 po kolei. Po make run te miesiące mają już przebiegi i samo włączenie nic\n"
        "nie uruchomi: nowy przebieg to Clear istniejącego albo Trigger z parametrem month\n"
        "(kurs/README.md, „make airflow”). Zatrzymanie: Ctrl+C.\n",
        flush=True,
    )
    # Airflow's components may start `airflow …` commands: the venv's bin comes first.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    environment = standalone_environment(home, port, database_url)
    return serve({**os.environ, **environment, "PATH": path}, port)


if __name__ == "__main__":
    raise SystemExit(main())
