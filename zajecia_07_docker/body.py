"""The body of a request: read within the limit, and what the client still sends discarded.

Two faults of the usual ``request.get_data()`` under gunicorn:

* a chunked body (no ``Content-Length``) over ``MAX_CONTENT_LENGTH`` is cut at the limit
  without an error — the client gets a puzzling 400 about truncated JSON, not a 413;
* an answer given before the body is read (413, 415, 404…) is written while the client is
  still sending. Gunicorn then reads at most 64 KiB of the rest and closes the socket with
  data unread, the kernel resets the connection, and a client that sends its whole body
  before reading (Python's urllib, curl with a file) sees "broken pipe" instead of the
  answer. Reading the rest first — up to a bound — lets the answer reach it.
"""

from __future__ import annotations

from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.wrappers import Request

CHUNK_BYTES = 64 * 1024
# What is read and thrown away after an early answer. A client sending more than this gets
# the connection closed (it may then see a reset): the server does not read without end.
DISCARD_MAX_BYTES = 16 * 2**20
# How many bytes of a Content-Length body ``read_body`` took (a WSGI environ key).
BYTES_READ = "zajecia_07.body_bytes_read"


def read_body(request: Request, max_bytes: int) -> bytes:
    """The whole body, at most ``max_bytes``, read from the server's input stream.

    Read straight from ``wsgi.input``, not through ``request.get_data()``: Werkzeug's
    stream wrappers cost more than the rest of reading a one-flight body (``make bench``).

    Raises:
        RequestEntityTooLarge: ``Content-Length`` over the limit, or a chunked body that
            turns out longer than it.
        ClientDisconnected: the client closed the connection before ``Content-Length``
            bytes came.
    """
    environ = request.environ
    stream = environ["wsgi.input"]
    length = request.content_length
    if length is not None:
        if length > max_bytes:
            raise RequestEntityTooLarge()
        body = stream.read(length)
        environ[BYTES_READ] = len(body)
        if len(body) < length:
            raise ClientDisconnected()
        return body
    if not environ.get("wsgi.input_terminated"):
        return b""  # neither a length nor a server that ends the stream: no body
    parts, size = [], 0  # chunked: the server ends the stream at the last chunk
    while chunk := stream.read(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise RequestEntityTooLarge()
        parts.append(chunk)
    return b"".join(parts)


def discard_unread(request: Request, limit: int = DISCARD_MAX_BYTES) -> None:
    """Read and drop what is left of the body, unless more than ``limit`` bytes are left.

    What ``read_body`` took is not read again; a route reads its body with it.

    Beyond the limit the server closes the connection after the answer, as before.
    """
    environ = request.environ
    length = request.content_length
    if length is None:
        if not environ.get("wsgi.input_terminated"):
            return  # no body a server would pass on
        left = limit + 1  # chunked: the server ends the stream at the last chunk
    else:
        left = length - environ.get(BYTES_READ, 0)
        if left > limit:
            return
    stream = environ["wsgi.input"]
    try:
        # Never past Content-Length: a development server's input is the socket itself.
        while left > 0 and (chunk := stream.read(min(CHUNK_BYTES, left))):
            left -= len(chunk)
    except (OSError, ValueError, ClientDisconnected):
        pass  # the client has gone: nothing to answer it with anyway
