"""The student's API started with its own command (``commands.api``) on a free port of
127.0.0.1 in the sandbox, and asked from outside: the declared contract
(``api_contract``) and a fixed set of hostile requests (``api_hostile``).

These checks need the host's loopback (the grader is the client), so their sandbox keeps
the network namespace of the grader; see grading/README.md for what that means.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grading.checks.base import Context, run_check
from grading.checks.running import command_argv, declared_dags, session
from grading.model import Evidence, Outcome, StudentError
from grading.polish import shown

START_TIMEOUT_S = 60
SERVE_TIMEOUT_S = 300
# One socket operation, and a whole request: a server dripping bytes cannot hold a check.
SOCKET_TIMEOUT_S = 5
REQUEST_TIMEOUT_S = 20
MAX_REPLY_BYTES = 1024 * 1024
HUGE_BODY_BYTES = 5 * 1024 * 1024
OPENAPI_PATH = "/openapi.json"


@dataclass(frozen=True)
class Reply:
    """An HTTP answer; ``status`` 0 when there was none (the connection broke, the
    answer took too long or was too large), with ``problem`` saying which."""

    status: int
    content_type: str
    body: bytes
    problem: str = ""

    @property
    def is_json(self) -> bool:
        media = self.content_type.split(";")[0].strip().lower()
        return media == "application/json" or media.endswith("+json")

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass(frozen=True)
class Api:
    """A started API: where it listens and what projekt.yaml declares for it."""

    port: int
    health_path: str
    predict_path: str
    example: dict[str, Any]
    fields: list[str]

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str | None = None
    ) -> Reply:
        """One request; never raises for what the server does (see :class:`Reply`)."""
        deadline = time.monotonic() + REQUEST_TIMEOUT_S
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=SOCKET_TIMEOUT_S)
        try:
            headers = {"Content-Type": content_type} if content_type else {}
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = bytearray()
            while chunk := response.read1(65536):  # one socket read: checked in between
                content += chunk
                if len(content) > MAX_REPLY_BYTES or time.monotonic() > deadline:
                    return Reply(0, "", b"", "odpowiedź za długa albo za wolna")
            return Reply(response.status, response.getheader("Content-Type", ""), bytes(content))
        except (OSError, http.client.HTTPException) as error:
            return Reply(0, "", b"", f"brak odpowiedzi: {type(error).__name__}")
        finally:
            connection.close()

    def post_json(self, payload: Any) -> Reply:
        body = json.dumps(payload).encode()
        return self.request("POST", self.predict_path, body, "application/json")


@run_check("api_contract", required=("api", "command"), optional=("start_timeout",))
def api_contract(context: Context, params: Mapping[str, Any]) -> Outcome:
    with serving(context, params) as api:
        health = api.request("GET", api.health_path)
        reply = api.post_json(api.example)
    done, problems = 0, []
    if health.status == 200:
        done += 1
    else:
        problems.append(f"{api.health_path} → {health.status or health.problem} zamiast 200")
    answer = reply.json()
    if reply.status == 200 and isinstance(answer, dict):
        done += 1
        missing = [name for name in api.fields if name not in answer]
        if missing:
            problems.append(f"odpowiedź bez pól {', '.join(missing)}")
        else:
            done += 1
    else:
        body = reply.problem or shown(reply.body[:200].decode(errors="replace"))
        problems.append(f"przykładowe żądanie → {reply.status} {body} zamiast 200 z obiektem JSON")
    if not problems:
        return Outcome.passed(
            f"API odpowiada: {api.health_path} 200, {api.predict_path} 200 z polami "
            f"{', '.join(api.fields)}"
        )
    return Outcome.share(done, 3, "; ".join(problems), Evidence(command=params["command"]))


@run_check("api_hostile", required=("api", "command"), optional=("start_timeout",))
def api_hostile(context: Context, params: Mapping[str, Any]) -> Outcome:
    with serving(context, params) as api:
        replies = {name: send(api) for name, send in hostile_requests(api.example).items()}
    wrong = [
        f"{name} → {reply.status or reply.problem}"
        + (" (błąd serwera)" if reply.status >= 500 else "")
        + (" (nie JSON)" if 400 <= reply.status < 500 else "")
        for name, reply in replies.items()
        if not 400 <= reply.status < 500 or not reply.is_json
    ]
    if not wrong:
        return Outcome.passed(f"każde z {len(replies)} złych żądań dostaje 4xx w JSON")
    return Outcome.share(
        len(replies) - len(wrong),
        len(replies),
        "złe żądania powinny dostać 4xx z JSON-em (nazwą złego pola), nigdy 5xx: "
        + "; ".join(wrong),
        Evidence(command=params["command"]),
    )


@run_check("api_openapi", required=("api", "command"), optional=("start_timeout",))
def api_openapi(context: Context, params: Mapping[str, Any]) -> Outcome:
    from openapi_spec_validator import OpenAPIV31SpecValidator  # 2 s to import: only here

    with serving(context, params) as api:
        reply = api.request("GET", OPENAPI_PATH)
    spec = reply.json()
    evidence = Evidence(command=params["command"])
    if reply.status != 200 or not isinstance(spec, dict):
        body = reply.problem or shown(reply.body[:200].decode(errors="replace"))
        raise StudentError(
            f"{OPENAPI_PATH} → {reply.status}: oczekiwany 200 z obiektem JSON OpenAPI, jest {body}",
            evidence,
        )
    invalid = []
    if not str(spec.get("openapi", "")).startswith("3.1"):
        invalid.append(f"pole openapi to {shown(str(spec.get('openapi')))}, nie 3.1.x")
    else:
        errors = sorted(OpenAPIV31SpecValidator(spec).iter_errors(), key=lambda e: list(e.path))
        # The first line: the rest repeats the schema and the instance.
        invalid += [
            f"{'/'.join(map(str, e.path)) or 'dokument'}: {e.message.splitlines()[0]}"
            for e in errors[:3]
        ]
    described = _request_fields(spec, api.predict_path)
    undescribed = [name for name in api.example if name not in described]
    if not invalid and not undescribed:
        return Outcome.passed(
            f"{OPENAPI_PATH} to poprawne OpenAPI 3.1 i opisuje każde pole przykładu", evidence
        )
    problems = [f"niezgodne z OpenAPI 3.1: {'; '.join(invalid)}"] if invalid else []
    if undescribed:
        problems.append(
            f"ciało POST {api.predict_path} nie opisuje pól przykładu: {', '.join(undescribed)}"
        )
    return Outcome.share((not invalid) + (not undescribed), 2, "; ".join(problems), evidence)


def _request_fields(spec: Mapping[str, Any], path: str) -> set[str]:
    """Every property name the JSON request body of ``POST path`` describes: through
    local ``$ref``s, ``oneOf``/``anyOf``/``allOf``, array items and nested properties
    (a batch of records describes the record's fields too)."""
    try:
        body = spec["paths"][path]["post"]["requestBody"]
        schema = body["content"]["application/json"]["schema"]
    except (KeyError, TypeError):
        return set()
    names: set[str] = set()
    seen: set[int] = set()
    pending = [schema]
    while pending:
        node = pending.pop()
        if not isinstance(node, Mapping) or id(node) in seen:
            continue
        seen.add(id(node))
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/"):
            pending.append(_pointer(spec, reference))
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            names |= {str(name) for name in properties}
            pending += list(properties.values())
        for key in ("oneOf", "anyOf", "allOf"):
            if isinstance(node.get(key), list):
                pending += node[key]
        pending.append(node.get("items"))
    return names


def _pointer(document: Any, reference: str) -> Any:
    """The node a local JSON pointer (``#/components/schemas/Flight``) names, or None."""
    for part in reference[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(document, Mapping) or part not in document:
            return None
        document = document[part]
    return document


def hostile_requests(example: dict[str, Any]) -> dict[str, Any]:
    """The fixed hostile set, by Polish name: each a function of the API giving a Reply.
    Built from the declared example without knowing which fields are optional: every
    field of a wrong type, no field at all, an extra field."""
    wrong_type = {key: {"zły": ["typ"]} for key in example}
    unknown = {**example, "pole_ktorego_nie_ma": 1}
    first = next(iter(example))
    huge = json.dumps({**example, first: "x" * HUGE_BODY_BYTES}).encode()
    valid = json.dumps(example).encode()
    return {
        "zły JSON": lambda api: api.request("POST", api.predict_path, b'{"a":', "application/json"),
        "puste ciało": lambda api: api.request("POST", api.predict_path, b"", "application/json"),
        "lista zamiast obiektu": lambda api: api.post_json([example]),
        "złe typy pól": lambda api: api.post_json(wrong_type),
        "brak pól (pusty obiekt)": lambda api: api.post_json({}),
        "nieznane pole": lambda api: api.post_json(unknown),
        "ogromne ciało (5 MB)": lambda api: api.request(
            "POST", api.predict_path, huge, "application/json"
        ),
        "zły typ treści (text/plain)": lambda api: api.request(
            "POST", api.predict_path, valid, "text/plain"
        ),
        "zła metoda (GET)": lambda api: api.request("GET", api.predict_path),
    }


@contextmanager
def serving(
    context: Context,
    params: Mapping[str, Any],
    repo: Path | None = None,
    entry: str = "commands.api",
) -> Iterator[Api]:
    """The API started with the student's command on a free port, until it answers its
    health path (StudentError when it does not within :data:`START_TIMEOUT_S`); in
    ``repo``, or in a copy of what the training stage left (the model class 05
    registered)."""
    run = session(context)
    declared = params["api"]
    example = _example(context, declared)
    port = free_port()
    argv = command_argv(params["command"], entry, port=str(port))
    work = run.folder("api")
    if repo is None:
        repo = run.copy(work, run.after("train", declared_dags(context)))
    api = Api(
        port,
        str(declared["health_path"]),
        str(declared["predict_path"]),
        example,
        [str(name) for name in declared["response_fields"]],
    )
    timeout = run.timeout(SERVE_TIMEOUT_S)
    start_timeout = min(float(params.get("start_timeout", START_TIMEOUT_S)), timeout)
    with run.sandbox(work).started(argv, repo, timeout, network=True) as server:
        started = time.monotonic()
        while True:
            if not server.alive():
                raise StudentError(
                    f"API zakończyło działanie zaraz po starcie: {shown(server.output()[-300:])}",
                    Evidence(command=params["command"]),
                )
            if api.request("GET", api.health_path).status:
                break
            if time.monotonic() - started > start_timeout:
                raise StudentError(
                    f"API nie odpowiada na 127.0.0.1:{port}{api.health_path} po "
                    f"{start_timeout:.0f} s od startu (czy polecenie używa {{port}}?)",
                    Evidence(command=params["command"]),
                )
            time.sleep(0.2)
        yield api


def _example(context: Context, declared: Mapping[str, Any]) -> dict[str, Any]:
    path = str(declared["example_request"])
    try:
        example = json.loads(context.files.read_text(path))
    except ValueError as error:
        raise StudentError(f"{path}: to nie jest JSON ({error})", Evidence(file=path)) from None
    if not isinstance(example, dict) or not example:
        raise StudentError(
            f"{path}: przykładowe żądanie musi być niepustym obiektem JSON", Evidence(file=path)
        )
    return example


def free_port() -> int:
    """A port of 127.0.0.1 free at this moment (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
