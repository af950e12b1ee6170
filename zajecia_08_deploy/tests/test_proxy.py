"""The API's replicas behind nginx: the compose services, the proxy's config read and
checked against the API and Prometheus — and nginx itself running that config on
127.0.0.1 in front of two replicas, with a DNS server standing in for Docker's.

The last two tests need nginx (``make nginx`` installs it from Debian's packages); without
it they are skipped, never passed.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import flask
import pytest

from kurs.testing.docker import unset_value
from kurs.testing.due import read_text
from zajecia_07_docker.errors import error_response
from zajecia_07_docker.server import free_port
from zajecia_07_docker.settings import ApiSettings
from zajecia_08_deploy.tests.stack_files import (
    COMPOSE_FILE,
    PROXY_CONFIG,
    Directive,
    api_port,
    is_pinned,
    mount_of,
    nginx_config,
    service,
)

# Where Docker's embedded DNS listens inside every container of a user-defined network.
DOCKER_DNS = "127.0.0.11"
SIZES = {"k": 2**10, "m": 2**20, "g": 2**30}


def server_block() -> Directive:
    servers = nginx_config(read_text(PROXY_CONFIG)).find("server")
    assert len(servers) == 1, f"{PROXY_CONFIG.name}: one server block, not {len(servers)}"
    return servers[0]


def location(name: str) -> Directive:
    found = [d for d in server_block().find("location") if d.args == [name]]
    assert len(found) == 1, f"{PROXY_CONFIG.name}: no location {name}"
    return found[0]


def seconds(value: str) -> int:
    return int(value.removesuffix("s"))


def test_the_api_runs_as_replicas_only_the_proxy_publishes_a_port():
    """`docker compose up --scale api=N` needs an API without a fixed name and without a
    host port (two replicas cannot both take 127.0.0.1:8000)."""
    api, proxy = service("api"), service("proxy")
    assert int(unset_value(api["deploy"]["replicas"])) >= 2
    assert not {"container_name", "hostname", "ports"} & set(api)
    assert is_pinned(proxy["image"]) and proxy["image"].startswith("nginx:")
    # The image's own command: nginx with every file of conf.d, the repository's among them.
    assert "command" not in proxy and "entrypoint" not in proxy
    config = mount_of(proxy, "/etc/nginx/conf.d/default.conf")
    assert config["read_only"]
    assert (COMPOSE_FILE.parent / config["source"]).resolve() == PROXY_CONFIG
    # Requests go out only when a replica is healthy; its /health is the one it always had.
    assert proxy["depends_on"]["api"]["condition"] == "service_healthy"
    assert "healthcheck" in api
    (listen,) = server_block().find("listen")
    assert proxy["ports"] == [f"127.0.0.1:{api_port()}:{listen.args[0]}"]


def test_the_proxy_finds_every_replica_again_and_again():
    """proxy_pass through a variable: nginx resolves `api` at request time with Docker's
    DNS (every replica's address) and again after `valid`, so `--scale` needs no restart.
    A literal host in proxy_pass or an upstream block would be resolved once, at start."""
    config = nginx_config(read_text(PROXY_CONFIG))
    (resolver,) = config.find("resolver") or server_block().find("resolver")
    assert resolver.args[0] == DOCKER_DNS
    valid = {arg.split("=")[0]: arg.split("=")[1] for arg in resolver.args[1:] if "=" in arg}
    assert seconds(valid["valid"]) <= 10
    assert not config.find("upstream"), "an upstream block resolves the replicas only once"
    (assignment,) = server_block().find("set")
    variable, target = assignment.args
    assert target == f"http://api:{api_port()}" and "api" in service("proxy")["depends_on"]
    (proxy_pass,) = location("/").find("proxy_pass")
    assert proxy_pass.args == [variable]


def test_the_api_answers_about_its_own_body_limit():
    """nginx takes larger bodies than the API does, so the API's 413 says its limit."""
    (limit,) = server_block().find("client_max_body_size")
    value = limit.args[0].lower()
    size = int(value[:-1]) * SIZES[value[-1]] if value[-1] in SIZES else int(value)
    environment = {k: unset_value(v) for k, v in service("api")["environment"].items()}
    assert size > ApiSettings.from_env(environment).max_body_bytes


def test_what_nginx_answers_itself_is_an_api_error():
    """No replica, or a body over nginx's limit: JSON in the shape of every API error."""
    with flask.Flask(__name__).app_context():
        response, _ = error_response(503, "x", [])
        shape = response.get_json()
    pages = {}
    for page in server_block().find("error_page"):
        *codes, equals, target = page.args
        assert equals == "=" and target.startswith("@")
        pages |= {int(code): target for code in codes}
    assert {502, 503, 504, 413} <= set(pages)
    for target in set(pages.values()):
        found = location(target)
        (default_type,) = found.find("default_type")
        assert default_type.args == ["application/json"]
        (answer,) = found.find("return")
        status, body = answer.args
        error = json.loads(body)
        assert error.keys() == shape.keys() and error["error"].keys() == shape["error"].keys()
        assert error["error"]["status"] == int(status) and error["error"]["message"]


# ---------------------------------------------------------------------------------------
# nginx for real: two replicas on 127.0.0.2 and 127.0.0.3, a DNS server for `api`.


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if not found:
        pytest.skip("brak nginx: uruchom `make nginx`")
    return found


class FakeDockerDns:
    """Answers A queries for one name with a list of addresses the test changes, as
    Docker's DNS answers a compose service's name with its running replicas."""

    def __init__(self, name: str):
        self.name = name
        self.addresses: list[str] = []
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.settimeout(0.1)
        self.port = self.socket.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                query, client = self.socket.recvfrom(512)
            except TimeoutError:
                continue
            self.socket.sendto(self.answer(query), client)

    def answer(self, query: bytes) -> bytes:
        end, labels = 12, []
        while query[end]:
            labels.append(query[end + 1 : end + 1 + query[end]].decode())
            end += 1 + query[end]
        question = query[12 : end + 5]  # the name, its type and class
        known = ".".join(labels) == self.name
        is_a = struct.unpack(">H", query[end + 1 : end + 3])[0] == 1
        records = self.addresses if known and is_a else []
        flags = 0x8180 | (0 if known else 3)  # an answer; NXDOMAIN for other names
        header = query[:2] + struct.pack(">HHHHH", flags, 1, len(records), 0, 0)
        answers = b"".join(
            struct.pack(">HHHIH", 0xC00C, 1, 1, 1, 4) + socket.inet_aton(address)
            for address in records
        )
        return header + question + answers

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.socket.close()


class Replica:
    """A stand-in for one API container: says who it is and what it was sent."""

    def __init__(self, address: str, port: int):
        self.address, self.requests = address, 0
        replica = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                replica.requests += 1
                if self.path == "/ready":  # the API's own 503 must reach the client as is
                    self.answer(503, {"error": {"status": 503, "message": "brak modelu"}})
                else:
                    self.answer(200, {"replica": replica.address})

            def do_POST(self):
                replica.requests += 1
                body = self.rfile.read(int(self.headers["Content-Length"]))
                sent = ("Host", "X-Request-ID", "X-Forwarded-For")
                headers = {name: self.headers[name] for name in sent}
                self.answer(200, {"replica": replica.address, "length": len(body), **headers})

        self.server = http.server.ThreadingHTTPServer((address, port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def local_config(folder: Path, dns_port: int, listen: int, replica_port: int) -> Path:
    """The repository's proxy config with only the addresses of this machine: the DNS
    server, the port to listen on, the replicas' port; `valid` 1 s instead of 10 s, so a
    new replica shows within a second. Each must be replaced exactly once."""
    text = read_text(PROXY_CONFIG)
    for old, new in [
        (f"resolver {DOCKER_DNS} valid=10s", f"resolver 127.0.0.1:{dns_port} valid=1s"),
        (f"listen {api_port()};", f"listen 127.0.0.1:{listen};"),
        (f"http://api:{api_port()};", f"http://api:{replica_port};"),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (folder / "api.conf").write_text(text)
    temp = {
        f"{kind}_temp_path": folder / kind
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    }
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers reach this folder
    main = folder / "nginx.conf"
    main.write_text(
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
        "events { worker_connections 64; }\n"
        "http {\n    access_log off;\n"
        + "".join(f"    {name} {path};\n" for name, path in temp.items())
        + f"    include {folder / 'api.conf'};\n}}\n"
    )
    return main


def test_nginx_accepts_the_config(tmp_path):
    nginx = nginx_binary()
    config = local_config(tmp_path, dns_port=53, listen=free_port(), replica_port=8000)
    result = subprocess.run(
        [nginx, "-t", "-q", "-e", "stderr", "-p", str(tmp_path), "-c", str(config)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def request(port: int, method: str, path: str, body: bytes = b"", **headers: str):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.fixture
def proxy(tmp_path):
    """nginx with the repository's config on a free port, a DNS for `api` with no
    replica yet, and a function that starts one (on 127.0.0.2, .3, … and one port)."""
    nginx = nginx_binary()
    dns = FakeDockerDns("api")
    listen, replica_port = free_port(), free_port()
    config = local_config(tmp_path, dns.port, listen, replica_port)
    log = tmp_path / "error.log"
    process = subprocess.Popen(
        [nginx, "-e", str(log), "-p", str(tmp_path), "-c", str(config), "-g", "daemon off;"]
    )
    replicas: list[Replica] = []

    def start_replica() -> Replica:
        replica = Replica(f"127.0.0.{len(replicas) + 2}", replica_port)
        replicas.append(replica)
        dns.addresses.append(replica.address)
        return replica

    try:
        deadline = time.monotonic() + 10
        while not listening(listen):
            started = process.poll() is None and time.monotonic() < deadline
            assert started, log.read_text() if log.exists() else "nginx did not start"
            time.sleep(0.05)
        yield listen, start_replica
    finally:
        process.send_signal(signal.SIGQUIT)  # nginx's graceful stop
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for replica in replicas:
            replica.stop()
        dns.close()


def test_the_proxy_spreads_requests_over_every_replica_and_answers_when_none_is_left(proxy):
    port, start_replica = proxy
    first = start_replica()
    answered = Counter(request(port, "GET", "/health")[1]["replica"] for _ in range(5))
    assert answered == {first.address: 5}

    # `--scale api=2`: the new replica gets requests once the cached answer expires
    # (nginx counts in whole seconds: `valid=1s` lasts up to 2 s).
    second = start_replica()
    time.sleep(2.5)
    answered = Counter(request(port, "GET", "/health")[1]["replica"] for _ in range(40))
    assert answered.keys() == {first.address, second.address}, answered

    # A request passes as sent: body (over nginx's default 1 MiB, under the API's limit),
    # X-Request-ID, the client's Host; the API's own errors are not replaced.
    body = b"x" * (3 * 2**20)
    status, echoed = request(port, "POST", "/predict", body, **{"X-Request-ID": "lot-1"})
    assert status == 200 and echoed["length"] == len(body)
    assert echoed["X-Request-ID"] == "lot-1" and echoed["Host"] == f"127.0.0.1:{port}"
    assert echoed["X-Forwarded-For"] == "127.0.0.1"
    own_error = {"error": {"status": 503, "message": "brak modelu"}}
    assert request(port, "GET", "/ready") == (503, own_error)

    # A replica stops (still in DNS for a moment): its requests go to the other one.
    second.stop()
    for _ in range(10):
        status, answer = request(port, "POST", "/predict", b"{}")
        assert (status, answer["replica"]) == (200, first.address)

    # Too large for nginx itself, and no replica left: JSON errors in the API's shape.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("POST", "/predict")
    connection.putheader("Content-Length", str(5 * 2**20))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413 and json.loads(response.read())["error"]["status"] == 413
    connection.close()
    first.stop()
    status, error = request(port, "GET", "/health")
    assert status == 503 and error["error"]["status"] == 503 and error["error"]["fields"] == []
