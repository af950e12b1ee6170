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
    deploy_after: int | None = None,
    after_switch: int | None = None,
) -> tuple[ReplayResult, Deployment]:
    """Replay the month's flights (the first ``limit`` in timetable order, or all) and
    deploy ``candidate`` once ``deploy_after`` of them are sent (default: a third).

    With ``after_switch``, the traffic ends once the API has switched to the candidate and
    ``after_switch`` more requests were sent — both versions answer part of it, however
    long the deployment takes on this machine; without a switch it runs to the end.
    """
    bodies = month_requests(data_dir, month, limit)
    deploy_at = len(bodies) // 3 if deploy_after is None else deploy_after
    ready, stop = threading.Event(), threading.Event()
    progress = {"sent": 0, "switched_at": None}
    outcome: dict[str, ReplayResult] = {}

    def on_sent(sent: int) -> None:
        progress["sent"] = max(progress["sent"], sent)
        if sent >= deploy_at:
            ready.set()
        switched_at = progress["switched_at"]
        if None not in (after_switch, switched_at) and sent >= switched_at + after_switch:
            stop.set()

    def traffic() -> None:
        outcome["result"] = replay(base_url, bodies, on_sent=on_sent, stop=stop)
        ready.set()  # a replay that ended early must not leave the deployment waiting

    sender = threading.Thread(target=traffic, name="replay")
    sender.start()
    try:
        ready.wait()
        deployment = deploy(Registry(data_dir), candidate, data_dir, bodies[:SMOKE_FLIGHTS], report)
        if deployment.promoted and wait_for_version(base_url, candidate):
            progress["switched_at"] = progress["sent"]
            when = "w trakcie ruchu" if sender.is_alive() else "po końcu ruchu"
            report(f"API przełączone na {candidate} {when} (wszystkie workery)")
    except BaseException:  # Ctrl+C, a failed deployment: the traffic stops with it
        stop.set()
        sender.join()
        raise
    sender.join()
    report(outcome["result"].summary())
    return outcome["result"], deployment
