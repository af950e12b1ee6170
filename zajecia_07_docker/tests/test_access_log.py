"""Gunicorn's access log: one valid JSON object per request, whatever the client sent."""

import json
from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from zajecia_07_docker.access_log import JsonAccessLogger


def test_a_request_becomes_one_json_line(capsys):
    config = Config()
    config.set("accesslog", "-")
    logger = JsonAccessLogger(config)
    response = SimpleNamespace(
        status="422 UNPROCESSABLE ENTITY", headers=[("X-Request-ID", "r-1")], sent=120
    )
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "POST",
        "PATH_INFO": '/predict"}{',
        "HTTP_USER_AGENT": 'curl "quoted"',
    }
    logger.access(response, None, environ, timedelta(milliseconds=3, microseconds=250))
    record = json.loads(capsys.readouterr().out.strip())
    assert record | {"time": None} == {
        "time": None,
        "remote": "127.0.0.1",
        "method": "POST",
        "path": '/predict"}{',
        "status": 422,
        "bytes": 120,
        "duration_ms": 3.25,
        "request_id": "r-1",
        "user_agent": 'curl "quoted"',
    }


def test_non_ascii_requests_stay_one_ascii_line_with_the_text_the_client_sent(capsys):
    config = Config()
    config.set("accesslog", "-")
    logger = JsonAccessLogger(config)
    response = SimpleNamespace(status="404 NOT FOUND", headers=[], sent=90)
    # WSGI hands over the request's bytes as Latin-1: "ż" is b"\xc5\xbc", NEL is b"\xc2\x85".
    path = "/ż\u0085\u2028".encode().decode("latin-1") + "\xff"
    agent = "klient\u0085".encode().decode("latin-1")
    logger.access(response, None, {"PATH_INFO": path, "HTTP_USER_AGENT": agent}, timedelta())
    out = capsys.readouterr().out
    assert out.isascii() and len(out.splitlines()) == 1
    record = json.loads(out)
    assert record["path"] == "/ż\u0085\u2028\\xff"
    assert record["user_agent"] == "klient\u0085"


def test_no_access_log_configured_means_no_output(capsys):
    logger = JsonAccessLogger(Config())
    logger.access(SimpleNamespace(status="200 OK", headers=[], sent=1), None, {}, timedelta())
    assert capsys.readouterr().out == ""
