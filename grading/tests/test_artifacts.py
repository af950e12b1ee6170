"""Tests of the committed-artifact checks: monitoring reports and quality-gate thresholds."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from grading.checks.artifacts import monitoring_reports, numeric_leaves, yaml_thresholds
from grading.checks.base import REGISTRY, Context
from grading.model import StudentError
from grading.repo_files import RepoFiles
from grading.tests.repos import ROOT, reference_params, write_files

REPORTS = {"folder": "raporty", "fields": ["status", "drift", "performance"],
           "statuses": ["ok", "warning", "alert"]}  # fmt: skip
HTML = "<html><body><h1>2013-07</h1><img src='data:image/png;base64,AAAA'></body></html>"
SUMMARY = json.dumps({"status": "ok", "drift": {"psi": 0.1}, "performance": {"roc_auc": 0.7}})


@pytest.mark.parametrize("check_id", ["06.raport", "04.progi"])
def test_reference_repository_scores_full(check_id):
    kind, params = reference_params(check_id)
    outcome = REGISTRY[kind].function(Context(RepoFiles(ROOT), project={}), params)
    assert outcome.score == 1, outcome.message


# monitoring_reports


def test_monitoring_reports_all_pairs_good(tmp_path):
    files = {f"raporty/2013-0{m}.{ext}": text for m in (7, 8)
             for ext, text in (("html", HTML), ("json", SUMMARY))}  # fmt: skip
    files["raporty/2013-08.html"] = "<svg viewBox='0 0 1 1'></svg>"
    files["raporty/nested/2013-09.json"] = "{"  # subfolders are not read
    outcome = monitoring_reports(write_files(tmp_path, files), REPORTS)
    assert outcome.score == 1
    assert "2 z 2" in outcome.message


def test_monitoring_reports_share_of_good_pairs(tmp_path):
    files = {
        "raporty/2013-07.html": HTML,
        "raporty/2013-07.json": SUMMARY,
        "raporty/2013-08.html": "<p>bez wykresu</p>",
        "raporty/2013-08.json": SUMMARY,
        "raporty/2013-09.json": json.dumps({"status": "bad", "drift": 1}),
        "raporty/2013-10.html": HTML,
    }
    outcome = monitoring_reports(write_files(tmp_path, files), REPORTS)
    assert outcome.score == Fraction(1, 4)
    assert "2013-08: 2013-08.html bez wykresu" in outcome.message
    assert "brak 2013-09.html" in outcome.message
    assert "2013-09.json bez pól performance" in outcome.message
    assert "status 'bad'" in outcome.message
    assert "2013-10: brak 2013-10.json" in outcome.message


def test_monitoring_reports_broken_json_is_a_bad_pair(tmp_path):
    files = {"raporty/2013-07.html": HTML, "raporty/2013-07.json": "{", "raporty/x.json": "[]"}
    outcome = monitoring_reports(write_files(tmp_path, files), REPORTS)
    assert outcome.score == 0
    assert "2013-07.json nie jest poprawnym JSON-em" in outcome.message
    assert "x.json nie jest obiektem JSON" in outcome.message


@pytest.mark.parametrize("files", [{}, {"raporty/README.md": "nic"}])
def test_monitoring_reports_none_found(tmp_path, files):
    outcome = monitoring_reports(write_files(tmp_path, files), REPORTS)
    assert outcome.score == 0
    assert "brak raportów monitoringu" in outcome.message
    assert "`<okres>.html` z wykresem" in outcome.message


# yaml_thresholds


@pytest.mark.parametrize(
    "text",
    ["min_rows: 5000\n", "gates:\n  nulls:\n    - {column: a, max: 0.05}\n", "a: {b: .inf}\n"],
)
def test_yaml_thresholds_found(tmp_path, text):
    outcome = yaml_thresholds(write_files(tmp_path, {"q.yaml": text}), {"file": "q.yaml"})
    assert outcome.score == 1


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("enabled: true\nname: '5'\n", "nie ma żadnego progu liczbowego"),
        ("- 1\n- 2\n", "nie jest słownikiem YAML (jest: lista)"),
        ("", "nie jest słownikiem YAML (jest: pusty plik)"),
    ],
)
def test_yaml_thresholds_missing(tmp_path, text, shown):
    outcome = yaml_thresholds(write_files(tmp_path, {"q.yaml": text}), {"file": "q.yaml"})
    assert outcome.score == 0
    assert shown in outcome.message


def test_yaml_thresholds_not_yaml(tmp_path):
    with pytest.raises(StudentError, match="nie jest poprawnym YAML-em"):
        yaml_thresholds(write_files(tmp_path, {"q.yaml": "a: [1\n"}), {"file": "q.yaml"})


def test_yaml_thresholds_refuses_python_tags(tmp_path):
    text = "a: !!python/object/apply:os.system ['true']\n"
    with pytest.raises(StudentError, match="nie jest poprawnym YAML-em"):
        yaml_thresholds(write_files(tmp_path, {"q.yaml": text}), {"file": "q.yaml"})


def test_numeric_leaves_paths():
    data = {"a": [1, {"b": 2.5}], "c": True}
    assert list(numeric_leaves(data)) == [("a[0]", 1), ("a[1].b", 2.5)]


def test_numeric_leaves_of_deep_data_do_not_recurse():
    data: object = 7
    for _ in range(5_000):
        data = {"a": [data]}
    path, value = next(numeric_leaves(data))
    assert value == 7
    assert path.startswith("a[0].a[0].")


def test_numeric_leaves_walk_shared_and_self_holding_values_once():
    shared = [1]
    data: dict = {"x": shared, "y": shared}
    data["z"] = data
    assert list(numeric_leaves(data)) == [("x[0]", 1)]


def test_yaml_thresholds_deeply_nested_file(tmp_path):
    text = "a: " + "[" * 200 + "0.5" + "]" * 200 + "\n"
    outcome = yaml_thresholds(write_files(tmp_path, {"q.yaml": text}), {"file": "q.yaml"})
    assert outcome.score == 1
    assert "a[0][0][0]" in outcome.message
    assert len(outcome.message) < 200


@pytest.mark.parametrize(
    ("status", "said"),
    [(None, "status null zamiast"), ([1, 2], "status lista (2 elem.) zamiast")],
)
def test_report_status_is_shown_as_json_writes_it(tmp_path, status, said):
    files = {
        "raporty/2013-07.html": HTML,
        "raporty/2013-07.json": json.dumps({"status": status, "drift": 1, "performance": 1}),
    }
    outcome = monitoring_reports(write_files(tmp_path, files), REPORTS)
    assert outcome.score == 0
    assert said in outcome.message
