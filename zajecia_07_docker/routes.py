"""The endpoints of the API (one blueprint)."""

from __future__ import annotations

import json
import logging
import time
from importlib.metadata import version as package_version

from flask import Blueprint, current_app, g, jsonify, render_template, request

from zajecia_07_docker.body import read_body
from zajecia_07_docker.errors import ApiError
from zajecia_07_docker.events import PredictionEvent
from zajecia_07_docker.openapi import build_spec
from zajecia_07_docker.schema import FIELDS, example_flight, polish_number, validate_flight
from zajecia_07_docker.served_model import ServedModel

log = logging.getLogger(__name__)
api = Blueprint("api", __name__)
MAX_REPORTED_ERRORS = 50


def _state() -> dict:
    return current_app.extensions["api"]


def _model() -> ServedModel:
    model = _state()["slot"].current
    if model is None:
        raise ApiError(503, "model nie jest wczytany", [("model", _not_ready_reason())])
    return model


def _not_ready_reason() -> str:
    return _state()["slot"].last_error or "model jeszcze się wczytuje"


@api.get("/health")
def health():
    return jsonify(status="ok")


@api.get("/ready")
def ready():
    slot = _state()["slot"]
    model = slot.current
    if model is None:
        return jsonify(status="not_ready", reason=_not_ready_reason()), 503
    # A version refused by a hot swap leaves the old one serving: say why it was refused.
    refused = {"refused": slot.last_error} if slot.last_error else {}
    return jsonify(status="ready", model_version=model.version, **refused)


@api.get("/model")
def model_info():
    return jsonify(_model().describe())


# BEGIN SOLUTION NO PROMPT
def _reject_constant(name: str):
    raise ValueError(f"{name} nie jest liczbą JSON")


# Python's messages for bad JSON, as a person reads them here.
JSON_MISTAKES = {
    "Expecting value": "oczekiwano wartości",
    "Expecting property name enclosed in double quotes": "oczekiwano nazwy pola w cudzysłowie",
    "Expecting ':' delimiter": "oczekiwano dwukropka",
    "Expecting ',' delimiter": "oczekiwano przecinka",
    "Unterminated string starting at": "niezamknięty tekst",
    "Invalid control character at": "znak sterujący wewnątrz tekstu",
    "Invalid \\escape": "niepoprawna sekwencja \\",
    "Invalid \\uXXXX escape": "niepoprawna sekwencja \\uXXXX",
    "Extra data": "nadmiarowe dane po wartości",
}


def _json_mistake(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        what = JSON_MISTAKES.get(error.msg, error.msg)
        return f"{what} (wiersz {error.lineno}, kolumna {error.colno})"
    if isinstance(error, UnicodeDecodeError):
        byte = error.object[error.start]
        return f"niepoprawny tekst w {error.encoding} (bajt {byte:#04x} na pozycji {error.start})"
    if isinstance(error, RecursionError):
        return "zbyt głęboko zagnieżdżone tablice lub obiekty"
    if str(error).startswith("Exceeds the limit"):
        return "liczba całkowita ma za dużo cyfr"
    return str(error)  # NaN or Infinity: already in Polish


def _read_json() -> object:
    # Exactly application/json, in UTF-8 (RFC 8259): Flask's is_json would also take
    # application/ld+json, and a charset=latin-1 body would be decoded wrongly.
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if request.mimetype != "application/json" or charset not in ("utf-8", "utf8"):
        got = request.mimetype or "brak"
        if request.mimetype == "application/json":
            got += f"; charset={charset}"
        raise ApiError(
            415,
            "oczekiwano Content-Type: application/json (UTF-8)",
            [("Content-Type", f"otrzymano {got}")],
        )
    body = read_body(request, _state()["settings"].max_body_bytes)
    try:
        # NaN and Infinity are not JSON, although Python's parser accepts them.
        return json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise ApiError(
            400, "ciało żądania nie jest poprawnym JSON", [("body", _json_mistake(error))]
        ) from None


def _flights(body: object, max_batch: int) -> tuple[list[dict], bool]:
    """The validated flights of a request, and whether it was a batch."""
    if isinstance(body, dict) and "instances" in body:
        extra = sorted(set(body) - {"instances"})
        if extra:
            raise ApiError(400, "partia ma tylko pole instances", [(extra[0], "nieznane pole")])
        instances = body["instances"]
        if not isinstance(instances, list):
            raise ApiError(400, "instances musi być listą lotów", [("instances", "to nie lista")])
        if not 1 <= len(instances) <= max_batch:
            raise ApiError(
                422,
                f"partia musi mieć od 1 do {max_batch} lotów",
                [("instances", f"liczba lotów: {len(instances)}")],
            )
        checked = [validate_flight(item, f"instances[{i}].") for i, item in enumerate(instances)]
    elif isinstance(body, dict):
        checked = [validate_flight(body)]
    else:
        raise ApiError(
            400,
            'oczekiwano obiektu JSON: lotu albo {"instances": [...]}',
            [("body", "to nie obiekt")],
        )
    errors = [error for _, found in checked for error in found]
    if errors:
        # A few bytes of bad JSON can be thousands of errors: the answer shows the first.
        shown = errors[:MAX_REPORTED_ERRORS]
        more = f", pokazano pierwsze {len(shown)}" if len(errors) > len(shown) else ""
        raise ApiError(
            422,
            f"niepoprawne dane lotu (liczba błędów: {len(errors)}{more})",
            [(error.field, error.message) for error in shown],
        )
    return [values for values, _ in checked], "instances" in body


# END SOLUTION


@api.post("/predict")
def predict():
    # BEGIN SOLUTION: prognoza dla lotu lub partii, złe wejście → 4xx (README)
    started = time.perf_counter()
    state = _state()
    flights, batch = _flights(_read_json(), state["settings"].max_batch)
    model = _model()  # taken once: a hot swap cannot change the model mid-request
    probabilities = [float(p) for p in model.predict(flights)]
    threshold = model.threshold
    decisions = [p >= threshold for p in probabilities]
    served = {"request_id": g.request_id, "model_version": model.version, "threshold": threshold}
    if batch:
        pairs = zip(probabilities, decisions, strict=True)
        body = {**served, "predictions": [{"probability": p, "delayed": d} for p, d in pairs]}
    else:
        body = {**served, "probability": probabilities[0], "delayed": decisions[0]}
    event = PredictionEvent(
        g.request_id,
        model.version,
        flights,
        probabilities,
        decisions,
        threshold,
        time.perf_counter() - started,
    )
    for listener in state["listeners"]:
        try:
            listener(event)
        except Exception:  # a broken log must not take predictions down; it is reported
            log.exception("prediction listener %r failed", listener)
    return jsonify(body)
    # END SOLUTION


@api.get("/openapi.json")
def openapi():
    return jsonify(build_spec(_state()["settings"].max_batch, package_version("kurs-mlops")))


@api.app_template_filter("pl")
def polish(value: float | None) -> str:
    """A number in a Polish form field: ``12,5``; empty for a missing value."""
    return "" if value is None else polish_number(value)


@api.get("/")
def form():
    return render_template("form.html", fields=FIELDS, example=example_flight())
