"""Class 08 in ``make run``: a candidate deployed during a month of traffic, live quality,
the production metrics, and a rollback to where the run started."""

from __future__ import annotations

import json
from pathlib import Path

from kurs.backfill import run_backfill
from kurs.runner import RunContext
from zajecia_05_model.registry import Registry
from zajecia_08_deploy.deploy import wait_for_version
from zajecia_08_deploy.live_quality import report_folder, report_path, summary_lines
from zajecia_08_deploy.metrics import metric_lines
from zajecia_08_deploy.prediction_log import archive, log_path
from zajecia_08_deploy.production import replay_with_deployment
from zajecia_08_deploy.service import production_server

TITLE = "Wdrożenie i produkcja"
ACTION = "kandydat 2013-02…2013-07, ruch 2013-08, promocja, jakość, rollback"
# The deployment starts after DEPLOY_AFTER requests of the month, and the traffic ends
# AFTER_SWITCH requests after the API switched: both versions answer thousands of flights,
# in about 15 s instead of the whole month's 45 s, and on a slow machine the traffic lasts
# as long as the deployment does (`python -m zajecia_08_deploy replay` sends any number).
DEPLOY_AFTER = 1000
AFTER_SWITCH = 2000
# Read from the data folder: features (class 04) and the model registry (class 05).
NEEDS = {"features/flights": 4, "registry": 5}


def run(
    context: RunContext,
    window: tuple[str, str] = ("2013-02", "2013-07"),
    month: str = "2013-08",
    limit: int | None = None,
    min_auc_gain: float | None = None,
    deploy_after: int = DEPLOY_AFTER,
    after_switch: int | None = AFTER_SWITCH,
) -> list[Path]:
    """Train a candidate on ``window``, deploy it during ``month``'s traffic, roll back.

    ``min_auc_gain`` overrides the quality gate's margin for the candidate (None: the
    default of class 05); ``limit``, ``deploy_after`` and ``after_switch`` shape the
    traffic (:func:`~zajecia_08_deploy.production.replay_with_deployment`).

    Raises:
        RuntimeError: the candidate was not deployed, a request failed, or the rollback
            did not reach the running API.
    """
    report, folder = context.report, context.data_dir
    start, end = window
    conf = {"train_start": start, "train_end": end, "min_auc_gain": min_auc_gain}
    registry = Registry(folder)
    serving = registry.resolve("production")
    try:
        return _deploy_and_roll_back(context, conf, month, limit, deploy_after, after_switch)
    finally:
        # Also after a failure or Ctrl+C: the next run must start from the same model.
        if registry.resolve("production") != serving:
            registry.promote(serving)
            report(f"production → {serving}, jak na początku kroku")


def _deploy_and_roll_back(
    context: RunContext,
    conf: dict,
    month: str,
    limit: int | None,
    deploy_after: int,
    after_switch: int | None,
) -> list[Path]:
    report, folder = context.report, context.data_dir
    run_backfill("flights_train", (conf["train_end"],), folder, report, conf)
    registry = Registry(folder)
    candidate = registry.resolve("staging")
    # This run's traffic gets a log of its own: live quality measures it, not earlier runs'.
    archive(folder)
    with production_server(folder) as server:
        _, ready = server.call("GET", "/ready")
        report(
            f"API produkcyjne (2 workery) serwuje {ready['model_version']}; kandydat {candidate}"
        )
        result, deployment = replay_with_deployment(
            server.base_url, folder, candidate, month, limit, report, deploy_after, after_switch
        )
        run_backfill("flights_live_quality", (month,), folder, report)
        report_json = report_path(folder, month)
        for line in summary_lines(json.loads(report_json.read_text(encoding="utf-8"))):
            report(line)
        for line in metric_lines(server.call("GET", "/metrics")[1]):
            report(line)
        if not deployment.promoted:
            raise RuntimeError(f"kandydat {candidate} nie został wdrożony — kontrole wyżej")
        # Back to the version of this run's start: the next `make run` starts the same way.
        previous = registry.rollback()
        switched = wait_for_version(server.base_url, previous)
        report(
            f"rollback: production → {previous}; API przełączone: {'tak' if switched else 'NIE'}"
        )
    if result.ok != result.sent or not switched:
        raise RuntimeError("ruch albo rollback nie powiodły się — szczegóły wyżej")
    return [report_folder(folder, month) / "report.html", log_path(folder)]
