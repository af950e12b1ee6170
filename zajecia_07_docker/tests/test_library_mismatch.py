"""The API does not serve a model saved with other library versions, and says why."""

import pytest

from kurs.testing.shared import private_copy
from zajecia_05_model.library_versions import OVERRIDE_VARIABLE
from zajecia_05_model.registry import Registry
from zajecia_05_model.tests.other_libraries import OTHER_SKLEARN, register_with_other_sklearn
from zajecia_07_docker.app import create_app
from zajecia_07_docker.schema import example_flight
from zajecia_07_docker.settings import ApiSettings


@pytest.fixture(scope="module")
def client(real_data, tmp_path_factory):
    """The API over the real model, whose copy in production records another scikit-learn."""
    data = private_copy(real_data, tmp_path_factory.mktemp("data"))
    registry = Registry(data)
    registry.promote(register_with_other_sklearn(registry), allow_library_mismatch=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(OVERRIDE_VARIABLE, raising=False)
        return create_app(ApiSettings(data_dir=data)).test_client()


def test_not_ready_with_the_reason(client):
    ready = client.get("/ready")
    assert ready.status_code == 503
    reason = ready.get_json()["reason"]
    assert f"scikit-learn {OTHER_SKLEARN}" in reason and f"{OVERRIDE_VARIABLE}=1" in reason


@pytest.mark.parametrize(("method", "path"), [("POST", "/predict"), ("GET", "/model")])
def test_model_endpoints_answer_503_with_the_reason(client, method, path):
    response = client.open(path, method=method, json=example_flight())
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert any(OTHER_SKLEARN in item["message"] for item in error["fields"])
