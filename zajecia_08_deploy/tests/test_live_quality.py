"""Live quality on a real SQLite prediction log and a real feature partition."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier

from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_04_preprocessing.features import TARGET
from zajecia_05_model.registry import Registry
from zajecia_05_model.tests.synthetic import model_metadata, synthetic_month
from zajecia_07_docker.events import PredictionEvent
from zajecia_08_deploy.flight_ids import flight_ids, flight_month
from zajecia_08_deploy.live_quality import NoPredictionsError, live_quality, report_folder
from zajecia_08_deploy.prediction_log import PredictionLog

MONTH = "2013-03"
THRESHOLD = 0.5
VALIDATION = {"roc_auc": 0.8, "pr_auc": 0.6, "brier": 0.15, "precision": 0.4, "recall": 0.7}


@pytest.fixture
def month_flights(tmp_path):
    """20 synthetic flights of March with both outcomes, written as the month's features."""
    frame = synthetic_month(MONTH, rows=20, seed=3)
    assert 0 < frame[TARGET].sum() < len(frame)
    features_partition(tmp_path, MONTH).write(frame, {})
    return frame


@pytest.fixture
def registry(tmp_path):
    """Version v0001 in the registry with known validation metrics."""
    metadata = model_metadata(VALIDATION, threshold=THRESHOLD)
    Registry(tmp_path).register(DummyClassifier(), metadata)
    return Registry(tmp_path)


@pytest.fixture
def log(tmp_path):
    return PredictionLog(tmp_path / "log" / "predictions.sqlite3")


def send(log, version, ids, probabilities, latencies_ms=None, prefix="r"):
    """One single-flight request per id, as the API logs them."""
    latencies_ms = latencies_ms or [10.0] * len(ids)
    for number, (flight_id, p, latency) in enumerate(
        zip(ids, probabilities, latencies_ms, strict=True)
    ):
        log.append(
            PredictionEvent(
                f"{prefix}-{version}-{number}",
                version,
                [{"flight_id": flight_id, "distance": 1000}],
                [float(p)],
                [p >= THRESHOLD],
                THRESHOLD,
                latency / 1000,
            )
        )


def perfect(frame):
    return np.where(frame[TARGET] == 1, 0.8, 0.2)


def inverted(frame):
    return np.where(frame[TARGET] == 1, 0.2, 0.8)


def by_version(summary):
    return {quality["model_version"]: quality for quality in summary["versions"]}


def test_flight_month_is_the_new_york_month_of_the_departure():
    ids = [
        "UA1545-EWR-2013-03-01T10:15Z",
        "B6100-JFK-2013-04-01T02:00Z",  # 22:00 on 31 March in New York
        "B6100-JFK-2013-03-01T04:00Z",  # 23:00 on 28 February
        "moj-wlasny-identyfikator",
        None,
    ]
    months = flight_month(pd.Series(ids, dtype="object"))
    assert months.tolist()[:3] == ["2013-03", "2013-03", "2013-02"]
    assert months.iloc[3:].isna().all()


def test_perfect_and_inverted_versions(tmp_path, month_flights, registry, log):
    ids = flight_ids(month_flights).tolist()
    latencies = [10.0 * (i + 1) for i in range(len(ids))]  # 10 … 200 ms
    send(log, "v0001", ids, perfect(month_flights), latencies)
    send(log, "v0002", ids, inverted(month_flights))

    summary = live_quality(MONTH, tmp_path, log.path)

    assert summary["predictions"] == 40 and summary["flights_in_month"] == 20
    assert summary["coverage"] == 1.0 and summary["outcomes_known"] is True
    good, bad = by_version(summary)["v0001"], by_version(summary)["v0002"]
    actual = float(month_flights[TARGET].mean())
    assert good["joined"] == 20 and good["pending"] == 0 and good["not_found"] == 0
    assert good["metrics"]["roc_auc"] == 1.0 and good["metrics"]["pr_auc"] == 1.0
    assert good["metrics"]["brier"] == pytest.approx(0.04)
    assert good["metrics"]["precision"] == 1.0 and good["metrics"]["recall"] == 1.0
    assert good["metrics"]["flagged_share"] == pytest.approx(actual)
    assert good["metrics"]["positive_rate"] == pytest.approx(actual)
    assert good["latency_ms"] == {"p50": pytest.approx(105.0), "p95": pytest.approx(190.5)}
    assert good["validation"]["roc_auc"] == 0.8
    assert good["auc_drop"] == pytest.approx(-0.2)  # better than at validation
    assert good["notes"] == []
    assert bad["metrics"]["roc_auc"] == 0.0 and bad["metrics"]["recall"] == 0.0
    assert bad["metrics"]["brier"] == pytest.approx(0.64)
    assert bad["metrics"]["flagged_share"] == pytest.approx(1 - actual)
    assert bad["validation"] is None and bad["auc_drop"] is None
    assert "nie ma w rejestrze" in bad["notes"][0]


