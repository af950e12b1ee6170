import json

import pandas as pd
import pytest

from kurs.testing.due import written
from zajecia_04_preprocessing.features import FEATURES, build_features
from zajecia_04_preprocessing.quality import DEFAULT_GATES, evaluate, load_gates, write_report


@pytest.fixture
def features(make_flights, make_weather, planes):
    rows = [
        {
            "flight": n,
            "minute": n % 60,
            "sched_dep_time": 800 + n % 60,
            "arr_delay": 30 * (n % 4 == 0),
        }
        for n in range(40)
    ]
    return build_features(make_flights(rows), make_weather([8]), planes)


GATES = {
    "min_rows": 10,
    "max_row_loss": 0.05,
    "max_null_rate": {
        "origin_late_share_3h": 1.0,
        "origin_late_share_day": 1.0,
        "carrier_late_share_3h": 1.0,
        "plane_prev_delay_known": 1.0,
        "plane_prev_late": 1.0,
    },
    "categories": {"origin": ["EWR", "JFK", "LGA"]},
    "ranges": {"dep_hour": [0, 23]},
    "target_rate": [0.05, 0.6],
}


def test_all_checks_pass(features):
    report = evaluate(features, "2013-01", 40, {"duplikat": 0}, GATES)
    assert report.passed, report.failures()
    names = [check.name for check in report.checks]
    assert names[:2] == ["liczba wierszy", "utrata wierszy"]
    assert "kategorie: origin" in names and "zakres: dep_hour" in names


@pytest.mark.parametrize(
    ("change", "failed"),
    [
        ({"min_rows": 100}, "liczba wierszy"),
        ({"max_row_loss": 0.0}, "utrata wierszy"),
        ({"max_null_rate": {}}, "braki: origin_late_share_3h"),
        ({"categories": {"origin": ["JFK"]}}, "kategorie: origin"),
        ({"ranges": {"dep_hour": [9, 23]}}, "zakres: dep_hour"),
        ({"target_rate": [0.5, 0.6]}, "odsetek lotów z problemem"),
    ],
)
def test_each_gate_can_fail(features, change, failed):
    report = evaluate(features, "2013-01", 41, {"duplikat": 1}, {**GATES, **change})
    assert not report.passed
    assert failed in [check.name for check in report.failures()]


def test_report_files(features, tmp_path):
    report = evaluate(features.assign(origin="WAW"), "2013-01", 40, {"duplikat": 0}, GATES)
    json_path, md_path = write_report(report, tmp_path)
    body = json.loads(json_path.read_text())
    assert body["status"] == "failed" and body["month"] == "2013-01"
    markdown = md_path.read_text()
    assert "❌ NIE przeszła" in markdown
    assert "| kategorie: origin | WAW | lista w progach | **BŁĄD** |" in markdown


def test_gates_file_of_the_class_and_a_broken_one(tmp_path, monkeypatch):
    gates = load_gates(written(DEFAULT_GATES))
    assert (gates.get("categories") or {}).get("origin") == ["EWR", "JFK", "LGA"]
    broken = tmp_path / "gates.yaml"
    broken.write_text("max_row_los: 0.1\n")
    monkeypatch.setenv("MLOPS_QUALITY_GATES", str(broken))
    with pytest.raises(ValueError, match="max_row_los"):
        load_gates()


def test_empty_month_fails_instead_of_dividing_by_zero():
    empty = pd.DataFrame({column: [] for column in ["origin", "dep_hour", "disrupted"]})
    gates = {"min_rows": 1, "max_row_loss": 0.01, "target_rate": [0.05, 0.6]}
    report = evaluate(empty.reindex(columns=[*FEATURES, "disrupted"]), "2013-01", 0, {}, gates)
    assert [check.name for check in report.failures()] == [
        "liczba wierszy",
        "utrata wierszy",
        "odsetek lotów z problemem",
    ]


def test_more_rows_out_than_in_fails_the_row_check(features):
    report = evaluate(features, "2013-01", len(features) - 1, {}, GATES)
    assert "utrata wierszy" in [check.name for check in report.failures()]
