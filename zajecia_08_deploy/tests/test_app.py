"""The production app in this process (Flask test client): hooks, log, metrics, watcher."""

import json

import pytest

from zajecia_05_model.registry import MODEL_FILE, Registry
from zajecia_07_docker.served_model import ModelSlot
from zajecia_07_docker.settings import ApiSettings
from zajecia_07_docker.tests.flights import flights_of
from zajecia_08_deploy import metrics
from zajecia_08_deploy.app import create_app
from zajecia_08_deploy.hot_swap import AliasWatcher
from zajecia_08_deploy.prediction_log import PredictionLog


def value(name: str, **labels) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def client(data, tmp_path):
    log = PredictionLog(tmp_path / "log.sqlite3")
    app = create_app(ApiSettings(data_dir=data), prediction_log=log, watch_interval_s=3600)
    return app.test_client(), log


def test_predictions_are_logged_and_counted(client, data):
    test_client, log = client
    flights = flights_of(data, rows=3)
    before = value("api_requests_total", endpoint="/predict", method="POST", status="200")
    response = test_client.post("/predict", json={"instances": flights})
    assert response.status_code == 200
    rows = log.read()
    assert list(rows["item"]) == [0, 1, 2] and set(rows["model_version"]) == {"v0001"}
    assert json.loads(rows["inputs"][0])["carrier"] == flights[0]["carrier"]
    after = value("api_requests_total", endpoint="/predict", method="POST", status="200")
    assert after == before + 1


def test_labels_stay_bounded_whatever_the_client_sends(client):
    test_client, _ = client
    before = value("api_validation_errors_total", field="other")
    test_client.post("/predict", json={"instances": [{"zzz": 1, "yyy": 2}]})
    assert value("api_validation_errors_total", field="other") == before + 2
    assert value("api_validation_errors_total", field="zzz") == 0
    before = value("api_requests_total", endpoint="unmatched", method="GET", status="404")
    test_client.get("/no/such/path")
    assert value("api_requests_total", endpoint="unmatched", method="GET", status="404") == (
        before + 1
    )
    # An odd method is "other"; a known path keeps its name even when the method is wrong.
    before = value("api_requests_total", endpoint="/predict", method="other", status="405")
    test_client.open("/predict", method="FOOA")
    assert value("api_requests_total", endpoint="/predict", method="other", status="405") == (
        before + 1
    )
    assert value("api_requests_total", endpoint="/predict", method="FOOA", status="405") == 0


def test_metrics_endpoint_serves_the_text_format(client):
    test_client, _ = client
    response = test_client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert 'api_model_in_service{version="v0001"} 1.0' in response.get_data(as_text=True)


def test_a_failing_log_is_counted_and_the_prediction_still_answered(data, flights_one):
    class BrokenLog:
        def __call__(self, event):
            raise OSError("dysk pełny")

    app = create_app(ApiSettings(data_dir=data), prediction_log=BrokenLog(), watch_interval_s=3600)
    before = value("api_prediction_log_failures_total")
    assert app.test_client().post("/predict", json=flights_one).status_code == 200
    assert value("api_prediction_log_failures_total") == before + 1


@pytest.mark.parametrize(
    ("field", "label"),
    [("dep_hour", "dep_hour"), ("instances[12].temp", "temp"), ("body", "body"), ("x", "other")],
)
def test_error_field_labels(field, label):
    assert metrics.error_field(field) == label


def test_metric_lines_summarise_an_exposition():
    exposition = "\n".join(
        [
            'api_requests_total{endpoint="/predict",method="POST",status="200"} 3.0',
            'api_requests_total{endpoint="/health",method="GET",status="200"} 9.0',
            'api_predictions_total{decision="delayed",model_version="v0002"} 1.0',
            'api_model_in_service{version="v0001"} 0.0',
            'api_model_in_service{version="v0002"} 1.0',
            "api_model_load_failures_total 2.0",
            "api_prediction_log_failures_total 1.0",
        ]
    )
    assert metrics.metric_lines(exposition) == [
        "/metrics — POST /predict według statusu: 200: 3",
        "prognozy według wersji i decyzji: v0002 delayed: 1",
        "model w użyciu: v0002; nieudane wczytania modelu: 2; predykcje niezapisane w logu: 1",
    ]


@pytest.fixture
def flights_one(data):
    return flights_of(data, rows=1)[0]


def test_watcher_swaps_on_promotion_and_refuses_a_changed_file(data):
    registry = Registry(data)
    slot = ModelSlot(registry, "production")
    watcher = AliasWatcher(slot)
    assert watcher.check() and slot.current.version == "v0001"
    assert not watcher.check()  # nothing changed: nothing reloaded
    registry.promote("v0002")
    assert watcher.check() and slot.current.version == "v0002"
    assert value("api_model_in_service", version="v0002") == 1
    assert value("api_model_in_service", version="v0001") == 0

    target = registry.versions_dir / "v0001" / MODEL_FILE
    target.chmod(0o644)
    target.write_bytes(target.read_bytes() + b"x")
    failures = value("api_model_load_failures_total")
    alias = registry.aliases_dir / "production.json"
    alias.write_text(json.dumps({"version": "v0001", "history": ["v0001"]}))
    assert not watcher.check()
    assert slot.current.version == "v0002" and "zmieniony" in slot.last_error
    assert value("api_model_load_failures_total") == failures + 1
    assert not watcher.check()  # the same refused alias is not retried in a loop
    assert value("api_model_load_failures_total") == failures + 1


def test_watcher_waits_for_a_first_model(tmp_path, data):
    empty = Registry(tmp_path)
    slot = ModelSlot(empty, "production")
    watcher = AliasWatcher(slot)
    assert not watcher.check() and slot.current is None and "production" in slot.last_error
    assert not watcher.check()


def test_wsgi_module_builds_the_production_app(data, tmp_path, monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("MLOPS_DATA_DIR", str(data))
    monkeypatch.setenv("PREDICTION_LOG_PATH", str(tmp_path / "wsgi.sqlite3"))
    monkeypatch.delitem(sys.modules, "zajecia_08_deploy.wsgi", raising=False)
    wsgi = importlib.import_module("zajecia_08_deploy.wsgi")
    assert wsgi.app.test_client().get("/metrics").status_code == 200
