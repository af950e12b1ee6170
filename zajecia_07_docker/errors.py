"""JSON errors of the API: one shape for every 4xx and 5xx."""

from __future__ import annotations

from flask import jsonify


class ApiError(Exception):
    """A client error: the status and, per field, what is wrong."""

    def __init__(self, status: int, message: str, fields: list[tuple[str, str]]):
        super().__init__(message)
        self.status = status
        self.fields = fields


def error_response(status: int, message: str, fields: list[tuple[str, str]]):
    body = {
        "error": {
            "status": status,
            "message": message,
            "fields": [{"field": name, "message": text} for name, text in fields],
        }
    }
    return jsonify(body), status
