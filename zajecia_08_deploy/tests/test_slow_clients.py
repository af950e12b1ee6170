"""The production API under slow clients and concurrent traffic: answers, sums, log rows."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from zajecia_07_docker.server import ApiServer
from zajecia_07_docker.tests.flights import flights_of
from zajecia_07_docker.tests.slow_clients import SlowClients, timed_call
from zajecia_08_deploy.prediction_log import PredictionLog
from zajecia_08_deploy.service import APP, CONFIG
from zajecia_08_deploy.traffic import replay

pytestmark = pytest.mark.slow
REQUESTS, CLIENTS = 300, 16


def total(exposition: str, name: str, **labels: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == name and labels.items() <= sample.labels.items()
    )


def test_threads_keep_answers_metrics_and_log_exact_under_slow_clients(two_versions, tmp_path):
    # Each worker serves many connections from its threads; the metric files and the
    # prediction log are written from all of them at once, and must add up exactly.
    flights = [
        f | {"flight_id": f"s{i}"} for i, f in enumerate(flights_of(two_versions, rows=REQUESTS))
    ]
    log_path = tmp_path / "predictions.sqlite3"
    env = {
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "PREDICTION_LOG_PATH": str(log_path),
    }
    with ApiServer(
        two_versions, env=env, config=CONFIG, app=APP, log_path=tmp_path / "api.log"
    ) as server:
        with SlowClients(server.port, flights[0], idle=50, trickling=10) as slow:
            result = replay(server.base_url, flights, CLIENTS)
            health = timed_call(server, "GET", "/health")
            answers = slow.finish()
        exposition = server.call("GET", "/metrics")[1]
        log_text = server.log()
    answered = REQUESTS + len(answers)
    assert result.ok == REQUESTS and answers == [b"HTTP/1.1 200 OK"] * 10
    assert health[0] == 200 and health[1] < 2.0
    assert total(exposition, "api_requests_total", endpoint="/predict", status="200") == answered
    assert total(exposition, "api_predictions_total") == answered
    log = PredictionLog(log_path).read()
    assert len(log) == answered and log["request_id"].nunique() == answered
    assert "WORKER TIMEOUT" not in log_text and log_text.count("Booting worker") == 2
