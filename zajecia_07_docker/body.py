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
from werkzeug.wsgi import LimitedStream

CHUNK_BYTES = 64 * 1024
# What is read and thrown away after an early answer. A client sending more than this gets
# the connection closed (it may then see a reset): the server does not read without end.
DISCARD_MAX_BYTES = 16 * 2**20


def read_body(request: Request, max_bytes: int) -> bytes:
    """The whole body, at most ``max_bytes``.

    Raises:
        RequestEntityTooLarge: ``Content-Length`` over the limit, or a chunked body that
            turns out longer than it.
    """
    if request.content_length is not None or not request.environ.get("wsgi.input_terminated"):
        # Werkzeug refuses a Content-Length over the limit and reads no further than it.
        return request.get_data(cache=False)
    stream = request.environ["wsgi.input"]  # the server ends it at the last chunk
    parts, size = [], 0
    while chunk := stream.read(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise RequestEntityTooLarge()
        parts.append(chunk)
    return b"".join(parts)


def discard_unread(request: Request, limit: int = DISCARD_MAX_BYTES) -> None:
    """Read and drop what is left of the body, unless more than ``limit`` bytes are left.

    Beyond the limit the server closes the connection after the answer, as before.
    """
    environ = request.environ
    length = request.content_length
    if length is None and not environ.get("wsgi.input_terminated"):
        return  # no body a server would pass on
    if length is not None:
        read = request.stream.tell() if "stream" in request.__dict__ else 0
        if length - read > limit:
            return
        # Werkzeug's own stream refuses to read past the size limit: start from the raw
        # input, limited to what Content-Length says is left.
        stream = LimitedStream(environ["wsgi.input"], length - read)
    else:
        stream = environ["wsgi.input"]  # chunked: the server ends it at the last chunk
    dropped = 0
    try:
        while dropped <= limit and (chunk := stream.read(CHUNK_BYTES)):
            dropped += len(chunk)
    except (OSError, ValueError, ClientDisconnected):
        pass  # the client has gone: nothing to answer it with anyway
