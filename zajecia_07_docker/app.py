"""The Flask application factory of the prediction API.

    gunicorn --config zajecia_07_docker/gunicorn.conf.py zajecia_07_docker.wsgi:app

``create_app`` builds one application: the routes of ``routes.py``, JSON errors for
every failure (a client never gets an HTML page or a bare 500), a request id on every
response, a body left unread discarded before the answer (``body.py``), and the model
slot. It is extended without being edited: a caller may pass its own model slot and
``on_prediction`` listeners (metrics, a prediction log) and add Flask's own hooks.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable

from flask import Flask, g, request
from werkzeug.exceptions import HTTPException

from kurs.polish import integer
from zajecia_05_model.registry import Registry
from zajecia_07_docker.body import discard_unread
from zajecia_07_docker.errors import ApiError, error_response
from zajecia_07_docker.events import PredictionEvent
from zajecia_07_docker.routes import api
from zajecia_07_docker.served_model import ModelSlot
from zajecia_07_docker.settings import ApiSettings

log = logging.getLogger(__name__)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Messages of the statuses Werkzeug raises itself, and the field each one is about.
HTTP_ERRORS = {
    400: ("niepoprawne żądanie HTTP", "request"),
    404: ("nie ma takiego zasobu", "path"),
    405: ("ta metoda HTTP nie jest obsługiwana pod tym adresem", "method"),
    413: ("ciało żądania jest większe niż dopuszczalne", "body"),
    500: ("błąd wewnętrzny serwera", "server"),
}


def create_app(
    settings: ApiSettings | None = None,
    slot: ModelSlot | None = None,
    on_prediction: tuple[Callable[[PredictionEvent], None], ...] = (),
) -> Flask:
    """Build the API.

    Args:
        settings: limits and the model to serve; from the environment by default.
        slot: the model holder; by default one for ``settings.model_alias``, loaded now.
            The app starts even when no model loads: ``/health`` answers and ``/ready``
            says why it is not ready.
        on_prediction: called after each answered prediction; a failing listener is
            logged and does not fail the request.
    """
    settings = settings or ApiSettings.from_env()
    if slot is None:
        slot = ModelSlot(Registry(settings.data_dir, settings.model_name), settings.model_alias)
        slot.refresh()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.ensure_ascii = False  # Polish messages readable as they are
    app.extensions["api"] = {
        "settings": settings,
        "slot": slot,
        "listeners": list(on_prediction),
    }

    @app.before_request
    def assign_request_id():
        sent = request.headers.get("X-Request-ID", "")
        g.request_id = sent if REQUEST_ID.match(sent) else uuid.uuid4().hex

    @app.after_request
    def return_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.after_request
    def finish_reading_body(response):
        # An answer given before the body was read must still reach the client.
        discard_unread(request)
        return response

    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        return error_response(error.status, str(error), error.fields)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message, field = HTTP_ERRORS.get(error.code, (error.description, "request"))
        if error.code == 413:  # say the limit, so the client knows what fits
            message = f"{message} ({integer(settings.max_body_bytes)} bajtów)"
        response, status = error_response(error.code, message, [(field, message)])
        if error.code == 405:
            response.headers["Allow"] = ", ".join(error.valid_methods or ())
        return response, status

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        # A bug, not bad input: logged with its traceback, answered in JSON.
        log.exception("unexpected error in request %s", g.get("request_id"))
        return error_response(500, "błąd wewnętrzny serwera", [("server", type(error).__name__)])

    app.register_blueprint(api)
    return app
