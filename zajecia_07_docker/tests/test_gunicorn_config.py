"""gunicorn.conf.py as gunicorn itself reads it (the server is tested in test_gunicorn.py)."""

from zajecia_07_docker.server import APP, CONFIG
from zajecia_07_docker.tests.gunicorn_settings import gunicorn_settings

SETTINGS = ["worker_class", "threads", "control_socket_disable"]


def test_workers_have_threads_and_no_control_socket():
    # Threads keep a worker answering while slow clients hold some of them; the control
    # socket of gunicorn >= 25 would be one path in $HOME shared by every server.
    assert CONFIG.is_file(), f"no gunicorn configuration: {CONFIG}"
    settings = gunicorn_settings(CONFIG, APP, SETTINGS)
    assert settings == {"worker_class": "gthread", "threads": 64, "control_socket_disable": True}
