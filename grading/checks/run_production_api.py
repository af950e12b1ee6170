"""The production API (class 08) started with ``commands.api_production`` and checked
from outside: its Prometheus metrics after requests spread over its workers
(``api_metrics``) and a model swap through ``commands.promote`` while requests keep
coming (``api_swap_under_load``); and a period's traffic sent to it by
``commands.traffic`` (:func:`send_traffic`), which the live quality DAG then reads.

What the checks read is declared in ``projekt.yaml`` (grading/README.md, "API
produkcyjne"): ``api.metrics_path``, ``api.requests_metric`` — a counter with a label
equal to ``api.predict_path`` — and ``api.version_field``, the answer's field naming the
model version, which some metric must carry as a label value.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grading.checks.base import Context, run_check
from grading.checks.run_api import Api, Reply, serving
from grading.checks.run_registry import registry_copy
from grading.checks.running import command_argv, failure, session
from grading.model import Evidence, Outcome, StudentError
from grading.polish import shown

ENTRY = "commands.api_production"
# Each request opens its own connection: the kernel hands them to different workers.
METRIC_REQUESTS = 12
# Load before the promotion; the longest wait for the new version; how long every
# answer must already come from it (all workers switched).
LOAD_BEFORE_S = 2.0
SWAP_WAIT_S = 30.0
SETTLED_S = 2.0
LOAD_THREADS = 2
TRAFFIC_TIMEOUT_S = 600


@dataclass(frozen=True)
class Sample:
    name: str
    labels: dict[str, str]
    value: float


def scrape(api: Api, path: str) -> list[Sample]:
    """The samples of the Prometheus text at ``path``. Raises StudentError when the
    answer is not 200 or not in the exposition format."""
    from prometheus_client.parser import text_string_to_metric_families

    reply = api.request("GET", path)
    if reply.status != 200:
        raise StudentError(f"{path} → {reply.status or reply.problem} zamiast 200")
    try:
        families = list(text_string_to_metric_families(reply.body.decode("utf-8")))
    except (ValueError, UnicodeDecodeError) as error:
        raise StudentError(
            f"{path}: to nie jest format tekstowy Prometheus ({shown(str(error)[:120])})"
        ) from None
    return [Sample(s.name, dict(s.labels), s.value) for f in families for s in f.samples]


def predictions(samples: list[Sample], metric: str, predict_path: str) -> float:
    """The requests to ``predict_path`` counted by ``metric`` (its ``_total`` samples
    with a label equal to the path), summed over the other labels."""
    names = {metric, metric.removesuffix("_total") + "_total"}
    return sum(s.value for s in samples if s.name in names and predict_path in s.labels.values())


@run_check("api_metrics", required=("api", "command"), optional=("start_timeout",))
def api_metrics(context: Context, params: Mapping[str, Any]) -> Outcome:
    declared = params["api"]
    metrics_path, metric = str(declared["metrics_path"]), str(declared["requests_metric"])
    version_field = str(declared["version_field"])
    with serving(context, params, entry=ENTRY) as api:
        before = predictions(scrape(api, metrics_path), metric, api.predict_path)
        replies = [api.post_json(api.example) for _ in range(METRIC_REQUESTS)]
        samples = scrape(api, metrics_path)
    answered = sum(reply.status == 200 for reply in replies)
    counted = predictions(samples, metric, api.predict_path) - before
    versions = {_version(reply, version_field) for reply in replies} - {None}
    labelled = any(v in s.labels.values() for s in samples for v in versions)
    problems = []
    if counted != METRIC_REQUESTS:
        problems.append(
            f"{metric} z etykietą {api.predict_path} wzrósł o {counted:g}, a wysłano "
            f"{METRIC_REQUESTS} prognoz, {answered} z odpowiedzią 200 (czy metryki sumują "
            "się ze wszystkich workerów?)"
        )
    if not labelled:
        problems.append(
            f"żadna metryka nie ma etykiety z wersją modelu z pola {version_field} "
            f"({', '.join(sorted(versions)) or 'odpowiedzi bez wersji'})"
        )
    evidence = Evidence(command=params["command"])
    if not problems:
        return Outcome.passed(
            f"{metrics_path}: format Prometheus, {metric} policzył {METRIC_REQUESTS} z "
            f"{METRIC_REQUESTS} prognoz, etykieta wersji {', '.join(sorted(versions))}",
            evidence,
        )
    # The format was right (scrape read it); the count and the label are the other parts.
    return Outcome.share(3 - len(problems), 3, "; ".join(problems), evidence)


@dataclass
class Load:
    """Requests to the API from :data:`LOAD_THREADS` threads while the context is open:
    each answer's time (monotonic), status (0: none) and model version."""

    api: Api
    version_field: str
    answers: list[tuple[float, int, str | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._send) for _ in range(LOAD_THREADS)]

    def _send(self) -> None:
        while not self._stop.is_set():
            reply = self.api.post_json(self.api.example)
            with self._lock:
                self.answers.append(
                    (time.monotonic(), reply.status, _version(reply, self.version_field))
                )

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def settled_on(self, version: str, since: float) -> bool:
        """Every answer of the last :data:`SETTLED_S` seconds (and there were some) came
        from ``version``, and ``since`` is that long ago."""
        now = time.monotonic()
        with self._lock:
            recent = [v for at, _, v in self.answers if at >= now - SETTLED_S]
        return now - since >= SETTLED_S and bool(recent) and set(recent) == {version}


