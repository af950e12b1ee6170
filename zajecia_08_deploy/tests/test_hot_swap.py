"""Model swap in a running production API: under load and back, and a tampered model."""

import json
import threading

import pytest

from zajecia_05_model.registry import MODEL_FILE, Registry
from zajecia_07_docker.tests.flights import flights_of
from zajecia_08_deploy.deploy import wait_for_version
from zajecia_08_deploy.service import production_server
from zajecia_08_deploy.traffic import replay

pytestmark = pytest.mark.slow


def test_swap_during_load_drops_no_request_and_a_rollback_swaps_back(data):
    registry = Registry(data)
    bodies = flights_of(data, rows=3000)
    promoted = threading.Event()

    with production_server(data) as server:

        def promote_midway(sent: int) -> None:
            # Early: the rest of the traffic outlasts the workers' switch on any machine.
            if sent == 300 and not promoted.is_set():
                promoted.set()
                registry.promote("v0002")

        result = replay(server.base_url, bodies, concurrency=16, on_sent=promote_midway)
        assert wait_for_version(server.base_url, "v0002")
        # The same running API goes back to the previous version (one server: each start
        # costs seconds of loading the app and the model in every worker).
        assert registry.rollback() == "v0001"
        assert wait_for_version(server.base_url, "v0001")

    assert result.failures == [] and result.ok == 3000
    # Both versions answered: the swap happened during the traffic, not before or after it.
    assert set(result.versions) == {"v0001", "v0002"}


def test_tampered_model_is_refused_and_the_old_one_keeps_serving(data):
    registry = Registry(data)
    target = registry.versions_dir / "v0002" / MODEL_FILE
    target.chmod(0o644)
    target.write_bytes(target.read_bytes()[:-10] + b"0123456789")
    with production_server(data) as server:
        # Promotion refuses it: the registry verifies the file before the alias moves.
        with pytest.raises(Exception, match="zmieniony"):
            registry.promote("v0002")
        # Someone edits the alias by hand: the API refuses to load and stays on v0001.
        alias = registry.aliases_dir / "production.json"
        alias.write_text(json.dumps({"version": "v0002", "history": ["v0001", "v0002"]}))
        assert not wait_for_version(server.base_url, "v0002", timeout_s=3)
        status, ready = server.call("GET", "/ready")
        assert status == 200 and ready["model_version"] == "v0001"
        status, body = server.call("POST", "/predict", flights_of(data, rows=1)[0])
        assert status == 200 and body["model_version"] == "v0001"
        metrics = server.call("GET", "/metrics")[1]
    failures = [
        line for line in metrics.splitlines() if line.startswith("api_model_load_failures_total")
    ]
    assert failures and float(failures[0].split()[-1]) >= 1
    assert "zmieniony" in server.log()
