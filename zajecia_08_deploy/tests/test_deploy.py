"""The deploy pipeline and its command line: checks, staging, promotion, rollback, replay."""

import json

import pytest

from zajecia_05_model.metadata import MAIN_MODEL
from zajecia_05_model.registry import MODEL_FILE, Registry
from zajecia_05_model.tests.shared_data import SERVED_MONTH
from zajecia_08_deploy.cli import main
from zajecia_08_deploy.deploy import deploy, quality_gate
from zajecia_08_deploy.flight_ids import flight_ids
from zajecia_08_deploy.service import production_server
from zajecia_08_deploy.traffic import month_requests

pytestmark = pytest.mark.slow


def lines():
    seen = []
    return seen, seen.append


def test_a_good_candidate_passes_the_checks_and_becomes_production(data):
    registry = Registry(data)
    seen, report = lines()
    flights = month_requests(data, SERVED_MONTH, limit=5)
    deployment = deploy(registry, "v0002", data, flights, report)
    assert deployment.promoted and deployment.previous == "v0001"
    assert [check.name for check in deployment.checks] == ["bramka jakości", "smoke test (staging)"]
    assert registry.resolve("production") == "v0002"
    assert "lotów: 5, prawdopodobieństwa zgodne z pipeline'em" in "\n".join(seen)
    # Staging answered with its own log, not into production's.
    assert (data / "staging" / "predictions-v0002.sqlite3").is_file()
    assert not (data / "prediction_log").exists()


def test_a_tampered_candidate_fails_staging_and_production_stays(data):
    registry = Registry(data)
    target = registry.versions_dir / "v0002" / MODEL_FILE
    target.chmod(0o644)
    target.write_bytes(target.read_bytes() + b"x")
    deployment = deploy(registry, "v0002", data, report=lambda line: None)
    assert not deployment.promoted
    assert "zmieniony" in deployment.checks[-1].detail
    assert registry.resolve("production") == "v0001"


def test_a_candidate_below_the_gate_never_reaches_staging(data):
    registry = Registry(data)
    meta = registry.metadata("v0002")
    meta["metrics"]["validation"][MAIN_MODEL]["roc_auc"] = 0.5
    meta["min_auc_gain"] = 0.01
    model = registry.load("v0002").model
    weak = registry.register(model, {k: v for k, v in meta.items() if k != "version"})
    deployment = deploy(registry, weak, data, report=lambda line: None)
    assert not deployment.promoted and len(deployment.checks) == 1
    assert not quality_gate(registry, weak).passed
    assert registry.resolve("production") == "v0001"


def test_command_line_deploys_follows_the_api_and_rolls_back(data, capsys):
    with production_server(data) as server:
        url = ["--url", server.base_url]
        # Without --month the smoke test sends the example flight, one request on the fast
        # path, which must match the pipeline (README's --month: test_readme_commands.py).
        assert main(["--data-dir", str(data), "deploy", "v0002", *url]) == 0
        out = capsys.readouterr().out
        assert "ok  smoke test (staging): lotów: 1, prawdopodobieństwa zgodne" in out
        assert "serwuje v0002 (wszystkie workery)" in out
        assert main(["--data-dir", str(data), "replay", SERVED_MONTH, "--limit", "50", *url]) == 0
        assert "200: 50, błędy: 0" in capsys.readouterr().out
        assert main(["--data-dir", str(data), "rollback", *url]) == 0
        assert "serwuje v0001" in capsys.readouterr().out
    assert main(["--data-dir", str(data), "rollback"]) == 1
    assert "nie ma poprzedniej wersji" in capsys.readouterr().err


def test_replay_sends_each_flight_of_the_month_once_with_its_id(data):
    bodies = month_requests(data, SERVED_MONTH)
    ids = [body.pop("flight_id") for body in bodies]
    assert len(set(ids)) == len(ids) > 20_000
    departures = [identifier.rsplit("-", 3)[1:] for identifier in ids]
    assert departures == sorted(departures)  # timetable order
    assert json.dumps(bodies[0])  # JSON-ready as it is


def test_flight_ids_name_carrier_number_origin_and_utc_departure():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "carrier": ["UA"],
            "flight": [1545],
            "origin": ["EWR"],
            "sched_dep_utc": [pd.Timestamp("2013-01-01 10:15", tz="UTC")],
        }
    )
    assert list(flight_ids(frame)) == ["UA1545-EWR-2013-01-01T10:15Z"]
