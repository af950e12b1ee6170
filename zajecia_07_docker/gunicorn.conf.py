"""Gunicorn settings of the prediction API; every value can be changed by environment.

gunicorn --config zajecia_07_docker/gunicorn.conf.py zajecia_07_docker.wsgi:app
"""

import os

# BEGIN SOLUTION: ustaw bind, workers (gthread), threads, timeout i log JSON (README „Serwer”)


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
# Threads, not sync workers: a sync worker serves one connection at a time, so two idle
# connections (opened, nothing sent) stall two sync workers until the timeout kills them.
# Here a connection holds a thread only while it is sending: a silent one for at most
# 5 s (gunicorn then parks it without a thread and closes it after `keepalive`), a
# trickling one as long as it trickles. A worker answers at once while it has a free
# thread, and the connections need not spread evenly: each worker gets enough threads
# for the slow clients expected at once. Idle threads cost little memory; under the GIL
# the predictions of one worker still take turns (throughput is as with sync workers).
worker_class = "gthread"
threads = _positive_int("API_THREADS", 64)
# One OpenMP thread per worker: scikit-learn's OpenMP threads in two workers on two cores
# would fight over the cores (workers inherit the variable; numpy is imported after the
# fork).
os.environ.setdefault("OMP_NUM_THREADS", "1")
# The worker's main loop reports it alive whatever its threads do; a worker silent for
# this long (the whole process stuck) is killed and replaced.
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
# No runtime control socket (gunicornc; gunicorn >= 25): its default path in $HOME is one
# for all servers of a user (each new one takes it over, each one stopping removes it),
# and a read-only container cannot create it (a warning at every start).
control_socket_disable = True
# The process title shows in ps/top which service a worker belongs to.
proc_name = "flights-api"


def post_worker_init(worker):
    # After the app (and its model) loaded: a starter can wait for every worker.
    worker.log.info("worker gotowy (pid %s)", worker.pid)


# END SOLUTION
