"""The MLflow tracking store, and a client that never stops the work it records.

Where: ``MLFLOW_TRACKING_URI`` when it is set (MLflow's own variable: a tracking server),
otherwise SQLite in ``$MLOPS_DATA_DIR/mlflow/mlflow.db`` with the artifacts in
``$MLOPS_DATA_DIR/mlflow/artifacts/<experiment>/``.

How safely: :class:`Tracker` sends every call through one guard. The first call that
fails is logged once, naming the store, and turns the rest into no-ops: training and
retraining decisions go on without MLflow. A tracking server gets a short ``/health``
probe first, because MLflow's client retries a refused connection for minutes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlflow import MlflowClient

log = logging.getLogger(__name__)

STORE_FOLDER = "mlflow"
# The health endpoint of a tracking server; checked before the first request, because
# MLflow's client retries a refused connection with backoff for minutes.
HEALTH_TIMEOUT_SECONDS = 3
# Stores whose failure this process has reported already.
_REPORTED: set[str] = set()


def store_folder(data_dir: Path) -> Path:
    """``$MLOPS_DATA_DIR/mlflow``: the SQLite file and the artifacts of the default store."""
    return Path(data_dir) / STORE_FOLDER


def tracking_uri(data_dir: Path, environ: Mapping[str, str] = os.environ) -> str:
    """``MLFLOW_TRACKING_URI`` when set, else ``sqlite:///<data_dir>/mlflow/mlflow.db``."""
    if uri := environ.get("MLFLOW_TRACKING_URI"):
        return uri
    return f"sqlite:///{(store_folder(data_dir) / 'mlflow.db').resolve()}"


def database_path(uri: str) -> Path | None:
    """The database file of a SQLite store; ``None`` for any other store."""
    if not uri.startswith("sqlite:///"):
        return None
    return Path(uri.removeprefix("sqlite:///")).resolve()


def artifact_root(uri: str) -> Path | None:
    """Where a SQLite store keeps artifacts: ``artifacts/`` next to the database file (one
    folder per experiment). ``None`` for a server, which chooses its own."""
    database = database_path(uri)
    return database.parent / "artifacts" if database else None


def artifact_location(uri: str, experiment: str) -> str | None:
    """The artifact location of a new experiment (:func:`artifact_root`), as a URI."""
    root = artifact_root(uri)
    return (root / experiment).as_uri() if root else None


def timestamp_ms() -> int:
    """Now, as MLflow records times: milliseconds since the epoch."""
    return int(time.time() * 1000)


class Tracker:
    """An MLflow client that never raises.

    Every call goes through :meth:`call`: the first exception (store unreachable, disk
    full, database locked…) is logged once as a warning naming the store, and every later
    call returns ``None`` without trying. MLflow is imported on first use: the API and
    DAG parsing never pay for it.
    """

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.uri = tracking_uri(self.data_dir)
        self.available = True
        # The first failure, for the run it interrupted (end_run).
        self.error = ""
        self._client: MlflowClient | None = None

    def _check_server(self) -> None:
        """Raises ``OSError`` unless a tracking server answers ``/health`` within
        :data:`HEALTH_TIMEOUT_SECONDS`; nothing to check for a local store."""
        if self.uri.startswith(("http://", "https://")):
            health = self.uri.rstrip("/") + "/health"
            urllib.request.urlopen(health, timeout=HEALTH_TIMEOUT_SECONDS).close()

    def _connect(self) -> MlflowClient:
        if self._client is None:
            self._check_server()
            if self.uri.startswith("sqlite:///"):
                Path(self.uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            from mlflow import MlflowClient

            self._client = MlflowClient(tracking_uri=self.uri)
        return self._client

    def call(self, method: str | Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``MlflowClient.<method>(*args, **kwargs)`` (or ``method(client, *args,
        **kwargs)`` for a function), or ``None`` once tracking has failed."""
        if not self.available:
            return None
        try:
            client = self._connect()
            if callable(method):
                return method(client, *args, **kwargs)
            return getattr(client, method)(*args, **kwargs)
        # Any failure of the store, whatever its type: training must go on without it.
        except Exception as error:
            self.available = False
            self.error = f"{type(error).__name__}: {error}"
            if self.uri not in _REPORTED:  # once per store and process, not once per call
                _REPORTED.add(self.uri)
                log.warning(
                    "MLflow niedostępny (%s): %s — praca idzie dalej, bez dalszego zapisu w MLflow",
                    self.uri,
                    error,
                )
            return None

    def experiment_id(self, name: str) -> str | None:
        """The experiment's id, created on first use (:func:`artifact_location`)."""
        return self.call(_experiment_id, name, artifact_location(self.uri, name))

    def start_run(
        self, experiment: str, name: str, tags: Mapping[str, str], parent: str | None = None
    ) -> str | None:
        """A new run (nested under ``parent`` when given); its id, or ``None``."""
        experiment_id = self.experiment_id(experiment)
        if experiment_id is None:
            return None
        tags = dict(tags) | ({"mlflow.parentRunId": parent} if parent else {})
        started = timestamp_ms()
        run = self.call("create_run", experiment_id, start_time=started, tags=tags, run_name=name)
        return run.info.run_id if run else None

    def log(
        self,
        run_id: str | None,
        params: Mapping[str, Any] | None = None,
        metrics: Mapping[str, float] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        """Parameters, metrics (step 0) and tags of a run in one request."""
        if run_id is not None:
            self.call(log_batch, run_id, params or {}, metrics or {}, tags or {})

    def end_run(self, run_id: str | None, status: str = "FINISHED") -> None:
        """End a run with ``status``. A run whose logging failed half-way gets one last
        try past the guard (silent): ended FAILED, the error as ``tracking_error``, so
        that it does not stay RUNNING in the UI when the store works again."""
        if run_id is None:
            return
        if self.available:
            self.call("set_terminated", run_id, status=status, end_time=timestamp_ms())
            return
        with contextlib.suppress(Exception):
            self._check_server()
            client = self._connect()
            client.set_tag(run_id, "tracking_error", self.error[:5000])
            client.set_terminated(run_id, status="FAILED", end_time=timestamp_ms())


def log_batch(
    client: MlflowClient,
    run_id: str,
    params: Mapping[str, Any],
    metrics: Mapping[str, float],
    tags: Mapping[str, str],
) -> None:
    """Parameters (as text), metrics (step 0, now) and tags of a run in one request."""
    from mlflow.entities import Metric, Param, RunTag

    now = timestamp_ms()
    client.log_batch(
        run_id,
        metrics=[Metric(key, float(value), now, 0) for key, value in metrics.items()],
        params=[Param(key, str(value)) for key, value in params.items()],
        tags=[RunTag(key, str(value)) for key, value in tags.items()],
    )


def _experiment_id(client: MlflowClient, name: str, location: str | None) -> str:
    from mlflow.exceptions import MlflowException

    if (experiment := client.get_experiment_by_name(name)) is not None:
        return experiment.experiment_id
    try:
        return client.create_experiment(name, artifact_location=location)
    except MlflowException:
        # Created by another process in between (parallel tasks): use that one.
        if (experiment := client.get_experiment_by_name(name)) is None:
            raise
        return experiment.experiment_id


def tag_run(data_dir: Path, run_id: str | None, tags: Mapping[str, str]) -> None:
    """Add tags to a finished run (what became of it); nothing when it was not tracked."""
    if run_id is not None:
        Tracker(data_dir).log(run_id, tags=tags)
