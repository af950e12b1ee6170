"""The production app serves class 07's ``/openapi.json``: it must still describe this app."""

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from zajecia_07_docker.settings import ApiSettings
from zajecia_08_deploy.app import create_app
from zajecia_08_deploy.prediction_log import PredictionLog

# Scraped by Prometheus, not called by API clients: left out of the client's document.
NOT_FOR_CLIENTS = {("/metrics", "GET")}


@pytest.fixture
def app(tmp_path):
    return create_app(ApiSettings(data_dir=tmp_path), PredictionLog(tmp_path / "log.sqlite3"), 3600)


def routes(app) -> set[tuple[str, str]]:
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
        if rule.endpoint != "static"
    }


def test_every_operation_described_is_served_and_every_route_described(app):
    spec = app.test_client().get("/openapi.json").get_json()
    described = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    adapter = app.url_map.bind("test")
    for path, method in described:
        try:
            adapter.match(path, method)
        except (NotFound, MethodNotAllowed):
            pytest.fail(f"{method} {path} opisane w OpenAPI, a aplikacja go nie obsługuje")
    assert routes(app) - NOT_FOR_CLIENTS == described


def test_operations_keep_ids_and_tags_for_generated_clients(app):
    spec = app.test_client().get("/openapi.json").get_json()
    operations = [op for ops in spec["paths"].values() for op in ops.values()]
    ids = [op["operationId"] for op in operations]
    assert len(set(ids)) == len(ids) and all(op["tags"] for op in operations)
