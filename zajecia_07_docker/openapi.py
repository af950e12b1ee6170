"""The OpenAPI 3.1 description of the API, generated from ``schema.FIELDS``."""

from __future__ import annotations

from zajecia_07_docker.schema import FIELDS, FLIGHT_ID

ERROR_STATUSES = {
    "400": "Niepoprawny JSON albo zła struktura ciała żądania.",
    "413": "Ciało żądania większe niż dopuszczalne.",
    "415": "Typ treści inny niż application/json w UTF-8.",
    "422": "Dane lotu niepoprawne: brak pola, nieznane pole, zły typ, wartość spoza zakresu.",
    "503": "Model nie jest jeszcze wczytany.",
}
PROBABILITY = {"type": "number", "minimum": 0, "maximum": 1}
DECISION = {
    "probability": {**PROBABILITY, "description": "Prawdopodobieństwo opóźnienia ≥ 15 min."},
    "delayed": {"type": "boolean", "description": "Decyzja przy progu modelu."},
}
SERVED = {
    "request_id": {"type": "string", "description": "Identyfikator żądania (X-Request-ID)."},
    "model_version": {"type": "string", "pattern": r"^v\d{4}$"},
    "threshold": {**PROBABILITY, "description": "Próg decyzji modelu."},
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: str) -> dict:
    return {status: _json(_ref("Error"), ERROR_STATUSES[status]) for status in statuses}


def _request_schemas(max_batch: int) -> dict:
    """What a client sends: one flight, or a batch of them."""
    return {
        "Flight": {
            "type": "object",
            "description": "Cechy jednego lotu znane 2 godziny przed planowanym odlotem.",
            "properties": {field.name: field.json_schema() for field in (*FIELDS, FLIGHT_ID)},
            "required": [field.name for field in FIELDS],
            "additionalProperties": False,
        },
        "Batch": {
            "type": "object",
            "properties": {
                "instances": {
                    "type": "array",
                    "items": _ref("Flight"),
                    "minItems": 1,
                    "maxItems": max_batch,
                }
            },
            "required": ["instances"],
            "additionalProperties": False,
        },
    }


def _answer_schemas() -> dict:
    """What the API answers: a prediction, a batch of them, an error, a status."""
    field_error = {
        "type": "object",
        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
        "required": ["field", "message"],
    }
    error = {
        "type": "object",
        "properties": {
            "status": {"type": "integer"},
            "message": {"type": "string"},
            "fields": {"type": "array", "items": field_error},
        },
        "required": ["status", "message", "fields"],
    }
    predictions = {"type": "array", "items": {"type": "object", "properties": DECISION}}
    predictions["items"]["required"] = list(DECISION)
    return {
        "Prediction": {
            "type": "object",
            "properties": {**SERVED, **DECISION},
            "required": [*SERVED, *DECISION],
        },
        "BatchPrediction": {
            "type": "object",
            "properties": {**SERVED, "predictions": predictions},
            "required": [*SERVED, "predictions"],
        },
        "Error": {"type": "object", "properties": {"error": error}, "required": ["error"]},
        "Status": {
            "type": "object",
            "properties": {
                "status": {"type": "string", "enum": ["ok", "ready", "not_ready"]},
                "model_version": {"type": "string", "description": "Wersja modelu w użyciu."},
                "reason": {"type": "string", "description": "Dlaczego usługa nie jest gotowa."},
                "refused": {
                    "type": "string",
                    "description": "Dlaczego odrzucono nową wersję (stara nadal odpowiada).",
                },
            },
            "required": ["status"],
        },
    }


def components(max_batch: int) -> dict:
    return {**_request_schemas(max_batch), **_answer_schemas()}


# Tags group the operations in documentation and in generated clients (one module each).
TAGS = [
    {"name": "prognozy", "description": "Prognoza opóźnienia lotu."},
    {"name": "stan", "description": "Czy usługa żyje, czy ma model i jaki."},
    {"name": "dokumentacja", "description": "Opis API i formularz dla ludzi."},
]


def _operation(operation_id: str, tag: str, summary: str, responses: dict, **more) -> dict:
    """One operation; ``operation_id`` names it in generated clients (``predict(...)``)."""
    return {
        "operationId": operation_id,
        "tags": [tag],
        "summary": summary,
        **more,
        "responses": responses,
    }


def _paths() -> dict:
    status = _json(_ref("Status"), "Stan usługi.")
    page = {"description": "Strona HTML.", "content": {"text/html": {"schema": {"type": "string"}}}}
    body = {
        "required": True,
        "content": {"application/json": {"schema": {"oneOf": [_ref("Flight"), _ref("Batch")]}}},
    }
    answers = {
        "200": _json({"oneOf": [_ref("Prediction"), _ref("BatchPrediction")]}, "Prognoza."),
        **_errors("400", "413", "415", "422", "503"),
    }
    return {
        "/health": {"get": _operation("health", "stan", "Czy proces żyje", {"200": status})},
        "/ready": {
            "get": _operation(
                "ready", "stan", "Czy model jest wczytany i gotowy", {"200": status, "503": status}
            )
        },
        "/model": {
            "get": _operation(
                "model_info",
                "stan",
                "Model w użyciu: wersja, okno treningowe, metryki",
                {"200": _json({"type": "object"}, "Opis modelu."), **_errors("503")},
            )
        },
        "/predict": {
            "post": _operation(
                "predict",
                "prognozy",
                "Prognoza dla jednego lotu albo partii lotów",
                answers,
                requestBody=body,
            )
        },
        "/openapi.json": {
            "get": _operation(
                "openapi",
                "dokumentacja",
                "Ten dokument",
                {"200": _json({"type": "object"}, "OpenAPI 3.1.")},
            )
        },
        "/": {
            "get": _operation(
                "form", "dokumentacja", "Formularz do wypróbowania prognozy", {"200": page}
            )
        },
    }


def build_spec(max_batch: int, version: str) -> dict:
    """The document served at ``/openapi.json``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Prognoza opóźnień lotów z Nowego Jorku",
            "version": version,
            "description": (
                "Czy lot przyleci co najmniej 15 minut po czasie (albo zostanie odwołany lub "
                "przekierowany)? Prognoza 2 godziny przed planowanym odlotem, model z "
                "rejestru (alias production)."
            ),
        },
        "tags": TAGS,
        "paths": _paths(),
        "components": {"schemas": components(max_batch)},
    }
