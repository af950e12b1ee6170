"""Benchmark of the API: ``/predict`` against a no-op endpoint, measured with ``wrk``.

    python -m zajecia_07_docker.bench      (make bench; needs the model of make run)

Both endpoints are served by the same gunicorn with the production configuration
(``gunicorn.conf.py``: two workers with threads), so the ratio shows what a prediction
costs on top of HTTP, Flask and logging. ``/health`` is the no-op: it only answers
``{"status": "ok"}``. The pair is measured ``RUNS`` times; each run's ratio and their
median are printed. Also measured, in this process: where the time of one ``/predict``
goes (without HTTP), one flight on the fast path against the pipeline, and batch scoring
of a whole month. Numbers are printed, not asserted: they depend on the machine and on
what else runs on it; the ratios of one run are what to compare.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from werkzeug.test import EnvironBuilder

from kurs import exit_codes
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


def wrk(url: str, script: Path | None = None) -> tuple[float, float]:
    """Requests per second and p99 latency (ms) of one ``wrk`` run."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION_S}s", "--latency", url]
    if script:
        command[1:1] = ["-s", str(script)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk zgłosił błędy:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()
    return rate, float(value) * LATENCY_UNITS[unit]


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


def api_runs(server: ApiServer, script: Path) -> list[tuple[float, float, float, float]]:
    """``RUNS`` times: /health and /predict requests per second and p99 latencies (ms).

    A run measures /health, /predict, /predict, /health (``DURATION_S`` each): a machine
    getting busier or quieter during the run changes both endpoints alike.
    """
    runs = []
    for _ in range(RUNS):
        first, second, third, fourth = (
            wrk(f"{server.base_url}/health"),
            wrk(f"{server.base_url}/predict", script),
            wrk(f"{server.base_url}/predict", script),
            wrk(f"{server.base_url}/health"),
        )
        runs.append(
            (
                (first[0] + fourth[0]) / 2,
                max(first[1], fourth[1]),
                (second[0] + third[0]) / 2,
                max(second[1], third[1]),
            )
        )
    return runs


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
    ratios = []
    for number, (noop_rate, noop_p99, rate, p99) in enumerate(runs, 1):
        ratios.append(rate / noop_rate)
        print(
            f"  {number}. /health {integer(round(noop_rate))} żądań/s (p99 "
            f"{decimal(noop_p99, 1)} ms), /predict {integer(round(rate))} żądań/s (p99 "
            f"{decimal(p99, 1)} ms): stosunek {decimal(ratios[-1], 2)}"
        )
    median = statistics.median(ratios)
    print(
        f"  mediana stosunku /predict do pustego: {decimal(median, 2)} "
        f"(cel ≥ {decimal(TARGET_RATIO, 1)}{'' if median >= TARGET_RATIO else ' — nieosiągnięty'})"
    )
    return exit_codes.OK


if __name__ == "__main__":
    raise SystemExit(main())
