"""The production gunicorn.conf.py as gunicorn itself reads it."""

from zajecia_07_docker.tests.gunicorn_settings import gunicorn_settings
from zajecia_08_deploy.service import APP, CONFIG


def test_production_workers_have_threads_and_no_control_socket(tmp_path):
    # Class 07's worker model holds here too: metrics and the prediction log are written
    # from several threads of each worker (test_slow_clients.py checks their sums).
    settings = gunicorn_settings(
        CONFIG,
        APP,
        ["worker_class", "threads", "control_socket_disable"],
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path),
    )
    assert settings == {"worker_class": "gthread", "threads": 64, "control_socket_disable": True}
