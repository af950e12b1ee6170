"""The API through the Flask test client: every endpoint, every kind of bad input."""

import json
import re

import jsonschema
import pytest

from zajecia_05_model.registry import Registry
from zajecia_07_docker.app import create_app
from zajecia_07_docker.openapi import build_spec
from zajecia_07_docker.schema import FIELDS, example_flight
from zajecia_07_docker.settings import ApiSettings


def error_fields(response) -> dict[str, str]:
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["status"] == response.status_code
    return {item["field"]: item["message"] for item in body["error"]["fields"]}


def test_health_and_ready(client, real_data):
    assert client.get("/health").get_json() == {"status": "ok"}
    ready = client.get("/ready")
    production = Registry(real_data).resolve("production")
    assert ready.status_code == 200 and ready.get_json()["model_version"] == production


def test_model_describes_version_window_threshold_and_metrics(client, real_data):
    body = client.get("/model").get_json()
    meta = Registry(real_data).metadata(body["version"])
    assert body["train_months"] == ["2013-01", "2013-02"]
    assert body["threshold"] == meta["threshold"]
    assert 0.5 < body["metrics"]["validation"]["roc_auc"] <= 1
    assert body["features"] == [field.name for field in FIELDS]


def test_one_flight_gets_probability_decision_version_and_request_id(client, flights):
    response = client.post("/predict", json=flights[0], headers={"X-Request-ID": "abc-123"})
    body = response.get_json()
    assert response.status_code == 200
    assert set(body) == {"request_id", "model_version", "threshold", "probability", "delayed"}
    assert body["request_id"] == "abc-123" == response.headers["X-Request-ID"]
    assert 0 <= body["probability"] <= 1
    assert body["delayed"] == (body["probability"] >= body["threshold"])


def test_request_id_is_generated_when_missing_or_unsafe(client, flights):
    first = client.post("/predict", json=flights[0]).get_json()["request_id"]
    unsafe = client.post("/predict", json=flights[0], headers={"X-Request-ID": "a b;<x>"})
    assert len(first) == 32 and unsafe.get_json()["request_id"] not in (first, "a b;<x>")


def test_a_batch_gets_one_prediction_per_flight_in_order(client, flights):
    single = [client.post("/predict", json=f).get_json()["probability"] for f in flights[:5]]
    body = client.post("/predict", json={"instances": flights[:5]}).get_json()
    assert [p["probability"] for p in body["predictions"]] == pytest.approx(single, abs=1e-9)


def test_a_batch_of_one_is_still_a_batch(client, flights):
    assert "predictions" in client.post("/predict", json={"instances": flights[:1]}).get_json()


BAD_BODIES = [
    pytest.param(b'{"carrier": "UA",', 400, "body", id="malformed JSON"),
    pytest.param(b'{"temp": NaN}', 400, "body", id="NaN is not JSON"),
    pytest.param(b"\xff\xfe\x00", 400, "body", id="not UTF-8"),
    pytest.param(b"[" * 60_000, 400, "body", id="nesting too deep"),
    pytest.param(b"[1, 2]", 400, "body", id="an array"),
    pytest.param(b'"text"', 400, "body", id="a string"),
    pytest.param(b'{"instances": 5}', 400, "instances", id="instances not a list"),
    pytest.param(b'{"instances": [], "x": 1}', 400, "x", id="a key next to instances"),
    pytest.param(b'{"instances": []}', 422, "instances", id="empty batch"),
    pytest.param(b'{"instances": [1]}', 422, "instances[0]", id="a batch item not an object"),
]


@pytest.mark.parametrize(("body", "status", "field"), BAD_BODIES)
def test_malformed_bodies_get_4xx_naming_the_field(client, body, status, field):
    response = client.post("/predict", data=body, content_type="application/json")
    assert response.status_code == status
    assert any(name.startswith(field) for name in error_fields(response))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"carrier": "UA",', "oczekiwano nazwy pola w cudzysłowie (wiersz 1, kolumna 18)"),
        (b'{"a": "\x80"}', "niepoprawny tekst w utf-8 (bajt 0x80 na pozycji 7)"),
        (b'{"temp": NaN}', "NaN nie jest liczbą JSON"),
    ],
)
def test_bad_json_is_explained_in_polish(client, body, message):
    response = client.post("/predict", data=body, content_type="application/json")
    assert error_fields(response) == {"body": message}


def test_all_errors_of_a_batch_are_listed_with_positions(client, flights):
    batch = [flights[0], flights[1] | {"dep_hour": 30}, {**flights[2], "extra": 1}]
    response = client.post("/predict", json={"instances": batch})
    assert response.status_code == 422
    assert error_fields(response) == {
        "instances[1].dep_hour": "wartość 30 poza zakresem od 0 do 23",
        "instances[2].extra": "nieznane pole",
    }


def test_a_flood_of_errors_is_cut_to_the_first_fifty(client):
    response = client.post("/predict", json={"instances": [{}] * 50})
    body = response.get_json()["error"]
    assert response.status_code == 422 and len(body["fields"]) == 50
    assert body["message"] == "niepoprawne dane lotu (liczba błędów: 1700, pokazano pierwsze 50)"


def test_a_batch_over_the_limit_is_refused(client, flights):
    response = client.post("/predict", json={"instances": flights[:51]})
    assert response.status_code == 422 and "liczba lotów: 51" in error_fields(response)["instances"]


