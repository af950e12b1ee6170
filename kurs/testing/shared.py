"""Expensive test data built once per test session and shared by the classes' tests.

A real month of flights takes seconds to ingest and preprocess, and a real model seconds
to train. Each class's tests that need them call a builder (``tests/shared_data.py`` of the
class that owns the step), and the builder goes through :func:`once_per_session`: the
first call builds into the session's temporary folder, later calls — from any class's
tests — get the same folder. Shared folders are read-only by convention: a test that
changes data works on :func:`private_copy`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

DONE = ".built"


def once_per_session(
    factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]
) -> Path:
    """The folder ``name`` of this test session, built by ``build(folder)`` on first use.

    A build that raised leaves no marker, so the next call builds again from scratch.
    """
    folder = factory.getbasetemp() / "shared" / name
    if not (folder / DONE).is_file():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
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
