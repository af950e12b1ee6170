"""Traffic simulator: a month's flights replayed against the API as production traffic.

    python -m zajecia_08_deploy replay 2013-08 [--url http://127.0.0.1:8000] [--limit N]

Each flight of the month's feature partition (class 04) becomes one ``POST /predict``
with its ``flight_id``, sent in timetable order by a few concurrent clients. The
prediction log then holds what the model said about each flight; the real outcome, in
the same partition, is what the live quality job joins with it later.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kurs.polish import decimal, integer
from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_07_docker.schema import FLIGHT_ID, flight_records
from zajecia_07_docker.server import call
from zajecia_08_deploy.flight_ids import flight_ids

# How to start the production API when a command finds none at its --url.
START_API = (
    "uruchom API: .venv/bin/gunicorn --config zajecia_08_deploy/gunicorn.conf.py "
    "zajecia_08_deploy.wsgi:app (albo docker compose up w zajecia_08_deploy) lub popraw --url"
)


def connection_error(error: OSError) -> str:
    """Why a request got no answer, in Polish (the errno text of the system is English)."""
    if isinstance(error, ConnectionRefusedError):
        return "połączenie odrzucone — nic nie nasłuchuje pod tym adresem"
    if isinstance(error, TimeoutError):
        return "brak odpowiedzi w limicie czasu"
    if isinstance(error, ConnectionError):
        return f"połączenie zerwane ({type(error).__name__})"
    if isinstance(error, socket.gaierror):
        return "nieznany host"
    return f"błąd sieci ({type(error).__name__}: {error})"


def api_problem(base_url: str, timeout_s: float = 5.0) -> str:
    """Why the API at ``base_url`` cannot take traffic or follow a deployment; empty when
    it answers ``/health`` and ``/metrics`` with 200.

    ``/ready`` is not required: an API without a loadable model (503) is what a
    deployment of a good version repairs.
    """
    for path in ("/health", "/metrics"):
        try:
            status, _ = call(base_url, "GET", path, timeout=timeout_s)
        except OSError as error:
            return f"API {base_url} nie odpowiada: {connection_error(error)}"
        if status != 200:
            return f"API {base_url} odpowiada na GET {path} statusem {status}"
    return ""


def month_requests(data_dir: Path, month: str, limit: int | None = None) -> list[dict]:
    """The month's flights in timetable order, as request bodies with a ``flight_id``."""
    frame = features_partition(data_dir, month).read()
    frame = frame.sort_values("sched_dep_utc", kind="stable").head(limit)
    bodies = flight_records(frame)
    for body, identifier in zip(bodies, flight_ids(frame), strict=True):
        body[FLIGHT_ID.name] = identifier
    return bodies


@dataclass
class ReplayResult:
    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    versions: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)
    latencies_s: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> int:
        return self.statuses[200]

    def percentile_ms(self, q: float) -> float:
        return float(np.percentile(self.latencies_s, q) * 1000) if self.latencies_s else 0.0

    def summary(self) -> str:
        versions = ", ".join(f"{v}: {integer(n)}" for v, n in sorted(self.versions.items()))
        return (
            f"wysłano {integer(self.sent)} żądań w {decimal(self.seconds, 1)} s "
            f"({integer(round(self.sent / max(self.seconds, 1e-9)))}/s); "
            f"200: {integer(self.ok)}, błędy: {integer(self.sent - self.ok)}{self._causes()}; "
            f"p50 {decimal(self.percentile_ms(50), 1)} ms, "
            f"p99 {decimal(self.percentile_ms(99), 1)} ms; "
            f"odpowiedzi wersji: {versions or '—'}"
        )

    def _causes(self, shown: int = 2) -> str:
        """The most common reasons of the errors, e.g. `` (422 …: 3×)``; empty without errors."""
        common = self.reasons.most_common(shown)
        return (
            f" ({'; '.join(f'{reason}: {integer(n)}×' for reason, n in common)})" if common else ""
        )


def _reason(status: int | None, answer: object) -> str:
    """A failed request's reason in one line: the API's error message, or the network's."""
    if status is None:
        return str(answer)
    message = answer.get("error", {}).get("message") if isinstance(answer, dict) else None
    return f"HTTP {status}: {message or str(answer)[:80]}"


def replay(
    base_url: str,
    bodies: list[dict],
    concurrency: int = 8,
    on_sent=None,
    stop: threading.Event | None = None,
) -> ReplayResult:
    """Send every body as ``POST /predict``; count statuses and the versions that answered.

    A failed request (an error status or no answer at all) is kept in ``failures`` with
    the reason; nothing stops the replay. ``on_sent(n)`` is called after each request —
    a deployment can be started in the middle of the traffic. Once ``stop`` is set, the
    bodies not sent yet are skipped: the traffic ends early (``sent`` says how far it got).
    """
    result = ReplayResult()
    lock = threading.Lock()

    def send(body: dict) -> None:
        if stop is not None and stop.is_set():
            return
        started = time.perf_counter()
        try:
            status, answer = call(base_url, "POST", "/predict", body, timeout=30)
        except OSError as error:
            status, answer = None, connection_error(error)
        took = time.perf_counter() - started
        with lock:
            result.sent += 1
            result.statuses[status] += 1
            result.latencies_s.append(took)
            if status == 200:
                result.versions[answer["model_version"]] += 1
            else:
                result.failures.append(f"{body.get(FLIGHT_ID.name)}: {status} {answer}")
                result.reasons[_reason(status, answer)] += 1
            sent = result.sent
        if on_sent:
            on_sent(sent)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(send, bodies))
    result.seconds = time.perf_counter() - started
    return result
