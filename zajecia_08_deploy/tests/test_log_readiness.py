"""A prediction that cannot be logged is answered, counted, and makes the API not ready."""

import os

import pytest

from zajecia_07_docker.settings import ApiSettings
from zajecia_07_docker.tests.flights import flights_of
from zajecia_08_deploy import metrics
from zajecia_08_deploy.app import create_app
from zajecia_08_deploy.prediction_log import PredictionLog


def failures() -> float:
    return metrics.REGISTRY.get_sample_value("api_prediction_log_failures_total") or 0.0


@pytest.fixture
def blocked(tmp_path):
    """A log whose folder cannot be created: its parent is a file (root cannot either)."""
    parent = tmp_path / "prediction_log"
    parent.write_text("nie katalog")
    return parent, PredictionLog(parent / "predictions.sqlite3")


def test_an_unwritable_log_is_reported_by_ready_and_counted(data, blocked):
    parent, log = blocked
    client = create_app(ApiSettings(data_dir=data), log, watch_interval_s=3600).test_client()
    response = client.get("/ready")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not_ready"
    assert str(log.path) in body["reason"] and "nie przyjmuje zapisów" in body["reason"]

    before = failures()
    flight = flights_of(data, rows=1)[0]
    assert client.post("/predict", json=flight).status_code == 200  # availability first
    assert failures() == before + 1
    assert client.get("/ready").status_code == 503

    # The folder fixed: the next prediction is logged and the API is ready again.
    parent.unlink()
    assert client.post("/predict", json=flight).status_code == 200
    assert failures() == before + 1
    assert client.get("/ready").status_code == 200
    assert len(log.read()) == 1


def test_a_log_that_is_not_a_database_is_a_problem(tmp_path):
    path = tmp_path / "predictions.sqlite3"
    path.write_bytes(b"to nie jest baza SQLite" * 100)
    log = PredictionLog(path)
    assert "DatabaseError" in log.problem()


def test_a_new_log_is_group_writable_whatever_the_umask(tmp_path):
    """The API and the repository's owner share the log folder through its group."""
    log = PredictionLog(tmp_path / "predictions.sqlite3")
    old = os.umask(0o077)
    try:
        assert log.problem() is None
    finally:
        os.umask(old)
    assert (tmp_path / "predictions.sqlite3").stat().st_mode & 0o777 == 0o664
