"""The class's step of `make run`: months replayed with traffic, monitoring, retraining.

The replay runs here in the test's own process (the ``airflow_child`` fixture), inside
:func:`kurs.backfill.one_session` — as in ``make run``, where every step's
``run_in_airflow`` calls its module's ``main`` in the run's one Airflow process.
"""

import json
import re

import pytest

from kurs.backfill import one_session
from kurs.runner import RunContext
from zajecia_05_model.registry import Registry
from zajecia_09_retraining import step
from zajecia_09_retraining.report import FIGURE, REPORT, publish, results_folder
from zajecia_09_retraining.tests.scenario import year


@pytest.mark.slow
def test_the_replay_serves_monitors_and_retrains_month_by_month(
    airflow_child, tmp_path, monkeypatch
):
    # The world changes in March: March's alert has no new data yet, April's challenger
    # (February–March) fails the gate on March, May's (March–April) wins and is promoted.
    data = year(tmp_path / "data", changed_from="2013-03")
    monkeypatch.setenv("MLOPS_DATA_DIR", str(data))
    monkeypatch.setenv("MLOPS_RETRAIN_WINDOW_MONTHS", "2")
    destination = tmp_path / "wyniki"
    (destination / "decyzje").mkdir(parents=True)
    (destination / "decyzje" / "2013-01.md").write_text("z poprzedniego przebiegu")

    lines = []
    with one_session():
        outputs = step.run(
            RunContext(data, lines.append),
            months=("2013-03", "2013-04", "2013-05"),
            traffic=50,
            destination=destination,
        )

    by_month = {line[:7]: line for line in lines if re.match(r"2013-\d\d: ", line)}
    assert "serwował v0001" in by_month["2013-03"]
    assert "alert → pominięty: brak nowych danych z wynikami" in by_month["2013-03"]
    assert "→ zostaje v0001" in by_month["2013-04"]
    assert "→ promocja v0003" in by_month["2013-05"]
    assert "production → v0001, jak na początku przeglądu roku" in lines
    assert any(line.startswith("2013-03…2013-05 razem: serwowane ROC AUC") for line in lines)
    results = json.loads((results_folder(data) / "replay.json").read_text())
    assert [row["served"] for row in results["months"]] == ["v0001"] * 3
    assert [row["answered_by"] for row in results["months"]] == [{"v0001": 50}] * 3
    april = results["months"][1]["record"]
    assert not april["gate"]["passed"] and "bramki jakości" in april["decision"]["reason"]
    assert Registry(data).resolve("production") == "v0001"

    names = sorted(str(path.relative_to(destination)) for path in outputs)
    assert names == sorted([REPORT, FIGURE, "decyzje/2013-04.md", "decyzje/2013-05.md"])
    assert not (destination / "decyzje" / "2013-01.md").exists()
    report = (destination / REPORT).read_text()
    assert "| 2013-05 | v0001 |" in report and "promocja v0003" in report
    assert "w przeglądzie obsłużył" in report  # promoted after the last month replayed
    # The lines of make run's final summary: the months, then the pooled figures.
    summary = step.summary(data)
    assert summary[0].split()[:3] == ["miesiąc", "serwował", "ROC"]
    assert [line[:7] for line in summary[1:4]] == ["2013-03", "2013-04", "2013-05"]
    assert "zostaje v0001" in summary[2] and "promocja v0003" in summary[3]
    assert summary[4].startswith("razem: serwowane ROC AUC ")
    assert summary[4].endswith("(v0001 we wszystkich miesiącach)")


def test_publishing_before_the_replay_ran_names_the_command(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"python -m zajecia_09_retraining\.replay"):
        publish(tmp_path, ["2013-07"], tmp_path / "wyniki")
