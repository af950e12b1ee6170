"""The production API as ``make run`` and the tests start it, and a deployment under traffic."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from zajecia_05_model.registry import Registry
from zajecia_07_docker.server import ApiServer
from zajecia_08_deploy.deploy import Deployment, deploy, wait_for_version
from zajecia_08_deploy.traffic import ReplayResult, month_requests, replay

CLASS_DIR = Path(__file__).resolve().parent
CONFIG = CLASS_DIR / "gunicorn.conf.py"
APP = "zajecia_08_deploy.wsgi:app"
SMOKE_FLIGHTS = 20


def production_server(data_dir: Path, workers: int = 2, **env: str) -> ApiServer:
    """Gunicorn with the class 08 app (metrics, prediction log, hot swap) on a free port."""
    return ApiServer(data_dir, env={"API_WORKERS": str(workers), **env}, config=CONFIG, app=APP)


def replay_with_deployment(
    base_url: str,
    data_dir: Path,
    candidate: str,
    month: str,
    limit: int | None = None,
    report: Callable[[str], None] = print,
) -> tuple[ReplayResult, Deployment]:
    """Replay the month's flights and deploy ``candidate`` once a third of them is sent."""
    bodies = month_requests(data_dir, month, limit)
    third = threading.Event()
    outcome: dict[str, ReplayResult] = {}

    def traffic() -> None:
        outcome["result"] = replay(
            base_url, bodies, on_sent=lambda sent: sent >= len(bodies) // 3 and third.set()
        )
        third.set()  # a replay that ended early must not leave the deployment waiting

    sender = threading.Thread(target=traffic, name="replay")
    sender.start()
    third.wait()
    deployment = deploy(Registry(data_dir), candidate, data_dir, bodies[:SMOKE_FLIGHTS], report)
    if deployment.promoted and wait_for_version(base_url, candidate):
        report(f"API przełączone na {candidate} w trakcie ruchu (wszystkie workery)")
    sender.join()
    report(outcome["result"].summary())
    return outcome["result"], deployment
