"""The production API under gunicorn: metrics from every worker, every prediction logged."""

import json
import time

import pytest

from zajecia_07_docker.tests.flights import flights_of
from zajecia_08_deploy.prediction_log import PredictionLog
from zajecia_08_deploy.service import production_server
from zajecia_08_deploy.traffic import replay

pytestmark = pytest.mark.slow


def samples(exposition: str, name: str) -> dict[str, float]:
    """``{labels: value}`` of one metric in the Prometheus text format."""
    found = {}
    for line in exposition.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            labels, value = line.rsplit(" ", 1)
            found[labels[len(name) :]] = float(value)
    return found


@pytest.fixture(scope="module")
def traffic(two_versions, tmp_path_factory):
    """400 single predictions, a batch of 5 and 3 bad requests through a 2-worker server."""
    folder = tmp_path_factory.mktemp("production")
    metrics_dir = folder / "metrics"
    log_path = folder / "predictions.sqlite3"
    flights = flights_of(two_versions, rows=400)
    with production_server(
        two_versions,
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        PREDICTION_LOG_PATH=str(log_path),
    ) as server:
        # Until each worker has answered once: the test is about sums over both workers.
        deadline = time.monotonic() + 60
        while len(list(metrics_dir.glob("counter_*.db"))) < 2 and time.monotonic() < deadline:
            server.call("GET", "/health")
        result = replay(
            server.base_url, [f | {"flight_id": f"t{i}"} for i, f in enumerate(flights)], 8
        )
        batch = server.call("POST", "/predict", {"instances": flights[:5]})
        bad = [
            server.call("POST", "/predict", flights[0] | {"dep_hour": 99}),
            server.call("POST", "/predict", {"instances": [flights[0] | {"temp": "hot"}]}),
            server.call("POST", "/predict", "x", {"Content-Type": "text/plain"}),
        ]
        files = sorted(p.name for p in metrics_dir.iterdir())
        exposition = server.call("GET", "/metrics")[1]
    return result, batch, bad, files, exposition, PredictionLog(log_path).read()


def test_metrics_come_from_every_worker(traffic):
    result, _, _, files, exposition, _ = traffic
    assert result.ok == 400
    assert len([name for name in files if name.startswith("counter_")]) == 2
    requests = samples(exposition, "api_requests_total")
    assert requests['{endpoint="/predict",method="POST",status="200"}'] == 401
    assert requests['{endpoint="/predict",method="POST",status="422"}'] == 2
    assert requests['{endpoint="/predict",method="POST",status="415"}'] == 1
    latency = samples(exposition, "api_request_duration_seconds_count")
    assert latency['{endpoint="/predict"}'] == 404


def test_predictions_are_counted_by_decision_and_version(traffic):
    _, _, _, _, exposition, log = traffic
    predictions = samples(exposition, "api_predictions_total")
    assert sum(predictions.values()) == 405
    delayed = predictions.get('{decision="delayed",model_version="v0001"}', 0)
    assert delayed == log["delayed"].sum() and 0 < delayed < 405


def test_validation_errors_are_counted_by_field(traffic):
    errors = samples(traffic[4], "api_validation_errors_total")
    assert errors['{field="dep_hour"}'] == 1
    assert errors['{field="temp"}'] == 1  # "instances[0].temp" -> temp
    assert errors['{field="Content-Type"}'] == 1


def test_model_in_service_is_visible(traffic):
    assert samples(traffic[4], "api_model_in_service") == {'{version="v0001"}': 1.0}
    assert samples(traffic[4], "api_model_load_failures_total") == {"": 0.0}


def test_every_answered_prediction_is_logged_once(traffic):
    _, batch, _, _, _, log = traffic
    assert len(log) == 405 and log["request_id"].nunique() == 401
    assert sorted(log["flight_id"].dropna()) == sorted(f"t{i}" for i in range(400))
    assert set(log["model_version"]) == {"v0001"} and (log["latency_ms"] > 0).all()
    assert ((log["probability"] >= log["threshold"]) == log["delayed"].astype(bool)).all()
    rows = log[log["request_id"] == batch[1]["request_id"]]
    assert list(rows["item"]) == [0, 1, 2, 3, 4]
    assert list(rows["probability"]) == [p["probability"] for p in batch[1]["predictions"]]


def test_logged_inputs_are_the_features_sent(traffic, two_versions):
    log = traffic[5]
    first = log[log["flight_id"] == "t0"].iloc[0]
    assert json.loads(first["inputs"]) == {
        k: (float(v) if isinstance(v, int) else v)
        for k, v in flights_of(two_versions, rows=1)[0].items()
    }
