"""pytest plugin: one MLflow tracking store per test process, outside every data folder.

Registered in ``pyproject.toml`` (``-p kurs.testing.tracking``). Training logs every run to
MLflow; by default into SQLite in its data folder, and a new SQLite store takes about four
seconds to create (MLflow migrates its schema). Most tests train in a fresh data folder,
so the session points ``MLFLOW_TRACKING_URI`` — MLflow's own setting, which training
honours — at one store per process (per xdist worker), created on first use; subprocesses
inherit it. Tests of the default layout remove the variable (``monkeypatch.delenv``).

The store lives in memory (``/dev/shm``) where there is one: SQLite commits every run,
metric batch and tag, and a store that is thrown away needs none of them on disk.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

STORE_KEY = pytest.StashKey[Path]()
MEMORY = Path("/dev/shm")


def pytest_configure(config: pytest.Config) -> None:
    in_memory = MEMORY.is_dir() and os.access(MEMORY, os.W_OK)
    store = Path(tempfile.mkdtemp(prefix="mlflow-store-", dir=MEMORY if in_memory else None))
    config.stash[STORE_KEY] = store
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{store / 'mlflow.db'}"


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(config.stash.get(STORE_KEY, None) or "", ignore_errors=True)
