"""Benchmark of the API: ``/predict`` against a no-op endpoint, measured with ``wrk``.

    python -m zajecia_07_docker.bench      (make bench; needs the model of make run)

Both endpoints are served by the same gunicorn with the production configuration
(``gunicorn.conf.py``: two workers with threads), so the ratio shows what a prediction
costs on top of HTTP, Flask and logging. ``/health`` is the no-op: it only answers
``{"status": "ok"}``. The pair is measured ``RUNS`` times; each run's ratio and their
median are printed, in requests per second and in the workers' CPU time per request.
The second is steadier: requests per second also depend on how ``wrk``'s keep-alive
connections happened to split between the two workers (a worker keeps those it
accepted) and on ``wrk`` itself taking CPU from them. Also measured, in this process:
where the time of one ``/predict`` goes (without HTTP), one flight on the fast path
against the pipeline, and batch scoring of a whole month. Numbers are printed, not
asserted: they depend on the machine and on what else runs on it; the ratios of one run
are what to compare. The figures of the wrk runs are also kept in ``bench/api.json`` of the
data folder, for reports to cite.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from werkzeug.test import EnvironBuilder

from kurs import exit_codes
from kurs.jsonio import write_json_atomic
from kurs.polish import decimal, integer
from kurs.repository import data_dir
from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_05_model.registry import Registry
from zajecia_07_docker.app import create_app
from zajecia_07_docker.schema import flight_records, validate_flight
from zajecia_07_docker.served_model import ServedModel, features_table
from zajecia_07_docker.server import ApiServer
from zajecia_07_docker.settings import ApiSettings

MONTH = "2013-08"
DURATION_S = 5
CONNECTIONS = 16
RUNS = 3
TARGET_RATIO = 0.7
TARGET_BATCH_ROWS_S = 100_000
LATENCY_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}
CLOCK_TICKS_S = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Load:
    """``wrk`` runs against one endpoint: what the clients got, what the workers spent."""

    requests: int
    seconds: float
    p99_ms: float
    worker_cpu_s: float

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds

    @property
    def cpu_us(self) -> float:
        """Worker CPU time (user + system) per request, µs."""
        return self.worker_cpu_s / self.requests * 1e6

    def __add__(self, other: Load) -> Load:
        return Load(
            self.requests + other.requests,
            self.seconds + other.seconds,
            max(self.p99_ms, other.p99_ms),
            self.worker_cpu_s + other.worker_cpu_s,
        )


def worker_cpu_s(server: ApiServer) -> float:
    """CPU time (user + system, s) used so far by the server's workers (Linux ``/proc``)."""
    master = server.process.pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in children:
        # Fields 14 and 15 of /proc/PID/stat (after the command in parentheses): utime, stime.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS_S


def wrk(server: ApiServer, path: str, script: Path | None = None) -> Load:
    """One ``wrk`` run of ``DURATION_S`` against ``path``, with the workers' CPU time."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION_S}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    cpu_before = worker_cpu_s(server)
    output = subprocess.run(
        [*command, server.base_url + path], capture_output=True, text=True, check=True
    ).stdout
    cpu = worker_cpu_s(server) - cpu_before
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk zgłosił błędy:\n{output}")
    requests, seconds = re.search(r"(\d+) requests in ([\d.]+)s", output).groups()
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()
    return Load(int(requests), float(seconds), float(value) * LATENCY_UNITS[unit], cpu)


def post_script(body: dict, folder: Path) -> Path:
    script = folder / "predict.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(json.dumps(body))}\n",
        encoding="utf-8",
    )
    return script


def best_of(runs: int, function) -> float:
    """The shortest of ``runs`` timings, in seconds: the least disturbed by the machine."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return min(timings)


def per_call_us(function, repeats: int, rounds: int = 5) -> float:
    """Microseconds per call: the mean of ``repeats`` calls, the best of ``rounds``."""
    return best_of(rounds, lambda: [function() for _ in range(repeats)]) / repeats * 1e6


def wsgi_call(app, method: str, path: str, body: bytes = b"") -> Callable[[], bytes]:
    """One request straight into the WSGI app, as gunicorn makes it, without HTTP."""
    environ = EnvironBuilder(
        method=method, path=path, data=body, content_type="application/json" if body else None
    ).get_environ()

    def call() -> bytes:
        request = {**environ, "wsgi.input": io.BytesIO(body)}
        return b"".join(app(request, lambda status, headers, exc_info=None: None))

    return call


def predict_stages(folder: Path, flight: dict) -> list[tuple[str, float]]:
    """Where the time of one ``POST /predict`` goes, in µs: the app in this process (no
    HTTP, no access log), ``/health`` for comparison, and the stages alone."""
    app = create_app(ApiSettings(data_dir=folder))
    body = json.dumps(flight).encode()
    parsed = json.loads(body)
    values, _ = validate_flight(parsed)
    model = app.extensions["api"]["slot"].current
    health = per_call_us(wsgi_call(app, "GET", "/health"), 1000)
    predict = per_call_us(wsgi_call(app, "POST", "/predict", body), 1000)
    stages = [
        ("parsowanie JSON", per_call_us(lambda: json.loads(body), 2000)),
        ("walidacja (schema.py)", per_call_us(lambda: validate_flight(parsed), 2000)),
        ("model (szybka ścieżka)", per_call_us(lambda: model.predict([values]), 2000)),
    ]
    rest = predict - health - sum(us for _, us in stages)
    return [
        ("/health, całe żądanie", health),
        ("/predict, całe żądanie", predict),
        *stages,
        ("reszta: odczyt ciała, większa odpowiedź JSON, zdarzenie", rest),
    ]


