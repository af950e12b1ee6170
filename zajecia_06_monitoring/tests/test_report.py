import json

import numpy as np
import pandas as pd
import pytest

from kurs.months import MONTHS_2013
from kurs.testing.due import written_files
from zajecia_05_model.model_card import PUBLISHED as CARD_FOLDER
from zajecia_05_model.tests.committed import assert_kept_by_git, volatile_content
from zajecia_06_monitoring.drift import feature_drift
from zajecia_06_monitoring.monitor import MonthResult
from zajecia_06_monitoring.report import PUBLISHED, _with_current, publish, render
from zajecia_06_monitoring.status import STATUSES

QUALITY = {
    "roc_auc": 0.75,
    "pr_auc": 0.6,
    "brier": 0.17,
    "precision": 0.6,
    "recall": 0.55,
    "calibration_error": 0.02,
    "rows": 1000,
    "positive_rate": 0.3,
}


def month_result(month="2013-08", version="v0001") -> MonthResult:
    """A small monitored month: two numeric features, one of them shifted."""
    rng = np.random.default_rng(0)
    reference = pd.DataFrame({"temp": rng.normal(size=500), "wind_speed": rng.normal(size=500)})
    current = pd.DataFrame(
        {
            "temp": rng.normal(1.0, size=500),
            "wind_speed": rng.normal(size=500),
            "probability": rng.uniform(size=500),
        }
    )
    edges = [i / 10 for i in range(1, 10)]
    return MonthResult(
        month=month,
        model_version=version,
        validation={"roc_auc": 0.78, "pr_auc": 0.62, "brier": 0.16},
        drift=feature_drift(reference, current, ["temp", "wind_speed"], []),
        prediction_psi=0.01,
        performance=QUALITY,
        reference=reference,
        current=current,
        score_reference={"edges": edges, "shares": [0.1] * 10},
    )


def summary(month, version="v0001", auc=0.7, status="warning"):
    return {
        "month": month,
        "model_version": version,
        "status": status,
        "performance": {"roc_auc": auc},
    }


def test_earlier_months_of_this_model_in_calendar_order_with_the_fresh_entry():
    history = [
        summary("2013-08", status="ok"),  # this month, monitored before: replaced
        summary("2013-12"),  # a later month, left by an earlier run
        summary("2013-07", version="v0002"),  # another model
        summary("2013-07"),
    ]
    months = _with_current(history, month_result())
    assert [(m["month"], m["model_version"]) for m in months] == [
        ("2013-07", "v0001"),
        ("2013-08", "v0001"),
    ]
    assert months[1]["status"] == "ok" and months[1]["performance"] == QUALITY


def test_a_months_page_is_the_same_whatever_was_monitored_after_it():
    result = month_result()
    before = [summary("2013-07")]
    page = render(result, before)
    later = [*before, summary("2013-09", auc=0.6, status="alert"), summary("2013-10", "v0002")]
    assert render(result, later) == page
    assert volatile_content(page) == []
    assert page.count("data:image/png;base64,") == 3


def test_reports_are_copied_byte_for_byte(tmp_path):
    data = tmp_path / "data"
    folder = data / "monitoring" / "month=2013-07"
    folder.mkdir(parents=True)
    (folder / "report.html").write_bytes(b"<html>2013-07</html>\n")
    (folder / "summary.json").write_bytes(b'{"month": "2013-07"}\n')
    out = tmp_path / "raporty"
    assert publish(data, ["2013-07"], out) == [out / "2013-07.html", out / "2013-07.json"]
    assert (out / "2013-07.html").read_bytes() == (folder / "report.html").read_bytes()
    assert (out / "2013-07.json").read_bytes() == (folder / "summary.json").read_bytes()
    with pytest.raises(FileNotFoundError, match="flights_monitor --months 2013-08"):
        publish(data, ["2013-07", "2013-08"], tmp_path / "nothing")
    assert not (tmp_path / "nothing").exists()  # checked before anything is written


def test_committed_reports_of_the_months_after_training():
    """``raporty/`` is written by ``make run`` (step of this class) and committed: one page
    and one summary per month, for the model whose card class 05 committed."""
    months = MONTHS_2013[6:]
    expected = sorted(f"{month}{suffix}" for month in months for suffix in (".html", ".json"))
    assert sorted(p.name for p in written_files(PUBLISHED, "*")) == expected
    card = (CARD_FOLDER / "model_card.md").read_text(encoding="utf-8")
    for month in months:
        assert_kept_by_git(PUBLISHED / f"{month}.html")
        assert_kept_by_git(PUBLISHED / f"{month}.json")
        text = (PUBLISHED / f"{month}.json").read_text(encoding="utf-8")
        page = (PUBLISHED / f"{month}.html").read_text(encoding="utf-8")
        assert volatile_content(text) == [] and volatile_content(page) == []
        month_summary = json.loads(text)
        assert month_summary["month"] == month and month_summary["status"] in STATUSES
        version = month_summary["model_version"]
        assert f"<h1>Monitoring modelu {version} — {month}</h1>" in page
        assert card.startswith(f"# Karta modelu — flights_delay {version}\n")
