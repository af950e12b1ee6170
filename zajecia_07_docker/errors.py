"""JSON errors of the API: one shape for every 4xx and 5xx, whatever the client sent."""

from __future__ import annotations

from flask import jsonify

# An error may quote what the client sent (an unknown key, a value, a content type): the
# quote is cut, so that a 1 MB key is not sent back whole. Messages get more room, since
# they also carry the API's own explanations (why a model did not load).
MAX_NAME_CHARS = 200
MAX_MESSAGE_CHARS = 2000


class ApiError(Exception):
    """A client error: the status and, per field, what is wrong."""

    def __init__(self, status: int, message: str, fields: list[tuple[str, str]]):
        super().__init__(message)
        self.status = status
        self.fields = fields


def printable(text: str, limit: int = MAX_NAME_CHARS) -> str:
    """``text`` safe to put in an answer or a log line, cut to ``limit`` characters.

    A lone surrogate (``"\\ud800"`` in JSON) cannot be encoded in UTF-8, and control or
    direction characters would break a log line or disguise a name: each such character
    is written as its Python escape (``\\ud800``, ``\\x00``, ``\\u202e``).
    """
    shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text[:limit])
    return shown + "…" if len(text) > limit else shown


def error_response(status: int, message: str, fields: list[tuple[str, str]]):
    body = {
        "error": {
            "status": status,
            "message": printable(message, MAX_MESSAGE_CHARS),
            "fields": [
                {"field": printable(name), "message": printable(text, MAX_MESSAGE_CHARS)}
                for name, text in fields
            ],
        }
    }
    return jsonify(body), status
