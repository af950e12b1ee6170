import pytest

# Autouse: a route not written yet names its task (kurs.testing.due.logged_task).
from kurs.testing.due import logged_task  # noqa: F401
from zajecia_05_model.tests.shared_data import trained_quarter
from zajecia_07_docker.app import create_app
from zajecia_07_docker.server import ApiServer
from zajecia_07_docker.settings import ApiSettings
from zajecia_07_docker.tests.flights import flights_of


@pytest.fixture(scope="session")
def real_data(tmp_path_factory):
    """Real features of 2013-01…03 and a production model (shared; do not change it)."""
    return trained_quarter(tmp_path_factory)


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
def server(real_data, tmp_path_factory):
    """The API under a real gunicorn on 127.0.0.1, shared by the tests of this class."""
    with ApiServer(
        real_data,
        env={"API_MAX_BATCH": "50", "API_MAX_BODY_BYTES": "65536"},
        log_path=tmp_path_factory.mktemp("logs") / "api.log",
    ) as api:
        yield api
