"""Gunicorn settings of the prediction API; every value can be changed by environment.

gunicorn --config zajecia_07_docker/gunicorn.conf.py zajecia_07_docker.wsgi:app
"""

import os

# In a container API_BIND=0.0.0.0:8000; on a laptop only this machine can connect.
bind = os.environ.get("API_BIND", "127.0.0.1:8000")
# Prediction is CPU-bound: about one worker per core. Each worker loads its own model.
workers = int(os.environ.get("API_WORKERS", "2"))
worker_class = "sync"
# One thread per worker: scikit-learn's OpenMP threads in two workers on two cores would
# fight over the cores (workers inherit the variable; numpy is imported after the fork).
os.environ.setdefault("OMP_NUM_THREADS", "1")
# A worker silent for this long is killed and replaced (a stuck request).
timeout = int(os.environ.get("API_TIMEOUT_S", "30"))
# On SIGTERM (docker stop, a deploy) workers finish the requests they have first.
graceful_timeout = int(os.environ.get("API_GRACEFUL_TIMEOUT_S", "20"))
keepalive = 5
# Requests larger than this never reach Flask; its own limit (413) is API_MAX_BODY_BYTES.
limit_request_line = 4094
limit_request_fields = 50

accesslog = os.environ.get("API_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("API_LOG_LEVEL", "info")
logger_class = "zajecia_07_docker.access_log.JsonAccessLogger"
# The process title shows in ps/top which service a worker belongs to.
proc_name = "flights-api"
