"""The final report's numbers against the runs (``report_numbers``): how a number, a status
and a version are found in the report, and the check on small student repositories whose
report matches the registry and the monitoring run, or is stale."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import replace

import pytest

from grading.checks.run_report import (
    metric_line,
    metric_values,
    monitoring_summaries,
    report_numbers,
    status_line,
    version_line,
)
from grading.checks.running import digest, file_clock, touched, written
from grading.model import NotRunnable, StudentError
from grading.runs import StageResult
from grading.tests.student_registry import COMMANDS

# Rows of the reference's final report (zajecia_10_prezentacja/raport_koncowy.md).
REFERENCE = """\
| 2013-07 | 29 425 | 0 | 29 425 | 34,8% | ok |
Model produkcyjny **v0001** (hist_gradient_boosting), uczony na
| 2013-07 | v0001 | ok | 0,780 | 0,782 | 7 z 34 | 0,07 |
| 2013-08 | v0001 | warning | 0,748 | 0,782 | 6 z 34 | 0,04 |
""".splitlines()
AUC = 0.7796575888653643


def test_the_reference_report_shows_its_version_auc_and_status():
    assert version_line(REFERENCE, "v0001") == 2
    assert metric_line(REFERENCE, "2013-07", [AUC]) == 3
    assert status_line(REFERENCE, "2013-07", "ok", 3) == 3
    # Without the metric's line the quality gate's ok of the data table counts.
    assert status_line(REFERENCE, "2013-07", "ok") == 1
    assert status_line(REFERENCE, "2013-07", "alert", 3) is None
    assert metric_line(REFERENCE, "2013-08", [AUC]) is None
    assert status_line(REFERENCE, "2013-08", "ok") is None


@pytest.mark.parametrize(
    "written",
    ["0,780", "0.780", "0,78", "0.78", "0,7797", "0,77966", "**0,780**", "(0,78)", "0,780."],
)
def test_a_metric_rounded_to_2_or_more_decimals_with_comma_or_dot_is_found(written):
    assert metric_line([f"| 2013-07 | {written} |"], "2013-07", [AUC]) == 1


@pytest.mark.parametrize(
    "written",
    ["0,781", "0,779", "0,79", "0,8", "1", "78,0%", "0,7801", "10,780", "0,7807"],
)
def test_another_number_or_too_few_decimals_is_not_the_metric(written):
    assert metric_line([f"2013-07: ROC AUC {written}"], "2013-07", [AUC]) is None


def test_a_shorter_number_is_not_a_prefix_of_a_longer_one():
    assert metric_line(["2013-07: 0,781"], "2013-07", [0.78]) is None
    assert metric_line(["2013-07: 0,78"], "2013-07", [0.781]) == 1  # 0,781 rounded


def test_the_metric_counts_only_on_a_line_naming_the_period():
    lines = ["Monitoring 2013-07:", "ROC AUC 0,780", "| 2013-071 | 0,780 |", "| 2013-06 | 0,780 |"]
    assert metric_line(lines, "2013-07", [AUC]) is None
    assert metric_line(["| 2013-07-01 | 0,780 |"], "2013-07-01", [AUC]) == 1


def test_a_line_listing_every_number_does_not_count():
    every = " ".join(f"0,{n:02d}" for n in range(100))
    assert metric_line([f"2013-07: {every}"], "2013-07", [AUC]) is None
    assert status_line(["2013-07 ok warning alert"], "2013-07", "ok") is None
    assert status_line(["2013-07: status ok / alert"], "2013-07", "alert") is None


def test_every_number_or_status_spread_over_the_periods_lines_does_not_count():
    rows = [" ".join(f"0,{n:02d}" for n in range(start, start + 12)) for start in range(0, 96, 12)]
    assert metric_line([f"2013-07: {row}" for row in rows], "2013-07", [AUC]) is None
    each = ["| 2013-07 | ok |", "| 2013-07 | warning |", "| 2013-07 | alert |"]
    assert [status_line(each, "2013-07", status) for status in ("ok", "alert")] == [None, None]


def test_numbers_nested_deeper_than_the_recursion_limit_are_found():
    deep: dict = {"roc_auc": AUC}
    for _ in range(5000):
        deep = {"x": [deep]}
    assert metric_values([deep]) == [AUC]


def test_the_status_on_the_metric_line_decides_when_it_has_one():
    lines = ["| 2013-07 | jakość danych: ok |", "| 2013-07 | alert | 0,780 |", "2013-07: ok"]
    assert status_line(lines, "2013-07", "ok", 2) is None
    assert status_line(lines, "2013-07", "alert", 2) == 2
    assert status_line(["| 2013-07 | 0,780 |", "Status 2013-07: ok"], "2013-07", "ok", 1) == 2


def test_a_status_is_a_whole_word_of_the_period_line_in_any_case():
    assert status_line(["| 2013-07 | **OK** |"], "2013-07", "ok") == 1
    assert status_line(["| 2013-07 | book | broken |"], "2013-07", "ok") is None
    assert status_line(["Status: alert", "2013-07: ok"], "2013-07", "alert") is None


def test_a_version_is_a_whole_name_and_a_bare_number_needs_v_or_wersja():
    assert version_line(["wersje v10 i v11"], "v1") is None
    assert version_line(["model `v1`."], "v1") == 1
    assert version_line(["próg 3, 30 lotów, model 3"], "3") is None
    assert version_line(["Wersja 3 w produkcji"], "3") == 1
    assert version_line(["model v3"], "3") == 1


def test_roc_auc_is_the_metric_else_every_non_integer_number():
    entry = {"model": {"ROC-AUC": 0.78, "brier": 0.17}, "rows": 29425}
    assert metric_values([entry]) == [0.78]
    assert metric_values([{"mae": 12.5, "rmse": 20.25, "rows": 310}]) == [12.5, 20.25]
    assert metric_values([0.5]) == [0.5]


def test_the_monitoring_json_is_one_the_stage_wrote_naming_the_period(tmp_path):
    files = {
        "data/monitoring/2013-07.json": {"status": "ok", "performance": {"roc_auc": 0.78}},
        "data/monitoring/index.json": {"status": "alert", "performance": {}},
        "data/monitoring/manifest.json": {"rows": 3},
        "data/monitoring/broken.json": "{",
    }
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(data if isinstance(data, str) else json.dumps(data))
    found = monitoring_summaries(tmp_path, sorted(files), "2013-07")
    assert [name for name, _ in found] == ["data/monitoring/2013-07.json"]
    assert [n for n, _ in monitoring_summaries(tmp_path, sorted(files), "2013-08")] == [
        "data/monitoring/2013-07.json",
        "data/monitoring/index.json",
    ]


def test_a_file_written_again_with_the_same_bytes_is_touched_and_a_copied_one_is_not(tmp_path):
    source = tmp_path / "source"
    (source / "raporty").mkdir(parents=True)
    for name in ("a.json", "b.json"):
        (source / "raporty" / name).write_text("{}")
    time.sleep(0.05)  # the copy keeps the originals' times, older than the run's start
    repo = tmp_path / "copy"
    shutil.copytree(source, repo)
    started, before = file_clock(tmp_path), digest(repo)
    (repo / "raporty" / "a.json").write_text("{}")
    (repo / "nowy.json").write_text("[]")
    assert written(before, digest(repo)) == ["nowy.json"]
    assert touched(repo, started) == ["nowy.json", "raporty/a.json"]


# The check on a student repository: a registry (grading/tests/student_registry.py) whose
# production version v1 has metrics for 2013-02, and a monitoring stage that wrote a JSON.
METRICS = {"validation": {"roc_auc": 0.7}, "per_period": {"2013-02": {"roc_auc": 0.78012}}}
SUMMARY = "data/monitoring/month=2013-02/summary.json"
RAPORT = "raporty/2013-02.json"
REPORT = """\
# Raport końcowy