def test_a_body_over_the_size_limit_gets_413(client):
    response = client.post("/predict", data=b" " * 70_000, content_type="application/json")
    assert response.status_code == 413
    assert error_fields(response)["body"].endswith("(65 536 bajtów)")  # the limit is said


@pytest.mark.parametrize(
    ("content_type", "received"),
    [
        ("text/plain", "otrzymano text/plain"),
        ("application/ld+json", "otrzymano application/ld+json"),
        ("application/json; charset=latin-1", "otrzymano application/json; charset=latin-1"),
    ],
)
def test_other_content_types_get_415(client, flights, content_type, received):
    response = client.post("/predict", data=json.dumps(flights[0]), content_type=content_type)
    assert response.status_code == 415 and error_fields(response)["Content-Type"] == received


def test_json_with_its_charset_is_accepted(client, flights):
    body = json.dumps(flights[0])
    response = client.post("/predict", data=body, content_type="application/json; charset=UTF-8")
    assert response.status_code == 200


def test_wrong_method_gets_405_with_allow(client):
    response = client.get("/predict")
    assert response.status_code == 405 and "method" in error_fields(response)
    assert "POST" in response.headers["Allow"]
    assert client.post("/health").status_code == 405


def test_unknown_path_gets_a_json_404(client):
    response = client.get("/nope")
    assert response.status_code == 404 and "path" in error_fields(response)


def test_no_model_means_not_ready_but_alive(tmp_path):
    client = create_app(ApiSettings(data_dir=tmp_path)).test_client()
    assert client.get("/health").status_code == 200
    ready = client.get("/ready")
    assert ready.status_code == 503 and "production" in ready.get_json()["reason"]
    assert client.get("/model").status_code == 503
    response = client.post("/predict", json=example_flight())
    assert response.status_code == 503 and "model" in error_fields(response)


def test_status_answers_match_their_documented_schema(client, tmp_path):
    not_ready = create_app(ApiSettings(data_dir=tmp_path)).test_client()
    spec = client.get("/openapi.json").get_json()
    schema = {**spec["components"]["schemas"]["Status"], "additionalProperties": False}
    validator = jsonschema.Draft202012Validator(schema)
    for answer in (client.get("/health"), client.get("/ready"), not_ready.get("/ready")):
        validator.validate(answer.get_json())


def test_a_failing_listener_does_not_fail_the_prediction(real_data, flights):
    seen = []

    def broken(event):
        raise RuntimeError("log down")

    app = create_app(ApiSettings(data_dir=real_data), on_prediction=(broken, seen.append))
    response = app.test_client().post("/predict", json={"instances": flights[:2]})
    assert response.status_code == 200
    [event] = seen
    assert len(event.flights) == 2 and event.model_version == response.get_json()["model_version"]


def test_a_bug_is_a_json_500_not_an_html_page(real_data, flights, monkeypatch):
    app = create_app(ApiSettings(data_dir=real_data))
    model = app.extensions["api"]["slot"].current
    monkeypatch.setattr(type(model), "predict", lambda self, flights: 1 / 0)
    response = app.test_client().post("/predict", json=flights[0])
    assert response.status_code == 500 and error_fields(response) == {"server": "ZeroDivisionError"}


def test_openapi_describes_every_field_type_and_range(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    flight = spec["components"]["schemas"]["Flight"]
    assert flight["required"] == [field.name for field in FIELDS]
    assert flight["additionalProperties"] is False
    for field in FIELDS:
        schema = flight["properties"][field.name]
        assert schema["description"]
        if field.kind != "string":
            assert (schema["minimum"], schema["maximum"]) == (field.minimum, field.maximum)
    assert spec["components"]["schemas"]["Batch"]["properties"]["instances"]["maxItems"] == 50


def test_the_spec_accepts_what_the_api_accepts_and_refuses_what_it_refuses(flights):
    spec = build_spec(max_batch=50, version="test")
    request = {**spec["paths"]["/predict"]["post"]["requestBody"]["content"]}
    schema = {**request["application/json"]["schema"], "components": spec["components"]}
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid(flights[0]) and validator.is_valid({"instances": flights[:3]})
    assert not validator.is_valid(flights[0] | {"dep_hour": 24})
    assert not validator.is_valid({"instances": []})
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_operation_has_an_id_and_a_known_tag(client):
    spec = client.get("/openapi.json").get_json()
    operations = [op for path in spec["paths"].values() for op in path.values()]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids)) == 6
    assert all(re.fullmatch(r"[a-z_]+", name) for name in ids)
    tags = {tag["name"] for tag in spec["tags"]}
    assert all(len(op["tags"]) == 1 and op["tags"][0] in tags for op in operations)
    assert spec["paths"]["/predict"]["post"]["operationId"] == "predict"


def test_the_form_page_lists_every_field(client):
    page = client.get("/").get_data(as_text=True)
    assert "Czy lot się spóźni?" in page
    assert all(f'name="{field.name}"' in page for field in FIELDS)
    assert all(f">{field.label}{field.unit_suffix}\n" in page for field in FIELDS)


def test_wsgi_module_builds_the_app_from_the_environment(real_data, monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("MLOPS_DATA_DIR", str(real_data))
    monkeypatch.delitem(sys.modules, "zajecia_07_docker.wsgi", raising=False)
    wsgi = importlib.import_module("zajecia_07_docker.wsgi")
    assert wsgi.app.test_client().get("/ready").status_code == 200
