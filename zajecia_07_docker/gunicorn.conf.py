"""Gunicorn settings of the prediction API; every value can be changed by environment.

gunicorn --config zajecia_07_docker/gunicorn.conf.py zajecia_07_docker.wsgi:app
"""

import os


def _positive_int(variable: str, default: int) -> int:
    """A positive integer from the environment; a clear message instead of a traceback."""
    value = os.environ.get(variable, str(default))
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"{variable} musi być dodatnią liczbą całkowitą, jest {value!r}")
    return int(value)


# In a container API_BIND=0.0.0.0:8000; on a laptop only this machine can connect.
bind = os.environ.get("API_BIND", "127.0.0.1:8000")
# Prediction is CPU-bound: about one worker per core. Each worker loads its own model.
workers = _positive_int("API_WORKERS", 2)
worker_class = "sync"
# One thread per worker: scikit-learn's OpenMP threads in two workers on two cores would
# fight over the cores (workers inherit the variable; numpy is imported after the fork).
os.environ.setdefault("OMP_NUM_THREADS", "1")
# A worker silent for this long is killed and replaced (a stuck request).
timeout = _positive_int("API_TIMEOUT_S", 30)
# On SIGTERM (docker stop, a deploy) workers finish the requests they have first.
graceful_timeout = _positive_int("API_GRACEFUL_TIMEOUT_S", 20)
keepalive = 5
# A request line over 4094 bytes or more than 50 headers is refused by gunicorn itself
# (400) before it reaches Flask; the body has its own limit in the app (413).
limit_request_line = 4094
limit_request_fields = 50

accesslog = os.environ.get("API_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("API_LOG_LEVEL", "info")
logger_class = "zajecia_07_docker.access_log.JsonAccessLogger"
# The process title shows in ps/top which service a worker belongs to.
proc_name = "flights-api"


def post_worker_init(worker):
    # After the app (and its model) loaded: a starter can wait for every worker.
    worker.log.info("worker gotowy (pid %s)", worker.pid)
