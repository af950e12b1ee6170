"""Gunicorn's access log as one JSON object per line, ready for a log collector.

A format string such as ``'{"path": "%(U)s"}'`` is not enough: a path or user agent
with a quote in it would break the JSON. The logger builds a dict and lets ``json``
escape it. The line is pure ASCII: characters that some readers take for line breaks
(U+0085, U+2028) or cannot decode are escaped like any other non-ASCII character.
"""

from __future__ import annotations

import json
import traceback
from datetime import UTC, datetime

from gunicorn.glogging import Logger


class JsonAccessLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = dict(resp.headers)
        record = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "remote": environ.get("REMOTE_ADDR"),
            "method": environ.get("REQUEST_METHOD"),
            "path": _text(environ.get("PATH_INFO")),
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 3),
            "request_id": headers.get("X-Request-ID"),
            "user_agent": _text(environ.get("HTTP_USER_AGENT")),
        }
        try:
            self.access_log.info(json.dumps(record))
        except Exception:
            self.error(traceback.format_exc())


def _text(value: str | None) -> str | None:
    """A WSGI string (the request's bytes read as Latin-1) as the UTF-8 text the client
    meant; bytes that are not UTF-8 stay visible as ``\\x..``."""
    if value is None:
        return None
    return value.encode("latin-1").decode("utf-8", errors="backslashreplace")
