"""Prometheus metrics of the API, correct with any number of gunicorn workers.

Each worker is a separate process with its own counters. In multi-process mode
(``PROMETHEUS_MULTIPROC_DIR`` set before ``prometheus_client`` is imported — the class
08 ``gunicorn.conf.py`` does it) every worker writes its values to files in that folder
and ``/metrics`` — answered by any one worker — adds up the files of all of them.
Without the variable (the Flask test client, one process) the usual in-memory registry
is used.

Label values are bounded: the endpoint is the route pattern (``unmatched`` for a 404),
the field of a validation error is a known field name or ``other``. A client cannot
create new time series by sending odd paths or field names.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter as Tally
from collections import defaultdict
from collections.abc import Callable

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.parser import text_string_to_metric_families

from kurs.polish import integer
from zajecia_07_docker.events import PredictionEvent
from zajecia_07_docker.schema import BY_NAME, FLIGHT_ID

REQUESTS = Counter(
    "api_requests_total",
    "Żądania HTTP według endpointu, metody i statusu.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "api_request_duration_seconds",
    "Czas obsługi żądania według endpointu.",
    ["endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
PREDICTIONS = Counter(
    "api_predictions_total",
    "Prognozy według decyzji i wersji modelu.",
    ["decision", "model_version"],
)
VALIDATION_ERRORS = Counter(
    "api_validation_errors_total", "Błędy walidacji wejścia według pola.", ["field"]
)
# 1 for the version a live worker serves: "livemax" shows a version while any live
# worker still serves it, so during a swap both versions are visible.
MODEL_IN_SERVICE = Gauge(
    "api_model_in_service",
    "Wersja modelu w użyciu (1 = serwowana).",
    ["version"],
    multiprocess_mode="livemax",
)
MODEL_LOAD_FAILURES = Counter(
    "api_model_load_failures_total", "Nieudane wczytania modelu (stary model działa dalej)."
)
# An answered prediction that did not reach the prediction log: live quality misses it.
PREDICTION_LOG_FAILURES = Counter(
    "api_prediction_log_failures_total", "Predykcje, których nie udało się zapisać w logu."
)

BATCH_ITEM = re.compile(r"^instances\[\d+\]\.?")
METHODS = {"GET", "POST", "HEAD", "OPTIONS"}
KNOWN_FIELDS = {
    *BY_NAME,
    FLIGHT_ID.name,
    "body",
    "instances",
    "Content-Type",
    "method",
    "path",
    "model",
}


def error_field(field: str) -> str:
    """A bounded label for a field named in an error (``instances[7].dep_hour`` -> ``dep_hour``)."""
    name = BATCH_ITEM.sub("", field)
    return name if name in KNOWN_FIELDS else "other"


def count_predictions(event: PredictionEvent) -> None:
    # BEGIN SOLUTION: policz prognozy według decyzji i wersji
    delayed = sum(event.decisions)
    if delayed:
        PREDICTIONS.labels("delayed", event.model_version).inc(delayed)
    if len(event.decisions) > delayed:
        PREDICTIONS.labels("on_time", event.model_version).inc(len(event.decisions) - delayed)
    # END SOLUTION


def logged(log: Callable[[PredictionEvent], None]) -> Callable[[PredictionEvent], None]:
    """``log`` that also counts its failures (the API answers the prediction anyway)."""

    def write(event: PredictionEvent) -> None:
        try:
            log(event)
        except Exception:
            PREDICTION_LOG_FAILURES.inc()
            raise

    return write


def show_model(previous: str | None, current: str | None) -> None:
    if previous:
        MODEL_IN_SERVICE.labels(previous).set(0)
    if current:
        MODEL_IN_SERVICE.labels(current).set(1)


def exposition() -> bytes:
    # BEGIN SOLUTION: metryki wszystkich workerów (tryb wieloprocesowy)
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
    # END SOLUTION


def versions_in_service(exposition: str) -> set[str]:
    """The versions some live worker serves, read from a ``/metrics`` answer."""
    return {
        sample.labels["version"]
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == "api_model_in_service" and sample.value == 1
    }


def metric_lines(exposition: str) -> list[str]:
    """A few lines (Polish) about the traffic, read from a ``/metrics`` answer."""
    statuses, decisions = defaultdict(int), defaultdict(int)
    serving, failures, unlogged = [], 0, 0
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            labels = sample.labels
            if sample.name == "api_requests_total" and labels["endpoint"] == "/predict":
                statuses[labels["status"]] += int(sample.value)
            elif sample.name == "api_predictions_total":
                decisions[f"{labels['model_version']} {labels['decision']}"] += int(sample.value)
            elif sample.name == "api_model_in_service" and sample.value == 1:
                serving.append(labels["version"])
            elif sample.name == "api_model_load_failures_total":
                failures += int(sample.value)
            elif sample.name == "api_prediction_log_failures_total":
                unlogged += int(sample.value)
    return [
        "/metrics — POST /predict według statusu: "
        + ", ".join(f"{status}: {integer(n)}" for status, n in sorted(statuses.items())),
        "prognozy według wersji i decyzji: "
        + ", ".join(f"{key}: {integer(n)}" for key, n in sorted(decisions.items())),
        f"model w użyciu: {', '.join(sorted(serving)) or '—'}; "
        f"nieudane wczytania modelu: {failures}; predykcje niezapisane w logu: {unlogged}",
    ]


def install(app: Flask) -> None:
    """Count every request of ``app`` and serve ``GET /metrics``."""
    # BEGIN SOLUTION: licz żądania i czas, błędy walidacji; GET /metrics

    @app.before_request
    def start_timer():
        g.metrics_started = time.perf_counter()

    # A 405 has no matched rule, but its path is a known one; anything else is "unmatched".
    paths = {rule.rule for rule in app.url_map.iter_rules()}

    @app.after_request
    def record(response):
        if request.url_rule:
            endpoint = request.url_rule.rule
        else:
            endpoint = request.path if request.path in paths else "unmatched"
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(endpoint, method, str(response.status_code)).inc()
        LATENCY.labels(endpoint).observe(
            time.perf_counter() - g.get("metrics_started", time.perf_counter())
        )
        if response.status_code in (400, 413, 415, 422) and response.is_json:
            fields = Tally(
                error_field(item["field"]) for item in response.get_json()["error"]["fields"]
            )
            for field, count in fields.items():
                VALIDATION_ERRORS.labels(field).inc(count)
        return response

    @app.get("/metrics")
    def metrics():
        return Response(exposition(), content_type=CONTENT_TYPE_LATEST)

    # END SOLUTION
