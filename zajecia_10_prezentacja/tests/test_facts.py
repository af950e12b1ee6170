"""The facts come from the artifacts, and a missing artifact is named with its class."""

import json
import shutil

import pytest

from kurs.jsonio import write_json_atomic
from kurs.testing.shared import private_copy
from zajecia_07_docker.bench import Load, results, results_path
from zajecia_10_prezentacja.artifacts import Artifacts, MissingArtifact
from zajecia_10_prezentacja.facts import collect, met, table_after
from zajecia_10_prezentacja.report import markdown

GOAL = """# Cel

## KPI i metryka ML

| Miara | Cel |
|---|---|
| **KPI: trafność** | **≥ 0,40** |
| PR AUC | wyraźnie powyżej |

Dalej tekst.
"""


def test_the_kpi_table_is_read_under_its_heading():
    assert table_after(GOAL, "## KPI i metryka ML") == [
        {"Miara": "KPI: trafność", "Cel": "≥ 0,40"},
        {"Miara": "PR AUC", "Cel": "wyraźnie powyżej"},
    ]
    with pytest.raises(ValueError, match="brak sekcji „## Wyniki”"):
        table_after(GOAL, "## Wyniki")


@pytest.mark.parametrize(
    ("result", "target", "expected"),
    [
        (0.65, "≥ 0,40", True),
        (0.39, "≥ 0,40", False),
        (6.7, "< 50 ms", True),
        (0.2, "< 0,188", False),
        (0.58, "wyraźnie powyżej baseline'ów", None),
    ],
)
def test_a_numeric_target_is_checked(result, target, expected):
    assert met(result, target) is expected


@pytest.mark.slow
def test_every_number_is_the_artifacts_own(artifacts_folder):
    facts = collect(Artifacts(artifacts_folder))
    version = json.loads(
        (artifacts_folder / "registry/flights_delay/aliases/production.json").read_text()
    )["version"]
    assert facts.model["version"] == version
    pooled = facts.model["metrics"]["backtest"]["pooled"]
    by_measure = {kpi.measure: kpi for kpi in facts.kpis}
    roc = by_measure["Metryka ML: ROC AUC"]
    assert roc.result == f"ROC AUC {pooled['roc_auc']:.3f}".replace(".", ",")
    assert roc.source.path == f"registry/flights_delay/versions/{version}/metadata.json"
    latency = by_measure["Opóźnienie odpowiedzi API"]
    # Measured inside the worker (p95), while the target is the whole request's p99.
    assert latency.source.producer == 8 and latency.met is None and "p99" in latency.result
    manifest = json.loads(
        (artifacts_folder / "raw/flights/month=2013-02/_manifest.json").read_text()
    )
    assert [m.month for m in facts.data] == ["2013-01", "2013-02", "2013-03"]
    assert facts.data[1].flights == manifest["rows"]
    assert [s["month"] for s in facts.monitoring] == ["2013-03"]
    assert facts.production[0]["versions"][0]["joined"] == 300
    assert facts.replay["months"][0]["served"] == version


@pytest.mark.slow
@pytest.mark.parametrize(
    ("removed", "named", "producer"),
    [
        ("monitoring", "monitoring/month=*/summary.json", 6),
        ("retraining", "retraining/year/replay.json", 9),
        ("reports/quality/month=2013-02", "reports/quality/month=2013-02/quality.json", 4),
        ("live_quality", "live_quality/month=*/report.json", 8),
    ],
)
def test_a_missing_artifact_names_the_file_and_the_class_that_makes_it(
    artifacts_folder, tmp_path, removed, named, producer
):
    data = private_copy(artifacts_folder, tmp_path / "data")
    shutil.rmtree(data / removed)
    with pytest.raises(MissingArtifact) as error:
        collect(Artifacts(data))
    message = str(error.value)
    assert str(data / named) in message and message.startswith("brak plik")
    assert f"krok zajęć {producer:02d}" in message
    assert f"python -m kurs --only {producer}" in message


@pytest.mark.slow
def test_an_artifact_from_an_older_version_says_which_class_to_run_again(
    artifacts_folder, tmp_path
):
    data = private_copy(artifacts_folder, tmp_path / "data")
    path = data / "retraining/year/replay.json"
    replay = json.loads(path.read_text())
    del replay["settings"]  # replay.json of class 09 before it recorded its settings
    path.write_text(json.dumps(replay))
    with pytest.raises(
        MissingArtifact,
        match=r"pochodzi ze starszej wersji kursu \(brak pola "
        r"settings\): tworzy go krok zajęć 09 — uruchom python -m kurs --only 9",
    ):
        collect(Artifacts(data))


@pytest.mark.slow
def test_the_api_benchmark_when_it_ran_is_the_latency_cited(artifacts_folder, tmp_path):
    data = private_copy(artifacts_folder, tmp_path / "data")
    runs = [(Load(9_000, 10.0, 30.0, 2.0), Load(6_000, 10.0, 61.5, 2.0))]
    write_json_atomic(results_path(data), results("v0002", runs))
    facts = collect(Artifacts(data))
    latency = {kpi.measure: kpi for kpi in facts.kpis}["Opóźnienie odpowiedzi API"]
    assert latency.result.startswith("p99 /predict 61,5 ms przy pełnym obciążeniu (16 połączeń")
    assert latency.met is None  # at full load, queueing included: not the target's measure
    assert latency.source.path == "bench/api.json" and latency.source.producer == 7
    assert "p99 najwolniejszego przebiegu\n61,5 ms" in markdown(facts)
