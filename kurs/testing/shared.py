"""Expensive test data built once per test session and shared by the classes' tests.

A real month of flights takes seconds to ingest and preprocess, and a real model seconds
to train. Each class's tests that need them call a builder (``tests/shared_data.py`` of the
class that owns the step), and the builder goes through :func:`once_per_session`: the
first call builds into the session's temporary folder, later calls — from any class's
tests, and from any pytest-xdist worker of the session — get the same folder. Shared
folders are read-only by convention: a test that changes data works on
:func:`private_copy`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kurs.atomic_io import exclusive_lock

DONE = ".built"


def session_root(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole session: under pytest-xdist each worker has its
    own ``basetemp`` inside the one of the session, which all workers share."""
    basetemp = factory.getbasetemp()
    return basetemp.parent if "PYTEST_XDIST_WORKER" in os.environ else basetemp


def once_per_session(
    factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]
) -> Path:
    """The folder ``name`` of this test session, built by ``build(folder)`` on first use.

    Workers that need it meanwhile wait for that build instead of making their own. A
    build that raised leaves no marker, so the next call builds again from scratch.
    """
    shared = session_root(factory) / "shared"
    shared.mkdir(exist_ok=True)
    folder = shared / name
    # The kernel releases the lock with the file, also when a worker dies holding it.
    with exclusive_lock(shared / f"{name}.lock"):
        if not (folder / DONE).is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            (folder / DONE).touch()
    return folder


def private_copy(shared: Path, target: Path) -> Path:
    """A copy of a shared folder that a test may change (logs and Airflow state left out)."""
    shutil.copytree(
        shared,
        target,
        ignore=shutil.ignore_patterns(DONE, "logs", "prediction_log", "airflow"),
        dirs_exist_ok=True,
    )
    return Path(target)
