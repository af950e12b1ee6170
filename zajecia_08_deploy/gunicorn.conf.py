"""Gunicorn settings of the production API: those of class 07 plus multi-process metrics.

gunicorn --config zajecia_08_deploy/gunicorn.conf.py zajecia_08_deploy.wsgi:app
"""

import os
import runpy
import shutil
import tempfile
from pathlib import Path

# Class 07's settings, its worker model included (threads, no control socket): the threads
# of a worker write its metric files under one lock of prometheus_client, so sums stay exact.
_class_07 = Path(__file__).resolve().parents[1] / "zajecia_07_docker" / "gunicorn.conf.py"
globals().update(
    {name: value for name, value in runpy.run_path(str(_class_07)).items() if name[0] != "_"}
)

# Workers inherit the variable; prometheus_client reads it when a worker imports it.
# Without one given, a private folder for this server, removed when it stops.
_own_folder = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _own_folder:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="flights-api-metrics-")


def on_starting(server):
    # BEGIN SOLUTION: usuń stare pliki metryk *.db z folderu
    # Values left by a previous server would be added to this one's. Only the metric
    # files go: the variable may point at a folder that holds other things too.
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    # END SOLUTION


def child_exit(server, worker):
    # BEGIN SOLUTION: oznacz martwy worker w metrykach (multiprocess)
    from prometheus_client import multiprocess

    # The dead worker's gauges stop counting ("live" modes); its counters stay summed.
    multiprocess.mark_process_dead(worker.pid)
    # END SOLUTION


def on_exit(server):
    if _own_folder:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
