"""A deployment in the middle of production traffic (what ``make run`` shows)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from zajecia_05_model.registry import Registry
from zajecia_08_deploy.deploy import SMOKE_FLIGHTS, Deployment, deploy, wait_for_version
from zajecia_08_deploy.traffic import ReplayResult, month_requests, replay


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
