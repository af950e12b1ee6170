"""The production API checked from outside: Prometheus metrics after requests
(``api_metrics``) and a model swap under load (``api_swap_under_load``), against a small
student app under gunicorn that serves the version the ``production`` alias names."""

from __future__ import annotations

import pytest

from grading.checks.run_production_api import api_metrics, api_swap_under_load, send_traffic
from grading.model import StudentError

pytestmark = pytest.mark.slow  # gunicorn and sandboxed commands
APP = """import json
import time
from pathlib import Path

from flask import Flask
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest

COUNTED_PER_REQUEST = {counted}
VERSION_LABEL = {version_label}
UNAVAILABLE_AFTER_SWAP_S = {unavailable}
app = Flask(__name__)
REQUESTS = Counter("zapytania", "Żądania.", ["endpoint"])
PREDICTIONS = Counter("prognozy", "Prognozy.", ["model_version"])
ALIASES = Path("data/registry/aliases.json")
served = {{"version": None, "since": 0.0}}


def production():
    version = json.loads(ALIASES.read_text())["production"][-1]
    if served["version"] is not None and version != served["version"]:
        served["since"] = time.monotonic()
    served["version"] = version
    return version


@app.get("/health")
def health():
    return {{"status": "ok"}}


@app.post("/predict")
def predict():
    REQUESTS.labels("/predict").inc(COUNTED_PER_REQUEST)
    version = production()
    if time.monotonic() - served["since"] < UNAVAILABLE_AFTER_SWAP_S:
        return {{"error": "ładuję model"}}, 503
    PREDICTIONS.labels(version if VERSION_LABEL else "brak").inc()
    with Path("data/prognozy.log").open("a") as log:  # what live quality would read
        log.write(version + "\\n")
    return {{"probability": 0.5, "model_version": version}}


@app.get("/metrics")
def metrics():
    return generate_latest(), 200, {{"Content-Type": CONTENT_TYPE_LATEST}}
"""
API = {
    "health_path": "/health",
    "predict_path": "/predict",
    "example_request": "lot.json",
    "response_fields": ["probability", "model_version"],
    "metrics_path": "/metrics",
    "requests_metric": "zapytania_total",
    "version_field": "model_version",
}
COMMAND = ".venv/bin/gunicorn --bind 127.0.0.1:{port} --workers 1 --threads 4 app:app"


def production_api(trained, counted=1, version_label=True, unavailable=0.0):
    app = APP.format(counted=counted, version_label=version_label, unavailable=unavailable)
    context, params = trained(files={"app.py": app, "lot.json": '{"a": 1}'})
    return context, {**params, "api": API, "command": COMMAND}


def test_metrics_counted_once_per_request_with_the_version_label_pass(trained):
    context, params = production_api(trained)
    outcome = api_metrics(context, params)
    assert outcome.score == 1, outcome.message
    assert "zapytania_total policzył 12 z 12 prognoz, etykieta wersji v1" in outcome.message


def test_a_counter_that_counts_twice_and_no_version_label_lose_their_parts(trained):
    context, params = production_api(trained, counted=2, version_label=False)
    outcome = api_metrics(context, params)
    assert outcome.score == pytest.approx(1 / 3)
    assert "zapytania_total z etykietą /predict wzrósł o 24, a wysłano 12" in outcome.message
    assert "żadna metryka nie ma etykiety z wersją modelu z pola model_version (v1)" in (
        outcome.message
    )


def test_a_swap_under_load_without_failures_passes(trained):
    context, params = production_api(trained)
    outcome = api_swap_under_load(context, params)
    assert outcome.score == 1, outcome.message
    assert "v1 → v2 pod obciążeniem" in outcome.message


def test_requests_failing_during_the_swap_are_counted(trained):
    context, params = production_api(trained, unavailable=1.0)
    outcome = api_swap_under_load(context, params)
    assert outcome.score == pytest.approx(1 / 2)
    assert "żądań nieudanych (503)" in outcome.message


TRAFFIC = """import json, sys, urllib.request

month, url = sys.argv[1], sys.argv[2]
for _ in range(5):
    request = urllib.request.Request(
        url + "/predict", json.dumps({"a": 1}).encode(), {"Content-Type": "application/json"}
    )
    urllib.request.urlopen(request, timeout=5).read()
print("wysłano 5 lotów z", month)
"""


def test_a_periods_traffic_reaches_the_production_api_and_a_failing_one_is_named(trained):
    context, params = production_api(trained)
    traffic = {
        **params,
        "server": COMMAND,
        "traffic": ".venv/bin/python ruch.py {month} {url}",
    }
    state = context.run.stages["train"].state
    (state / "ruch.py").write_text(TRAFFIC)
    send_traffic(context, traffic, state, "2013-07")
    assert (state / "data" / "prognozy.log").read_text().split() == ["v1"] * 5
    failing = {**traffic, "traffic": ".venv/bin/python -c 'raise SystemExit(4)' {month} {url}"}
    with pytest.raises(StudentError, match=r"ruch do API \(commands.traffic dla 2013-07\)"):
        send_traffic(context, failing, state, "2013-07")
