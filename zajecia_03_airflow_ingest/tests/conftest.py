"""Fixtures of class 03: a small copy of the data set and a real HTTP server on 127.0.0.1."""

import http.server
import io
import threading
import time
import zipfile
from dataclasses import dataclass, field

import pytest

from zajecia_02_eda.data import package_data_dir
from zajecia_03_airflow_ingest.config import IngestConfig

SMALL_FLIGHTS = 400  # rows of January kept in the small copy


def _head(text: str, rows: int) -> str:
    return "\n".join(text.splitlines()[: rows + 1]) + "\n"


@pytest.fixture(scope="session")
def small_flights_rows() -> int:
    return SMALL_FLIGHTS


@pytest.fixture(scope="session")
def small_files() -> dict[str, bytes]:
    """The five source files, cut to a few hundred rows: fast, but real values."""
    folder = package_data_dir()
    with zipfile.ZipFile(folder / "flights.csv.zip") as archive:
        flights = archive.read("flights.csv").decode()
    weather = (folder / "weather.csv").read_text()
    files = {
        "flights.csv": _head(flights, SMALL_FLIGHTS).encode(),
        "weather.csv": _head(weather, 200).encode(),
        "planes.csv": (folder / "planes.csv").read_bytes(),
        "airports.csv": (folder / "airports.csv").read_bytes(),
        "airlines.csv": (folder / "airlines.csv").read_bytes(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("flights.csv", files["flights.csv"])
    files["flights.csv.zip"] = buffer.getvalue()
    return files


@pytest.fixture
def source_dir(tmp_path, small_files):
    """A local folder holding the small files (for ``file://`` sources)."""
    folder = tmp_path / "source"
    folder.mkdir()
    for name, data in small_files.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def config(tmp_path):
    """Ingest settings writing into a fresh data folder, with fast retries."""
    return IngestConfig(data_dir=tmp_path / "data", timeout_s=2.0, retries=2, backoff_s=0.01)


@dataclass
class Route:
    """How the server answers one path; ``script`` lists behaviours, the last one repeats."""

    body: bytes
    script: list[str] = field(default_factory=lambda: ["ok"])
    hits: int = 0
    headers_seen: list[dict] = field(default_factory=list)


class FakeFileServer:
    """A real HTTP server on 127.0.0.1 whose answers the test chooses per path.

    Behaviours: ``ok`` (200 with ETag), ``error`` (500), ``missing`` (404), ``truncated``
    (Content-Length larger than the body, then the connection closes), ``slow`` (waits
    longer than the client's timeout), ``chunked`` (no Content-Length), ``bad_length``
    (a Content-Length that is not a number).
    """

    def __init__(self):
        self.routes: dict[str, Route] = {}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                route.hits += 1
                route.headers_seen.append(dict(self.headers))
                behaviour = route.script[min(route.hits, len(route.script)) - 1]
                server.answer(self, route, behaviour)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A "slow" answer must not hold up the end of the test.
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def serve(self, path: str, body: bytes, *script: str) -> Route:
        self.routes[path] = Route(body, list(script) or ["ok"])
        return self.routes[path]

    @staticmethod
    def answer(handler, route: Route, behaviour: str) -> None:
        etag = f'"{hash(route.body) & 0xFFFFFFFF:x}"'
        if behaviour in {"error", "missing"}:
            handler.send_error(500 if behaviour == "error" else 404)
            return
        if behaviour == "ok" and handler.headers.get("If-None-Match") == etag:
            handler.send_response(304)
            handler.end_headers()
            return
        if behaviour == "slow":
            time.sleep(3)
        handler.send_response(200)
        handler.send_header("ETag", etag)
        if behaviour == "truncated":
            handler.send_header("Content-Length", str(len(route.body) * 2))
        elif behaviour == "bad_length":
            handler.send_header("Content-Length", "abc")
        elif behaviour != "chunked":
            handler.send_header("Content-Length", str(len(route.body)))
        handler.end_headers()
        handler.wfile.write(route.body)
        if behaviour in {"truncated", "chunked", "bad_length"}:
            handler.close_connection = True


@pytest.fixture
def file_server():
    server = FakeFileServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
