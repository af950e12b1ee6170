"""The API's own description checked from outside (``api_openapi``): a student app under
gunicorn serving an OpenAPI document that is valid, one that is not, one that leaves out a
field of the example request."""

from __future__ import annotations

import json

import pytest

from grading.checks.base import Context
from grading.checks.run_api import _request_fields, api_openapi
from grading.model import StudentError
from grading.repo_files import RepoFiles
from grading.runs import RunSession, RunSettings
from grading.tests.repos import write_files

APP = """import json
from pathlib import Path

from flask import Flask

app = Flask(__name__)


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/openapi.json")
def openapi():
    return json.loads(Path("spec.json").read_text())
"""


def spec(version: str = "3.1.0", info: dict | None = None, fields=("a", "b")) -> dict:
    record = {"type": "object", "properties": {name: {"type": "integer"} for name in fields}}
    batch = {"type": "object", "properties": {"instances": {"type": "array", "items": record}}}
    body = {"oneOf": [{"$ref": "#/components/schemas/Record"}, batch]}
    return {
        "openapi": version,
        "info": info if info is not None else {"title": "API", "version": "1"},
        "paths": {
            "/predict": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": body}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": {"schemas": {"Record": record}},
    }


@pytest.fixture
def serve(tmp_path):
    """Grades ``api_openapi`` of a repository whose API serves ``document``."""
    sessions: list[RunSession] = []

    def grade(document: object):
        repo = tmp_path / f"r{len(sessions)}"
        files = {"app.py": APP, "lot.json": '{"a": 1, "b": 2}', "spec.json": json.dumps(document)}
        write_files(repo, {"projekt.yaml": "schema_version: 1\n", **files})
        run = RunSession(repo, RunSettings(budget_s=120)).__enter__()
        sessions.append(run)
        api = {
            "health_path": "/health",
            "predict_path": "/predict",
            "example_request": "lot.json",
            "response_fields": ["probability"],
        }
        command = ".venv/bin/gunicorn --bind 127.0.0.1:{port} --workers 1 app:app"
        return api_openapi(Context(RepoFiles(repo), {}, run), {"api": api, "command": command})

    yield grade
    for run in sessions:
        run.__exit__(None, None, None)


@pytest.mark.slow
def test_a_valid_description_of_every_field_passes_and_flaws_are_named(serve):
    assert serve(spec()).score == 1
    invalid = serve(spec(info={"title": "API"}))
    assert invalid.score == pytest.approx(1 / 2)
    # The validator's first line only, not its dump of the schema.
    assert invalid.message == 'niezgodne z OpenAPI 3.1: info: "version" is a required property'
    partial = serve(spec(fields=("a",)))
    assert partial.score == pytest.approx(1 / 2)
    assert "nie opisuje pól przykładu: b" in partial.message
    assert serve(spec(version="3.0.3", fields=("a",))).score == 0
    with pytest.raises(StudentError, match=r"/openapi\.json → 200: oczekiwany 200 z obiektem JSON"):
        serve(["nie", "obiekt"])


def test_request_fields_follow_refs_combinators_and_items_without_looping():
    document = spec(fields=("a", "b"))
    assert _request_fields(document, "/predict") == {"a", "b", "instances"}
    assert _request_fields(document, "/inna") == set()
    looping = spec()
    looping["components"]["schemas"]["Record"]["properties"]["self"] = {
        "$ref": "#/components/schemas/Record"
    }
    assert "self" in _request_fields(looping, "/predict")
    broken = spec()
    broken["paths"]["/predict"]["post"]["requestBody"]["content"]["application/json"] = {
        "schema": {"$ref": "#/components/nie-ma"}
    }
    assert _request_fields(broken, "/predict") == set()
