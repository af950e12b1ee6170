"""Slow clients of a server under test: connections that hold it without finishing a request.

The attack of a "slowloris" kind, on 127.0.0.1: ``idle`` connections opened and left
silent, and ``trickling`` ones that send the headers of a ``POST /predict`` and then its
body one byte per ``interval_s``, kept open. :meth:`SlowClients.finish` sends the rest of
each body and returns the status lines the server answered with.
"""

from __future__ import annotations

import json
import socket
import threading
import time


class SlowClients:
    def __init__(
        self, port: int, flight: dict, idle: int = 50, trickling: int = 10, interval_s=0.2
    ):
        self.port = port
        self.body = json.dumps(flight).encode()
        self.idle, self.trickling, self.interval_s = idle, trickling, interval_s
        self._sockets: list[socket.socket] = []
        self._senders: list[socket.socket] = []
        self._sent = 0
        self._stop = threading.Event()
        self._dripper = threading.Thread(target=self._drip, name="trickle", daemon=True)

    def __enter__(self) -> SlowClients:
        for _ in range(self.idle):
            self._sockets.append(socket.create_connection(("127.0.0.1", self.port), timeout=30))
        head = (
            "POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(self.body)}\r\n\r\n"
        ).encode()
        for _ in range(self.trickling):
            sender = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            sender.sendall(head)
            self._sockets.append(sender)
            self._senders.append(sender)
        self._dripper.start()
        return self

    def _drip(self) -> None:
        # Never the whole body: the requests stay unfinished until finish().
        while not self._stop.wait(self.interval_s) and self._sent < len(self.body) - 1:
            for sender in self._senders:
                sender.sendall(self.body[self._sent : self._sent + 1])
            self._sent += 1

    def finish(self) -> list[bytes]:
        """Send the rest of every trickled body; the status line of each answer."""
        self._stop.set()
        self._dripper.join()
        for sender in self._senders:
            sender.sendall(self.body[self._sent :])
        return [sender.makefile("rb").readline().strip() for sender in self._senders]

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._dripper.join()
        for connection in self._sockets:
            connection.close()


def timed_call(server, method: str, path: str, body=None, timeout: float = 10.0):
    """``(status, seconds)`` of one request; a status of 0 when no answer came in time."""
    started = time.monotonic()
    try:
        status, _ = server.call(method, path, body, timeout=timeout)
    except TimeoutError:
        status = 0
    return status, time.monotonic() - started