def api_runs(server: ApiServer, script: Path) -> list[tuple[Load, Load]]:
    """``RUNS`` times: the load of /health and of /predict.

    A run measures /health, /predict, /predict, /health (``DURATION_S`` each): a machine
    getting busier or quieter during the run changes both endpoints alike.
    """
    runs = []
    for _ in range(RUNS):
        first = wrk(server, "/health")
        predict = wrk(server, "/predict", script) + wrk(server, "/predict", script)
        runs.append((first + wrk(server, "/health"), predict))
    return runs


def results_path(folder: Path) -> Path:
    """Where the last benchmark's figures are kept: ``bench/api.json`` in the data folder,
    where a report can cite them."""
    return Path(folder) / "bench" / "api.json"


def results(version: str, runs: list[tuple[Load, Load]]) -> dict:
    """The figures of the wrk runs, as ``bench/api.json`` keeps them: per run the
    requests per second, p99 (ms) and worker CPU per request (µs) of ``/health`` and
    ``/predict`` and their ratios, then the medians; ``predict_p99_ms`` is the slowest
    run's, under the load of ``connections`` clients."""
    rows = [
        {
            "health_rps": health.rate,
            "health_p99_ms": health.p99_ms,
            "health_cpu_us": health.cpu_us,
            "predict_rps": predict.rate,
            "predict_p99_ms": predict.p99_ms,
            "predict_cpu_us": predict.cpu_us,
            "ratio": predict.rate / health.rate,
            "cpu_ratio": health.cpu_us / predict.cpu_us,
        }
        for health, predict in runs
    ]
    return {
        "model_version": version,
        "month": MONTH,
        "connections": CONNECTIONS,
        "seconds_per_endpoint": 2 * DURATION_S,
        "runs": rows,
        "median_ratio": statistics.median(row["ratio"] for row in rows),
        "median_cpu_ratio": statistics.median(row["cpu_ratio"] for row in rows),
        "predict_p99_ms": max(row["predict_p99_ms"] for row in rows),
    }


def main() -> int:
    if shutil.which("wrk") is None:
        print("Brak programu wrk: uruchom `make bench` (instaluje go) albo apt-get install wrk.")
        return exit_codes.ERROR
    folder = data_dir()
    registry = Registry(folder)
    model = ServedModel.load(registry, "production")
    frame = features_partition(folder, MONTH).read()
    flights = flight_records(frame)
    table = features_table(flights)

    fast = per_call_us(lambda: model.forest.predict_proba(flights[0]), 2000)
    slow = per_call_us(lambda: model.pipeline.predict_proba(table.iloc[:1]), 50)
    pipeline_rate = len(table) / best_of(3, lambda: model.pipeline.predict_proba(table))
    batch_rate = len(table) / best_of(3, lambda: model.batch.predict_proba(table))
    print(f"Model {model.version}, loty z {MONTH}:")
    print(f"  jeden lot, szybka ścieżka: {decimal(fast, 0)} µs; pipeline: {decimal(slow, 0)} µs")
    print(
        f"  partia {integer(len(table))} lotów: pipeline {integer(round(pipeline_rate))} "
        f"wierszy/s, ścieżka binarna {integer(round(batch_rate))} wierszy/s "
        f"(cel ≥ {integer(TARGET_BATCH_ROWS_S)}"
        f"{'' if batch_rate >= TARGET_BATCH_ROWS_S else ' — nieosiągnięty'})"
    )

    print("Gdzie idzie czas /predict (jeden lot, w procesie, bez HTTP), µs na żądanie:")
    for stage, us in predict_stages(folder, flights[0]):
        print(f"  {stage}: {decimal(us, 0)}")

    with tempfile.TemporaryDirectory() as scratch, ApiServer(folder) as server:
        runs = api_runs(server, post_script(flights[0], Path(scratch)))
    print(
        f"gunicorn, {CONNECTIONS} połączeń (wrk), {RUNS} przebiegi po {2 * DURATION_S} s na "
        f"endpoint (/health, /predict, /predict, /health):"
    )
    summary = results(model.version, runs)
    for number, run in enumerate(summary["runs"], 1):
        print(
            f"  {number}. /health {integer(round(run['health_rps']))} żądań/s (p99 "
            f"{decimal(run['health_p99_ms'], 1)} ms, CPU workerów "
            f"{decimal(run['health_cpu_us'], 0)} µs na żądanie), /predict "
            f"{integer(round(run['predict_rps']))} żądań/s (p99 "
            f"{decimal(run['predict_p99_ms'], 1)} ms, {decimal(run['predict_cpu_us'], 0)} µs): "
            f"stosunek {decimal(run['ratio'], 2)}, według CPU {decimal(run['cpu_ratio'], 2)}"
        )
    write_json_atomic(results_path(folder), summary)
    median = summary["median_ratio"]
    missed = "" if median >= TARGET_RATIO else " — nieosiągnięty"
    print(
        f"  mediana stosunku /predict do pustego: {decimal(median, 2)} "
        f"(cel ≥ {decimal(TARGET_RATIO, 1)}{missed}); "
        f"według CPU workerów na żądanie: {decimal(summary['median_cpu_ratio'], 2)}"
    )
    print(f"wyniki: {results_path(folder)}")
    return exit_codes.OK


if __name__ == "__main__":
    raise SystemExit(main())
