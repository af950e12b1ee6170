"""A client of Airflow's REST API v2 for tests, and waiting for what the scheduler does.

Airflow's simple auth manager (the one ``make airflow`` uses) gives a JWT for a user name
and password at ``POST /auth/token``; every ``/api/v2`` call then carries it as
``Authorization: Bearer …``. Only the standard library: the tests call the API as any
client outside Airflow would.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

T = TypeVar("T")
FINISHED = ("success", "failed")


class ApiError(Exception):
    """An answer with an unexpected HTTP status; the message has the status and the body."""


def call(
    url: str, method: str = "GET", body: dict | None = None, token: str = ""
) -> tuple[int, Any]:
    """One HTTP request with a JSON body.

    Returns:
        The HTTP status and the answer: parsed JSON; its text when it is not JSON;
        ``None`` when empty.

    Raises:
        OSError: nothing answered at ``url`` (``urllib.error.URLError``).
    """
    request = urllib.request.Request(
        url,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text.decode(errors="replace")


@dataclass(frozen=True)
class AirflowApi:
    """The REST API v2 of the Airflow at ``base`` (``http://host:port``), with a token."""

    base: str
    token: str

    @classmethod
    def login(cls, base: str, username: str, password: str) -> AirflowApi:
        """Get a JWT from the simple auth manager.

        Raises:
            ApiError: the credentials were refused.
        """
        status, answer = call(
            f"{base}/auth/token", "POST", {"username": username, "password": password}
        )
        if status != 201:
            raise ApiError(f"POST /auth/token: {status} {answer}")
        return cls(base, answer["access_token"])

    def request(self, method: str, path: str, body: dict | None = None) -> Any:
        """``method`` on ``/api/v2/path``; the JSON answer.

        Raises:
            ApiError: a status other than 200 OK.
        """
        status, answer = call(f"{self.base}/api/v2/{path}", method, body, self.token)
        if status != 200:
            raise ApiError(f"{method} /api/v2/{path}: {status} {answer}")
        return answer

    def has_dag(self, dag_id: str) -> bool:
        """Whether the DAG processor has parsed ``dag_id`` into the database yet."""
        status, _ = call(f"{self.base}/api/v2/dags/{dag_id}", token=self.token)
        return status == 200

    def import_error(self, file_name: str) -> str | None:
        """The stack trace of the DAG file ``file_name``'s import error, if it has one."""
        for error in self.request("GET", "importErrors")["import_errors"]:
            if Path(error["filename"]).name == file_name:
                return error["stack_trace"]
        return None

    def unpause(self, dag_id: str) -> None:
        self.request("PATCH", f"dags/{dag_id}", {"is_paused": False})

    def runs(self, dag_id: str, **query: str) -> list[dict]:
        """The DAG's runs (``dag_run_id``, ``state``, ``run_type``, …), oldest first."""
        filters = "".join(f"&{name}={value}" for name, value in query.items())
        answer = self.request("GET", f"dags/{dag_id}/dagRuns?order_by=id{filters}")
        return answer["dag_runs"]

    def run(self, dag_id: str, run_id: str) -> dict:
        """One run of the DAG: ``dag_run_id``, ``state``, ``run_type``, ``conf``, …"""
        return self.request("GET", f"dags/{dag_id}/dagRuns/{run_id}")

    def asset_events(self, dag_id: str, run_id: str) -> list[dict]:
        """The asset events that started an asset-triggered run (``name``,
        ``source_dag_id``, ``source_run_id``, ``extra``, …)."""
        answer = self.request("GET", f"dags/{dag_id}/dagRuns/{run_id}/upstreamAssetEvents")
        return answer["asset_events"]

    def task_states(self, dag_id: str, run_id: str) -> dict[str, str | None]:
        """``task_id`` (``[map_index]`` for a mapped task) -> state, for failure messages."""
        answer = self.request("GET", f"dags/{dag_id}/dagRuns/{run_id}/taskInstances")
        return {
            ti["task_id"] + (f"[{ti['map_index']}]" if ti["map_index"] >= 0 else ""): ti["state"]
            for ti in answer["task_instances"]
        }


def wait_for(
    found: Callable[[], T | None], timeout_s: float, what: str, diagnosis: Callable[[], str]
) -> T:
    """Poll ``found()`` every second until it returns something other than ``None``.

    Fails the test when ``timeout_s`` pass first: the message says what was awaited, in
    Polish, and ends with ``diagnosis()`` (task states, the tail of the logs).
    """
    deadline = time.monotonic() + timeout_s
    while (result := found()) is None:
        if time.monotonic() > deadline:
            pytest.fail(f"nie doczekano się w {timeout_s:.0f} s: {what}\n{diagnosis()}")
        time.sleep(1)
    return result


def wait_for_dag(
    api: AirflowApi, dag_id: str, timeout_s: float, diagnosis: Callable[[], str]
) -> None:
    """Wait until the DAG processor has put ``dag_id`` into the database.

    Fails the test at once when the DAG's file — named after the DAG, as in every class of
    the course — does not import: the message is its stack trace (in the student starter,
    the ``NotImplementedError`` of the task still to do).
    """

    def parsed() -> bool | None:
        if api.has_dag(dag_id):
            return True
        if error := api.import_error(f"{dag_id}.py"):
            pytest.fail(f"DAG {dag_id}: plik {dag_id}.py nie wczytuje się:\n{error}")
        return None

    wait_for(parsed, timeout_s, f"DAG {dag_id} w bazie Airflow", diagnosis)
