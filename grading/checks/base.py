"""What every check kind shares: its context, its registration, its declared parameters.

A check kind is a plain function ``(context, params) -> Outcome``. ``params`` are the
rubric entry's parameters with every ``projekt:`` reference already replaced by the value
from the student's ``projekt.yaml``. A kind reads files only through ``context.files``
(symlink-safe, size-limited); a problem the student can fix raises
:class:`grading.model.StudentError` or returns a failed :class:`grading.model.Outcome`.
Any other exception is the grader's own error and is reported as such.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from grading.model import Outcome
from grading.repo_files import RepoFiles

Mode = Literal["static", "run"]


@dataclass(frozen=True)
class Context:
    """The repository under grading and its validated ``projekt.yaml`` (a mapping)."""

    files: RepoFiles
    project: Mapping[str, Any]


CheckFunction = Callable[[Context, Mapping[str, Any]], Outcome]


@dataclass(frozen=True)
class Kind:
    """A check kind: its name in the rubric, its mode, its required and optional
    parameters; ``function`` is None for run-mode kinds not evaluated by this grader."""

    name: str
    mode: Mode
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    function: CheckFunction | None = None


REGISTRY: dict[str, Kind] = {}


def static_check(
    name: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a static check kind under ``name``."""

    def register(function: CheckFunction) -> CheckFunction:
        if name in REGISTRY:
            raise ValueError(f"check kind {name!r} registered twice")
        REGISTRY[name] = Kind(name, "static", required, optional, function)
        return function

    return register


def run_check(name: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
    """Declare a run-mode kind: its parameters are validated with the rubric; it executes
    the student's code, so the static grader lists it as not evaluated."""
    if name in REGISTRY:
        raise ValueError(f"check kind {name!r} registered twice")
    REGISTRY[name] = Kind(name, "run", required, optional)
