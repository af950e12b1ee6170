import json

import pandas as pd
import pytest

from zajecia_06_monitoring.monitor import (
    MonthResult,
    alert,
    history,
    monitor_and_report,
    months_to_monitor,
    status_line,
)
from zajecia_06_monitoring.status import decide_status, load_thresholds

THRESHOLDS = load_thresholds()


def result(drifted=0, prediction_psi=0.0, auc=0.78, calibration=0.01, labels=True):
    drift = pd.DataFrame({"feature": [f"f{i}" for i in range(10)]})
    performance = {"roc_auc": auc, "calibration_error": calibration} if labels else None
    return MonthResult(
        month="2013-07",
        model_version="v0001",
        validation={"roc_auc": 0.79},
        drift=drift,
        prediction_psi=prediction_psi,
        performance=performance,
        drifted_features=[f"f{i}" for i in range(drifted)],
    )


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({}, "ok"),
        ({"drifted": 5}, "warning"),
        ({"prediction_psi": 0.4}, "warning"),
        ({"auc": 0.75}, "warning"),
        ({"calibration": 0.08}, "warning"),
        ({"auc": 0.72}, "alert"),
        ({"auc": 0.69 + 0.0}, "alert"),
        ({"drifted": 10, "prediction_psi": 2.0, "labels": False}, "warning"),
        ({"drifted": 9, "auc": 0.785}, "warning"),
        ({"auc": float("nan")}, "warning"),
    ],
)
def test_status_from_thresholds(kwargs, status):
    assert decide_status(result(**kwargs), THRESHOLDS)[0] == status


def test_small_drift_is_reported_without_changing_the_status():
    status, reasons = decide_status(result(drifted=2), THRESHOLDS)
    assert status == "ok"
    assert reasons[0].startswith("dryf danych: 2 z 10 cech z PSI > 0.25 (f0, f1) — poniżej progu")


def test_drift_alone_never_alerts_and_says_why():
    status, reasons = decide_status(result(drifted=10, prediction_psi=3.0), THRESHOLDS)
    assert status == "warning"
    assert any(reason.startswith("dryf danych: 10 z 10 cech") for reason in reasons)


def test_month_end_to_end(monitored):
    summary = monitor_and_report("2013-03", monitored)
    assert summary["model_version"] == "v0001" and summary["labels_available"]
    assert summary["performance"]["roc_auc"] > 0.7
    assert summary["status"] in {"ok", "warning"}
    folder = monitored / "monitoring" / "month=2013-03"
    assert json.loads((folder / "summary.json").read_text())["month"] == "2013-03"
    page = (folder / "report.html").read_text()
    assert "<h1>Monitoring modelu v0001 — 2013-03</h1>" in page
    assert page.count("data:image/png;base64,") == 3
    assert [m["month"] for m in history(monitored)] == ["2013-03"]
    assert status_line(summary).startswith("2013-03: ROC AUC ")


def test_broken_month_raises_an_alert(prepare_data, tmp_path):
    summary = monitor_and_report("2013-03", prepare_data(tmp_path, flip_march=True))
    assert summary["status"] == "alert"
    assert alert([summary])["months"] == ["2013-03"]


def test_unknown_outcomes_cannot_alert(prepare_data, tmp_path):
    summary = monitor_and_report(
        "2013-03", prepare_data(tmp_path, flip_march=True), labels_available=False
    )
    assert summary["status"] in {"ok", "warning"} and summary["performance"] is None
    assert alert([summary]) is None


def test_months_inside_the_training_window_are_skipped(monitored):
    class Event:
        def __init__(self, month):
            self.extra = {"month": month}

    assert months_to_monitor(None, [Event("2013-02"), Event("2013-03")], monitored) == ["2013-03"]
    assert months_to_monitor("2013-01", [], monitored) == []
