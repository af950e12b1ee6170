"""A version saved with other library versions is never swapped in nor deployed."""

import pytest
from prometheus_client import REGISTRY

from kurs.testing.shared import private_copy
from zajecia_05_model.library_versions import OVERRIDE_VARIABLE
from zajecia_05_model.registry import LibraryMismatch, Registry
from zajecia_05_model.tests.other_libraries import OTHER_SKLEARN, register_with_other_sklearn
from zajecia_05_model.tests.shared_data import trained_quarter
from zajecia_07_docker.app import create_app
from zajecia_07_docker.schema import example_flight
from zajecia_07_docker.served_model import ModelSlot
from zajecia_07_docker.settings import ApiSettings
from zajecia_08_deploy.deploy import deploy
from zajecia_08_deploy.hot_swap import AliasWatcher

FAILURES = "api_model_load_failures_total"


@pytest.fixture
def registry(tmp_path_factory, tmp_path, monkeypatch):
    """The real model in production as v0001, and v0002: its copy recording another
    scikit-learn."""
    monkeypatch.delenv(OVERRIDE_VARIABLE, raising=False)
    registry = Registry(private_copy(trained_quarter(tmp_path_factory), tmp_path / "data"))
    assert register_with_other_sklearn(registry) == "v0002"
    return registry


def test_hot_swap_refuses_it_and_the_old_version_keeps_serving(registry):
    slot = ModelSlot(registry, "production")
    watcher = AliasWatcher(slot)
    assert watcher.check() and slot.current.version == "v0001"
    with pytest.raises(LibraryMismatch):
        registry.promote("v0002")
    # Production moved anyway: by someone accepting the risk elsewhere, or by hand.
    registry.promote("v0002", allow_library_mismatch=True)
    failures = REGISTRY.get_sample_value(FAILURES) or 0.0
    assert not watcher.check()
    assert slot.current.version == "v0001" and OTHER_SKLEARN in slot.last_error
    assert REGISTRY.get_sample_value(FAILURES) == failures + 1

    client = create_app(ApiSettings(data_dir=registry.root.parents[1]), slot).test_client()
    ready = client.get("/ready")
    assert ready.status_code == 200 and ready.get_json()["model_version"] == "v0001"
    assert f"scikit-learn {OTHER_SKLEARN}" in ready.get_json()["refused"]
    answer = client.post("/predict", json=example_flight())
    assert answer.status_code == 200 and answer.get_json()["model_version"] == "v0001"


def test_deploy_refuses_it_before_starting_staging(registry):
    seen = []
    deployment = deploy(registry, "v0002", registry.root.parents[1], report=seen.append)
    assert not deployment.promoted
    assert registry.aliases()["production"] == "v0001"
    assert f"scikit-learn {OTHER_SKLEARN} (zainstalowana" in "\n".join(seen)
