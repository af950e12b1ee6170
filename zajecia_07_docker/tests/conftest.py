import pytest

from zajecia_07_docker.app import create_app
from zajecia_07_docker.server import ApiServer
from zajecia_07_docker.settings import ApiSettings
from zajecia_07_docker.testing import build_real_registry, flights_of


@pytest.fixture(scope="session")
def real_data(tmp_path_factory):
    """A data folder: real features of 2013-01…03 and a production model (about 10 s)."""
    folder = tmp_path_factory.mktemp("real_data")
    build_real_registry(folder)
    return folder


@pytest.fixture(scope="session")
def flights(real_data):
    """100 real flights of March 2013 as API requests."""
    return flights_of(real_data, rows=100)


@pytest.fixture(scope="session")
def client(real_data):
    """A test client of one app for the session: the app keeps no state between requests."""
    app = create_app(ApiSettings(data_dir=real_data, max_batch=50, max_body_bytes=64 * 1024))
    return app.test_client()


@pytest.fixture(scope="session")
def server(real_data):
    """The API under a real gunicorn on 127.0.0.1, shared by the tests of this class."""
    with ApiServer(real_data, env={"API_MAX_BATCH": "50", "API_MAX_BODY_BYTES": "65536"}) as api:
        yield api
