"""A body over the limit, or one the API answers without reading: the answer reaches the
client, through a real gunicorn and a client that sends its whole body before reading.

The session's server takes bodies up to 64 KiB; 5 MB is far over it but within what the
API reads and discards (``body.DISCARD_MAX_BYTES``).
"""

import http.client
import json
import socket
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.slow

FIVE_MB = 5 * 10**6


def chunked(body: bytes, size: int = 64 * 1024) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


def send_then_read(connection: socket.socket, request: bytes) -> http.client.HTTPResponse:
    """Send a whole request (no reading meanwhile, as urllib does), then read the answer."""
    connection.sendall(request)
    response = http.client.HTTPResponse(connection)
    response.begin()
    return response


def post(path: str, body: bytes, content_type: str = "application/json", chunk=False) -> bytes:
    framing = "Transfer-Encoding: chunked" if chunk else f"Content-Length: {len(body)}"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: {content_type}\r\n{framing}\r\n\r\n"
    )
    return head.encode() + (chunked(body) if chunk else body)


@pytest.mark.parametrize(
    ("request_bytes", "status", "field"),
    [
        pytest.param(post("/predict", b" " * FIVE_MB), 413, "body", id="Content-Length 5 MB"),
        pytest.param(post("/predict", b" " * FIVE_MB, chunk=True), 413, "body", id="chunked 5 MB"),
        pytest.param(post("/predict", b"x" * FIVE_MB, "text/plain"), 415, "Content-Type", id="415"),
        pytest.param(post("/nie-ma", b"x" * FIVE_MB), 404, "path", id="404"),
    ],
)
def test_an_answer_given_before_the_body_is_read_reaches_the_client(
    server, request_bytes, status, field
):
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        response = send_then_read(connection, request_bytes)
        error = json.loads(response.read())["error"]
        assert (response.status, error["status"], error["fields"][0]["field"]) == (
            status,
            status,
            field,
        )
        # The body was read to its end: the same connection serves the next request.
        response = send_then_read(connection, b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n")
        assert response.status == 200 and json.loads(response.read()) == {"status": "ok"}


def test_urllib_sending_5_mb_gets_the_413_not_a_broken_pipe(server):
    request = urllib.request.Request(
        f"{server.base_url}/predict",
        data=b" " * FIVE_MB,
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=30)
    assert answer.value.code == 413
    assert json.loads(answer.value.read())["error"]["fields"][0]["field"] == "body"


def test_a_chunked_flight_within_the_limit_is_answered(server, flights):
    body = json.dumps({"instances": flights[:20]}).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        response = send_then_read(connection, post("/predict", body, chunk=True))
        assert response.status == 200 and len(json.loads(response.read())["predictions"]) == 20


def test_a_body_shorter_than_its_content_length_gets_a_json_400(server, flights):
    body = json.dumps(flights[0]).encode()
    request = post("/predict", body)
    request = request.replace(f"Content-Length: {len(body)}".encode(), b"Content-Length: 9999")
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(request)
        connection.shutdown(socket.SHUT_WR)  # the client stops sending: the body stays short
        response = http.client.HTTPResponse(connection)
        response.begin()
        error = json.loads(response.read())["error"]
        assert (response.status, error["fields"][0]["field"]) == (400, "request")
