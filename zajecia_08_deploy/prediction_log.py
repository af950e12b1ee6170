"""The prediction log: every answered prediction, kept to be judged when the truth is known.

One SQLite file (``$MLOPS_DATA_DIR/prediction_log/predictions.sqlite3`` by default,
``PREDICTION_LOG_PATH`` to change it), one row per predicted flight: time, request id,
the client's flight id, model version, the inputs (JSON), probability, decision,
threshold and the request's latency. Every gunicorn worker appends through its own
connection, its threads one after another; WAL mode lets the workers write one after
another while readers (the live quality job of this class) read a consistent snapshot.
A request's rows are committed before its answer leaves the server, so an answered
prediction is never missing from the log — or, when the log cannot be written, the API
says so: :meth:`PredictionLog.problem` makes ``/ready`` answer 503 with the reason, and
each lost request is counted (``api_prediction_log_failures_total``, alert
``PredictionLogFailing``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from kurs.atomic_io import new_archive_folder
from zajecia_07_docker.events import PredictionEvent

LOG_FILE = "predictions.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS predictions (
    id INTEGER PRIMARY KEY,
    logged_at TEXT NOT NULL,
    request_id TEXT NOT NULL,
    item INTEGER NOT NULL,
    flight_id TEXT,
    model_version TEXT NOT NULL,
    probability REAL NOT NULL,
    delayed INTEGER NOT NULL,
    threshold REAL NOT NULL,
    latency_ms REAL NOT NULL,
    inputs TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS predictions_flight ON predictions (flight_id);
"""
COLUMNS = (
    "logged_at",
    "request_id",
    "item",
    "flight_id",
    "model_version",
    "probability",
    "delayed",
    "threshold",
    "latency_ms",
    "inputs",
)


def log_path(data_dir: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """Where the prediction log of the data folder ``data_dir`` is: ``PREDICTION_LOG_PATH``,
    or ``prediction_log/predictions.sqlite3`` in it."""
    configured = environ.get("PREDICTION_LOG_PATH")
    return Path(configured) if configured else Path(data_dir) / "prediction_log" / LOG_FILE


def archive(data_dir: Path) -> Path | None:
    """Move the log of ``data_dir`` with its SQLite side files (``-wal``, ``-shm``) to
    ``prediction_log/archive/<n>/``, so that the next traffic starts a log of its own;
    nothing is deleted. Return the archive folder (``None`` when there was no log). Only
    while no API writes to it."""
    path = log_path(data_dir)
    files = sorted(path.parent.glob(f"{path.name}*"))
    if not path.is_file():
        return None
    target = new_archive_folder(path.parent / "archive")
    for file in files:
        file.rename(target / file.name)
    return target


class PredictionLog:
    """Append and read predictions; one instance per process (connections are not shared)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._connection: sqlite3.Connection | None = None
        self._pid: int | None = None
        self._last_error: str | None = None
        # The threads of a worker share its connection: one transaction at a time.
        self._lock = threading.Lock()

    def _create_group_writable(self) -> None:
        # In the Docker stack the API (its image's user) and the repository's owner share
        # the folder through its group (kurs/stack_folders.py): the file is created
        # group-writable whatever the umask, and SQLite gives -wal and -shm its mode.
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o664)
        except FileExistsError:
            return
        try:
            os.fchmod(fd, 0o664)
        finally:
            os.close(fd)

    def _connect(self) -> sqlite3.Connection:
        # BEGIN SOLUTION: połączenie SQLite WAL na proces
        # A connection must not cross a fork: gunicorn workers each open their own.
        if self._connection is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._create_group_writable()
            # IMMEDIATE: a writer takes the write lock when its transaction begins, so it
            # waits (timeout) for the other workers; a deferred one that finds its snapshot
            # outdated fails at once with "database is locked", whatever the timeout.
            connection = sqlite3.connect(
                self.path, timeout=30, check_same_thread=False, isolation_level="IMMEDIATE"
            )
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                # With WAL, NORMAL survives a crash of the process; only a power loss can
                # lose the last commits.
                connection.execute("PRAGMA synchronous=NORMAL")
                connection.executescript(SCHEMA)
            except sqlite3.Error:
                connection.close()
                raise
            self._connection, self._pid = connection, os.getpid()
        return self._connection
        # END SOLUTION

    def __call__(self, event: PredictionEvent) -> None:
        """Log one answered request (the API calls this after each prediction)."""
        self.append(event)

    def problem(self) -> str | None:
        """Why predictions cannot be logged now, or None: the last write failed (until one
        succeeds), or the log cannot be opened (its folder is missing and cannot be
        created, is not writable, the file is not a database…)."""
        with self._lock:
            if self._last_error is None:
                try:
                    self._connect()
                except (OSError, sqlite3.Error) as error:
                    return f"{type(error).__name__}: {error}"
            return self._last_error

    def append(self, event: PredictionEvent) -> None:
        """Append one request's predictions in one transaction.

        Raises:
            OSError, sqlite3.Error: the log cannot be written (also kept for ``problem``).
        """
        with self._lock:
            try:
                self._append(event)
            except (OSError, sqlite3.Error) as error:
                self._last_error = f"{type(error).__name__}: {error}"
                raise
            self._last_error = None

    def _append(self, event: PredictionEvent) -> None:
        # BEGIN SOLUTION: wiersz na lot, jedna transakcja
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        latency_ms = event.latency_s * 1000
        rows = [
            (
                now,
                event.request_id,
                item,
                flight.get("flight_id"),
                event.model_version,
                probability,
                int(delayed),
                event.threshold,
                latency_ms,
                json.dumps({k: v for k, v in flight.items() if k != "flight_id"}),
            )
            for item, (flight, probability, delayed) in enumerate(
                zip(event.flights, event.probabilities, event.decisions, strict=True)
            )
        ]
        connection = self._connect()
        with connection:  # one transaction per request
            connection.executemany(
                f"INSERT INTO predictions ({', '.join(COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(COLUMNS))})",
                rows,
            )
        # END SOLUTION

    def read(self, columns: tuple[str, ...] = COLUMNS) -> pd.DataFrame:
        """Logged predictions as a table, oldest first (``inputs`` stays JSON text).

        Raises:
            ValueError: a column the log does not have.
        """
        unknown = sorted(set(columns) - set(COLUMNS))
        if unknown:
            raise ValueError(f"log predykcji nie ma kolumn: {', '.join(unknown)}")
        if not self.path.is_file():
            return pd.DataFrame(columns=["id", *columns])
        connection = sqlite3.connect(
            f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30
        )
        try:
            return pd.read_sql_query(
                f"SELECT id, {', '.join(columns)} FROM predictions ORDER BY id", connection
            )
        finally:
            connection.close()
