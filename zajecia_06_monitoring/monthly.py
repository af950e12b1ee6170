"""What ``flights_monitor`` runs: which months to watch, one month end to end, the alert."""

from __future__ import annotations

from pathlib import Path

from zajecia_01_planowanie.polish import decimal
from zajecia_04_preprocessing.preprocess import months_to_process
from zajecia_05_model.registry import Registry
from zajecia_06_monitoring.monitor import history, json_ready, monitor_month, write_summary
from zajecia_06_monitoring.report import write_report


def months_to_monitor(month: str | None, events: list, data_dir: Path) -> list[str]:
    """The month param or the feature months in the events, after the model's window.

    Months inside the production model's training window are its training data, not new
    data, so they are left out.
    """
    window = Registry(data_dir).metadata(Registry(data_dir).resolve("production"))["train_months"]
    return [m for m in months_to_process(month, events) if m > window[-1]]


def monitor_and_report(month: str, data_dir: Path, labels_available: bool = True) -> dict:
    """Monitor ``month``, write ``summary.json`` and ``report.html``; return the summary."""
    result = monitor_month(month, data_dir, labels_available=labels_available)
    write_summary(result, data_dir)
    write_report(result, data_dir, history(data_dir))
    return json_ready(result.summary())


def alert(summaries: list[dict]) -> dict | None:
    """The asset event's ``extra`` when any month is in alert, else ``None``."""
    alerts = [s for s in summaries if s["status"] == "alert"]
    if not alerts:
        return None
    return {
        "months": [s["month"] for s in alerts],
        "model_version": alerts[0]["model_version"],
        "reasons": [reason for s in alerts for reason in s["reasons"]],
    }


def status_line(summary: dict) -> str:
    """``2013-07: ROC AUC 0,784 (walidacja 0,788) — warning``, for ``make run``."""
    quality = summary["performance"]
    auc = f"ROC AUC {decimal(quality['roc_auc'], 3)}" if quality else "wyniki nieznane"
    validation = decimal(summary["validation"]["roc_auc"], 3)
    return f"{summary['month']}: {auc} (walidacja {validation}) — {summary['status']}"
