"""The OpenAPI 3.1 description of the API, generated from ``schema.FIELDS``."""

from __future__ import annotations

from zajecia_07_docker.schema import FIELDS, FLIGHT_ID

ERROR_STATUSES = {
    "400": "Niepoprawny JSON albo zła struktura ciała żądania.",
    "413": "Ciało żądania większe niż dopuszczalne.",
    "415": "Typ treści inny niż application/json.",
    "422": "Dane lotu niepoprawne: brak pola, nieznane pole, zły typ, wartość spoza zakresu.",
    "503": "Model nie jest jeszcze wczytany.",
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: str) -> dict:
    return {status: _json(_ref("Error"), ERROR_STATUSES[status]) for status in statuses}


def components(max_batch: int) -> dict:
    probability = {"type": "number", "minimum": 0, "maximum": 1}
    decision = {
        "probability": {**probability, "description": "Prawdopodobieństwo opóźnienia ≥ 15 min."},
        "delayed": {"type": "boolean", "description": "Decyzja przy progu modelu."},
    }
    served = {
        "request_id": {"type": "string", "description": "Identyfikator żądania (X-Request-ID)."},
        "model_version": {"type": "string", "pattern": r"^v\d{4}$"},
        "threshold": {**probability, "description": "Próg decyzji modelu."},
    }
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
        "Prediction": {
            "type": "object",
            "properties": {**served, **decision},
            "required": [*served, *decision],
        },
        "BatchPrediction": {
            "type": "object",
            "properties": {
                **served,
                "predictions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": decision,
                        "required": list(decision),
                    },
                },
            },
            "required": [*served, "predictions"],
        },
        "Error": {
            "type": "object",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {
                        "status": {"type": "integer"},
                        "message": {"type": "string"},
                        "fields": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "field": {"type": "string"},
                                    "message": {"type": "string"},
                                },
                                "required": ["field", "message"],
                            },
                        },
                    },
                    "required": ["status", "message", "fields"],
                }
            },
            "required": ["error"],
        },
        "Status": {"type": "object", "properties": {"status": {"type": "string"}}},
    }


def build_spec(max_batch: int, version: str) -> dict:
    """The document served at ``/openapi.json``."""
    status = _json(_ref("Status"), "Stan usługi.")
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
        "paths": {
            "/health": {"get": {"summary": "Czy proces żyje", "responses": {"200": status}}},
            "/ready": {
                "get": {
                    "summary": "Czy model jest wczytany i gotowy",
                    "responses": {"200": status, "503": status},
                }
            },
            "/model": {
                "get": {
                    "summary": "Model w użyciu: wersja, okno treningowe, metryki",
                    "responses": {
                        "200": _json({"type": "object"}, "Opis modelu."),
                        **_errors("503"),
                    },
                }
            },
            "/predict": {
                "post": {
                    "summary": "Prognoza dla jednego lotu albo partii lotów",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"oneOf": [_ref("Flight"), _ref("Batch")]}
                            }
                        },
                    },
                    "responses": {
                        "200": _json(
                            {"oneOf": [_ref("Prediction"), _ref("BatchPrediction")]},
                            "Prognoza.",
                        ),
                        **_errors("400", "413", "415", "422", "503"),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "Ten dokument",
                    "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1.")},
                }
            },
            "/": {
                "get": {
                    "summary": "Formularz do wypróbowania prognozy",
                    "responses": {
                        "200": {
                            "description": "Strona HTML.",
                            "content": {"text/html": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": components(max_batch)},
    }