def test_batch_latency_counts_once_per_request(tmp_path, month_flights, registry, log):
    ids = flight_ids(month_flights).tolist()
    probabilities = perfect(month_flights).tolist()
    log.append(
        PredictionEvent(
            "batch",
            "v0001",
            [{"flight_id": flight_id} for flight_id in ids[:19]],
            probabilities[:19],
            [p >= THRESHOLD for p in probabilities[:19]],
            THRESHOLD,
            0.5,
        )
    )
    send(log, "v0001", ids[19:], probabilities[19:], [100.0])

    quality = by_version(live_quality(MONTH, tmp_path, log.path))["v0001"]

    assert quality["predictions"] == 20 and quality["joined"] == 20
    assert quality["latency_ms"]["p50"] == pytest.approx(300.0)  # median of 500 and 100 ms


def test_duplicates_the_last_prediction_per_flight_and_version_counts(
    tmp_path, month_flights, registry, log
):
    ids = flight_ids(month_flights).tolist()
    send(log, "v0001", ids, perfect(month_flights), prefix="first")
    send(log, "v0001", ids, inverted(month_flights), prefix="replay")

    quality = by_version(live_quality(MONTH, tmp_path, log.path))["v0001"]

    assert quality["predictions"] == 40 and quality["duplicates"] == 20
    assert quality["joined"] == 20
    assert quality["metrics"]["roc_auc"] == 0.0  # the replay's answers, logged last
    assert "20 powtórzonych predykcji" in quality["notes"][0]


def test_unknown_flights_are_counted_and_other_months_ignored(
    tmp_path, month_flights, registry, log
):
    ids = flight_ids(month_flights).tolist()
    send(log, "v0001", ids, perfect(month_flights))
    send(
        log,
        "v0001",
        [
            "ZZ9999-JFK-2013-03-05T10:00Z",  # March, but no such flight
            "ZZ9999-JFK-2013-04-01T02:00Z",  # 31 March in New York: no such flight either
            "AA1-JFK-2013-04-15T10:00Z",  # April: another month's report
            "formularz",  # no departure in the id: no month
        ],
        [0.9, 0.9, 0.9, 0.9],
        prefix="extra",
    )

    summary = live_quality(MONTH, tmp_path, log.path)

    quality = by_version(summary)["v0001"]
    assert summary["predictions"] == 22
    assert quality["joined"] == 20 and quality["not_found"] == 2 and quality["pending"] == 0
    assert quality["metrics"]["roc_auc"] == 1.0
    assert "2 predykcji dotyczy lotów spoza danych miesiąca" in quality["notes"]


def test_pending_while_the_months_outcomes_are_unknown(tmp_path, registry, log):
    april = synthetic_month("2013-04", rows=5)  # features never written: outcomes unknown
    send(log, "v0001", flight_ids(april).tolist(), [0.3] * 5)

    summary = live_quality("2013-04", tmp_path, log.path)

    assert summary["outcomes_known"] is False
    assert summary["flights_in_month"] is None and summary["coverage"] is None
    quality = by_version(summary)["v0001"]
    assert quality["pending"] == 5 and quality["joined"] == 0
    assert quality["metrics"] is None and quality["auc_drop"] is None
    assert "wyniki lotów jeszcze nieznane" in quality["notes"][0]
    page = (report_folder(tmp_path, "2013-04") / "report.html").read_text(encoding="utf-8")
    assert "nie są jeszcze znane" in page


def test_single_class_version_gets_null_auc_with_a_note(tmp_path, month_flights, registry, log):
    on_time = month_flights[month_flights[TARGET] == 0]
    send(log, "v0001", flight_ids(on_time).tolist(), [0.1] * len(on_time))

    quality = by_version(live_quality(MONTH, tmp_path, log.path))["v0001"]

    assert quality["metrics"]["roc_auc"] is None and quality["metrics"]["pr_auc"] is None
    assert quality["metrics"]["brier"] == pytest.approx(0.01)
    assert quality["auc_drop"] is None
    assert any("jednej klasy" in note for note in quality["notes"])


def test_month_without_predictions_is_an_error(tmp_path, month_flights, log):
    with pytest.raises(NoPredictionsError, match="nie ma predykcji lotów z miesiąca 2013-03"):
        live_quality(MONTH, tmp_path, log.path)  # no log file at all
    send(log, "v0001", ["AA1-JFK-2013-04-15T10:00Z", "formularz"], [0.5, 0.5])
    with pytest.raises(NoPredictionsError, match=r"w logu: 2, w tym bez flight_id.*: 1"):
        live_quality(MONTH, tmp_path, log.path)
    assert not report_folder(tmp_path, MONTH).exists()


def test_report_files_are_written_and_a_rerun_is_identical(tmp_path, month_flights, registry, log):
    send(log, "v0001", flight_ids(month_flights).tolist(), perfect(month_flights))

    summary = live_quality(MONTH, tmp_path, log.path)

    folder = report_folder(tmp_path, MONTH)
    saved = {name: (folder / name).read_bytes() for name in ("report.json", "report.html")}
    assert json.loads(saved["report.json"]) == summary
    assert json.loads(json.dumps(summary, allow_nan=False)) == summary  # JSON-ready
    page = saved["report.html"].decode()
    assert '<html lang="pl">' in page and "Wersja v0001" in page
    assert "ROC AUC" in page and "1,000" in page and "0,800" in page  # Polish decimals
    assert "http" not in page and "<script" not in page and "<link" not in page
    live_quality(MONTH, tmp_path, log.path)
    assert {name: (folder / name).read_bytes() for name in saved} == saved
    assert sorted(path.name for path in folder.iterdir()) == ["report.html", "report.json"]
