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
from typing import TYPE_CHECKING, Any, Literal

from grading.model import Outcome
from grading.repo_files import RepoFiles

if TYPE_CHECKING:
    from grading.runs import RunSession

Mode = Literal["static", "run"]


@dataclass(frozen=True)
class Context:
    """The repository under grading and its validated ``projekt.yaml`` (a mapping);
    ``run`` is the run mode's session (copies, sandbox, budget), None in a static
    grading."""

    files: RepoFiles
    project: Mapping[str, Any]
    run: RunSession | None = None


CheckFunction = Callable[[Context, Mapping[str, Any]], Outcome]


@dataclass(frozen=True)
class Kind:
    """A check kind: its name in the rubric, its mode, its required and optional
    parameters and the function that checks it."""

    name: str
    mode: Mode
    required: tuple[str, ...]
    optional: tuple[str, ...]
    function: CheckFunction


REGISTRY: dict[str, Kind] = {}


def static_check(
    name: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a static check kind under ``name``: it only reads files."""
    return _registered(name, "static", required, optional)


def run_check(
    name: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a run-mode check kind under ``name``: it executes the student's code
    through ``context.run``, so only ``--run`` evaluates it."""
    return _registered(name, "run", required, optional)


def _registered(
    name: str, mode: Mode, required: tuple[str, ...], optional: tuple[str, ...]
) -> Callable[[CheckFunction], CheckFunction]:
    def register(function: CheckFunction) -> CheckFunction:
        _add(Kind(name, mode, required, optional, function))
        return function

    return register


def _add(kind: Kind) -> None:
    if kind.name in REGISTRY:
        raise ValueError(f"check kind {kind.name!r} registered twice")
    REGISTRY[kind.name] = kind