Model produkcyjny v1.

| Okres | Status | ROC AUC |
|---|---|---:|
| 2013-02 | {status} | {auc} |
"""


def monitored(
    trained, report: str, status: str = "ok", metrics=METRICS, summary=SUMMARY, **options
):
    """A session after the training stage and a monitoring stage that wrote its summary
    to ``summary`` — its files recorded as the monitoring DAG's run (``dag_run``) records
    them; the check's context and parameters. The repository commits
    ``raporty/2013-02.json`` with status ok."""
    committed = json.dumps({"status": "ok", "performance": {"roc_auc": 0.7}})
    files = {"raport.md": report, "raporty/2013-02.json": committed}
    context, params = trained(metrics=metrics, files=files, **options)
    run = context.run
    work = run.folder("run-monitor_dag")
    repo = run.copy(work, run.stages["train"].state)
    started, before = file_clock(work), digest(repo)
    (repo / summary).parent.mkdir(parents=True, exist_ok=True)
    (repo / summary).write_text(json.dumps({"status": status, "performance": {"roc_auc": 0.7}}))
    files = sorted({*written(before, digest(repo)), *touched(repo, started)})
    run.stages["monitor"] = StageResult("monitor_dag", repo, written=tuple(files))
    dags = {"train": {"id": "train_dag"}, "monitor": {"id": "monitor_dag"}}
    return replace(context, project={"dags": dags}), {**params, "report": "raport.md"}


@pytest.mark.slow
def test_a_report_made_from_the_artifacts_gets_every_point(trained):
    context, params = monitored(trained, REPORT.format(status="ok", auc="0,780"))
    outcome = report_numbers(context, params)
    assert outcome.score == 1, outcome.message
    assert "wersja produkcyjna v1 (wiersz 3)" in outcome.message
    assert "status monitoringu 2013-02 ok (wiersz 7)" in outcome.message
    # A monitoring run that writes the committed summary again, with the same bytes.
    context, params = monitored(trained, REPORT.format(status="ok", auc="0,780"), summary=RAPORT)
    outcome = report_numbers(context, params)
    assert outcome.score == 1, outcome.message


@pytest.mark.slow
def test_a_stale_report_loses_the_parts_that_changed(trained):
    context, params = monitored(trained, REPORT.format(status="ok", auc="0,74"), status="alert")
    outcome = report_numbers(context, params)
    assert outcome.score == pytest.approx(1 / 3)
    assert "nie ma metryki z rejestru (metrics wersji v1 dla 2013-02): 0,7801" in outcome.message
    assert "nie ma statusu monitoringu alert (z data/monitoring/month=2013-02/" in outcome.message
    # Without the period in the registry, the monitoring run's performance is the metric.
    context, params = monitored(trained, REPORT.format(status="ok", auc="0,70"), metrics={})
    outcome = report_numbers(context, params)
    assert outcome.score == 1, outcome.message
    assert "(performance; rejestr nie ma metryk okresu 2013-02)" in outcome.message


@pytest.mark.slow
def test_a_registry_that_cannot_be_read_leaves_only_the_status(trained):
    table = {**COMMANDS, "registry_list": "echo wersja aliasy"}
    report = REPORT.format(status="ok", auc="0,780")
    context, params = monitored(trained, report, commands=table)
    outcome = report_numbers(context, params)
    assert outcome.score == pytest.approx(1 / 3)
    assert "nie da się odczytać metryk z rejestru: commands.registry_list nie wypisał JSON-a" in (
        outcome.message
    )


@pytest.mark.slow
def test_no_monitoring_run_skips_and_no_report_fails(trained):
    context, params = monitored(trained, REPORT)
    del context.run.stages["monitor"]
    with pytest.raises(NotRunnable, match=r"dags\.monitor"):
        report_numbers(context, params)
    with pytest.raises(StudentError, match=r"artifacts\.final_report: brak pliku brak\.md"):
        report_numbers(context, {**params, "report": "brak.md"})