@run_check(
    "api_swap_under_load",
    required=("api", "command", "commands", "period"),
    optional=("start_timeout",),
)
def api_swap_under_load(context: Context, params: Mapping[str, Any]) -> Outcome:
    version_field = str(params["api"]["version_field"])
    promote = str(params["commands"].get("promote"))
    evidence = Evidence(command=promote)
    with registry_copy(context, params, history=True) as registry:
        production, target = registry.production_and_other()
        with (
            serving(context, params, registry.repo, ENTRY) as api,
            Load(api, version_field) as load,
        ):
            time.sleep(LOAD_BEFORE_S)
            promoted = registry.call("promote", version=target)
            started = time.monotonic()
            while promoted.ok and time.monotonic() - started < SWAP_WAIT_S:
                if load.settled_on(target, started):
                    break
                time.sleep(0.2)
            settled = promoted.ok and load.settled_on(target, started)
    if not promoted.ok:
        message, evidence = failure(f"promote {target} pod obciążeniem", promoted, promote)
        raise StudentError(message, evidence)
    failed = [status for _, status, _ in load.answers if status != 200]
    served = {version for _, _, version in load.answers} - {None}
    problems = []
    if failed:
        statuses = ", ".join(sorted({str(status or "brak odpowiedzi") for status in failed}))
        problems.append(f"{len(failed)} z {len(load.answers)} żądań nieudanych ({statuses})")
    if not settled:
        problems.append(
            f"po {SWAP_WAIT_S:.0f} s od promote {target} odpowiedzi nie pochodzą tylko z "
            f"{target} (widziane wersje: {', '.join(sorted(served)) or 'brak'})"
        )
    if not problems:
        return Outcome.passed(
            f"{len(load.answers)} żądań bez błędu, {production} → {target} pod obciążeniem",
            evidence,
        )
    return Outcome.share(2 - len(problems), 2, "; ".join(problems), evidence)


def _version(reply: Reply, version_field: str) -> str | None:
    answer = reply.json() if reply.status == 200 else None
    value = answer.get(version_field) if isinstance(answer, dict) else None
    return str(value) if value is not None else None


def send_traffic(context: Context, params: Mapping[str, Any], repo: Path, period: str) -> None:
    """The production API started on ``repo`` (``params["server"]``) and
    ``params["traffic"]`` run against it for ``period`` — the requests whose logged
    predictions a live quality run joins with the real outcomes.

    Raises:
        StudentError: the API did not start, or the traffic command failed.
    """
    run = session(context)
    serve = {"api": params["api"], "command": params["server"]}
    with serving(context, serve, repo, ENTRY) as api:
        url = f"http://127.0.0.1:{api.port}"
        argv = command_argv(str(params["traffic"]), "commands.traffic", month=period, url=url)
        work = run.folder("traffic")
        completed = run.sandbox(work).run(argv, repo, run.timeout(TRAFFIC_TIMEOUT_S), network=True)
    if not completed.ok:
        message, evidence = failure(
            f"ruch do API (commands.traffic dla {period})", completed, str(params["traffic"])
        )
        raise StudentError(message, evidence)
