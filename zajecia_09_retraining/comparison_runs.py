"""A retraining decision in MLflow: champion and challenger as runs to compare side by side.

Each decided month is one run in the experiment ``flights_retrain``, named
``2013-10: v0001 vs v0003``: the settings as parameters, the paired ROC AUC difference
with its interval as metrics, the trigger (the monitoring status and its reasons), the
decision and its reason as tags. Under it, two nested
runs — ``champion v0001`` and ``challenger v0003`` — hold the same metrics of the same
flights of month M (``evaluation_roc_auc``…), so the UI's "Compare" puts them in one
table. The decision links both models' training runs (class 05's :mod:`tracking`, found
through the registry's metadata): ``champion_training_run`` and
``challenger_training_run``; the challenger's training run gets the decision back.

The audit record (:mod:`audit`) stays the decision's source of truth; this is its view
for comparing. Like training, a decision never fails because MLflow does.
"""

from __future__ import annotations

from pathlib import Path

from zajecia_05_model.registry import Registry
from zajecia_05_model.tracking import tracked_run_id
from zajecia_05_model.tracking_store import Tracker
from zajecia_09_retraining.audit import verdict

EXPERIMENT = "flights_retrain"
ROLES = ("champion", "challenger")


def training_runs(registry: Registry, record: dict) -> dict[str, str | None]:
    """``champion``/``challenger`` -> the MLflow run that trained that version (``None``
    for a version trained without tracking)."""
    return {role: tracked_run_id(registry.metadata(record[role]["version"])) for role in ROLES}


def log_decision(data_dir: Path, record: dict) -> str | None:
    """Log a decided month (an audit record); return the decision's run id, or ``None``
    when MLflow is unavailable."""
    tracker = Tracker(data_dir)
    linked = training_runs(Registry(data_dir), record)
    evaluation = record["evaluation"]
    parent = tracker.start_run(
        EXPERIMENT,
        f"{record['month']}: {record['champion']['version']} vs {record['challenger']['version']}",
        {
            "trigger": record["trigger"]["source"],
            "monitoring_status": record["trigger"]["status"] or "—",
            "monitoring_reasons": "; ".join(record["trigger"]["reasons"]) or "—",
            "gate_passed": str(record["gate"]["passed"]).lower(),
        }
        | {f"{role}_training_run": run for role, run in linked.items() if run},
    )
    tracker.log(
        parent,
        # An unset setting (None: class 05's default) is left out rather than logged "None".
        params={key: value for key, value in record["settings"].items() if value is not None}
        | {"month": record["month"]},
        metrics={
            "auc_difference": evaluation["difference"],
            "auc_difference_low": evaluation["low"],
            "auc_difference_high": evaluation["high"],
            "auc_difference_standard_error": evaluation["standard_error"],
            "flights": evaluation["flights"],
        },
    )
    for role in ROLES:
        model = record[role]
        child = tracker.start_run(
            EXPERIMENT,
            f"{role} {model['version']}",
            {"role": role, "model_version": model["version"]}
            | ({"training_run": linked[role]} if linked[role] else {}),
            parent=parent,
        )
        tracker.log(
            child,
            params={
                "version": model["version"],
                "train_start": model["window"][0],
                "train_end": model["window"][-1],
                "evaluated_on": record["month"],
            },
            metrics={f"evaluation_{key}": value for key, value in model["metrics"].items()}
            | {"validation_roc_auc": model["validation_auc"], "threshold": model["threshold"]},
        )
        tracker.end_run(child)
    log_outcome(data_dir, record, parent, tracker)
    tracker.end_run(parent)
    return parent


def log_outcome(
    data_dir: Path, record: dict, run_id: str | None, tracker: Tracker | None = None
) -> None:
    """The decision as it stands (``decision``, ``reason``, ``deployment``,
    ``production``) on the decision's run, and on the challenger's training run."""
    if run_id is None:
        return
    tracker = tracker or Tracker(data_dir)
    outcome = {
        "decision": verdict(record),
        "reason": record["decision"]["reason"],
        "deployment": record["deployment"]["status"],
        "production": record["production"],
    }
    tracker.log(run_id, tags=outcome)
    challenger_run = training_runs(Registry(data_dir), record)["challenger"]
    tracker.log(
        challenger_run,
        tags={"decision": f"{outcome['decision']}: {outcome['reason']}", "decision_run": run_id},
    )
