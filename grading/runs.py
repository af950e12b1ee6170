"""The run mode's session for one repository: copies, the sandbox, the time budget and
what the pipeline checks produced.

Every run-mode check works on its own temporary copy of the repository
(:meth:`RunSession.copy`), never on the student's folder: the copy leaves out the
student's ``.venv`` and generated ``data/`` (it keeps ``.git``: tests and scripts read
the history), and gets the shadow environment (:mod:`grading.environment`) as ``.venv``.
The pipeline checks (``dag_run``) hand their copy forward: the run of the ingest DAG is
what the preprocessing DAG reads, as in the course, so a check whose earlier stage did
not succeed is skipped with that reason (:class:`grading.model.NotRunnable`) instead of
failing for someone else's fault.

The session has a time budget for the whole repository; each check's timeout is cut to
what is left, and a check that starts with less than :data:`MIN_CHECK_S` left is skipped.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from grading.environment import require_virtual_environment, sandbox_environment
from grading.model import NotRunnable
from grading.sandbox import WORKER, Limits, Sandbox

T = TypeVar("T")
SCRIPTS = Path(__file__).with_name("sandbox_scripts")
DEFAULT_BUDGET_S = 3600
MIN_CHECK_S = 5
# Top-level folders not copied (the student's environment, generated data) and folders
# skipped anywhere (tool caches).
SKIPPED_TOP = frozenset({".venv", "data"})
SKIPPED_ANYWHERE = frozenset({"__pycache__", ".pytest_cache", ".ipynb_checkpoints", "node_modules"})
# The order of the course's pipeline: each role's DAG reads what the earlier ones wrote.
PIPELINE = ("ingest", "preprocess", "train", "monitor", "live_quality", "retrain")


@dataclass(frozen=True)
class RunSettings:
    """What the instructor chose for the run mode (``--run``, ``--budget``)."""

    budget_s: float = DEFAULT_BUDGET_S
    limits: Limits = field(default_factory=Limits)


@dataclass
class StageResult:
    """What a pipeline check left: the copy after a successful run of ``dag_id``, or why
    it failed; ``written`` — the files (relative POSIX paths) its runs added or changed
    in the copy, so that a later check reads what this stage produced, not what was
    committed."""

    dag_id: str
    state: Path | None
    problem: str = ""
    written: tuple[str, ...] = ()


class RunSession:
    """The temporary folders and the sandbox of one repository's run-mode grading.
    Use as a context manager: everything it created is removed at exit."""

    def __init__(self, source: Path, settings: RunSettings = RunSettings()):
        self.source = Path(source).resolve()
        self.settings = settings
        self.stages: dict[str, StageResult] = {}
        self._count = 0
        self._lock = threading.Lock()
        self._once: dict[str, Any] = {}

    def __enter__(self) -> RunSession:
        require_virtual_environment()
        # Named after the batch worker: a batch that kills a worker removes its folders.
        self.root = Path(tempfile.mkdtemp(prefix=session_prefix()))
        # Passable but not listable (mkdtemp gives 0700): the sandbox's TMPDIR under it
        # must be reachable by a user a student's test switches to, as /tmp is.
        self.root.chmod(0o711)
        self.environment = sandbox_environment(self.root / "env")
        self.deadline = time.monotonic() + self.settings.budget_s
        return self

    def __exit__(self, *exc_info: object) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def python(self) -> str:
        return str(self.environment / "bin" / "python")

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` the first time ``key`` is asked in this session, its result after
        that: the student's folder does not change while it is graded (a scan of the
        whole repository need not run once per class)."""
        if key not in self._once:
            self._once[key] = compute()
        return self._once[key]

    def folder(self, name: str) -> Path:
        """A new grader-owned folder for one check (its copy, home, reports), kept until
        the session ends: a pipeline stage's copy is what the next stage starts from."""
        with self._lock:  # checks may run side by side (the ingest's cases)
            self._count += 1
            number = self._count
        folder = self.root / "checks" / f"{number:02d}-{name}"
        folder.mkdir(parents=True)
        return folder

    @contextmanager
    def scratch(self, name: str) -> Iterator[Path]:
        """A folder for one check that is removed when the check is done with it."""
        folder = self.folder(name)
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(self._tmp(folder), ignore_errors=True)

    def copy(self, folder: Path, state: Path | None = None) -> Path:
        """A copy of the repository in ``folder / "repo"`` — without the student's
        generated ``data/`` — or of a pipeline ``state`` with the data its runs wrote;
        with the shadow environment as ``.venv``."""
        target, source = folder / "repo", state or self.source
        top = SKIPPED_TOP if state is None else SKIPPED_TOP - {"data"}
        shutil.copytree(source, target, symlinks=True, ignore=_ignored(source, top))
        venv = target / ".venv"
        if venv.is_symlink() or venv.exists():
            _remove(venv)
        venv.symlink_to(self.environment)
        return target

    def sandbox(self, folder: Path) -> Sandbox:
        home, limits = folder / "home", self.settings.limits
        return Sandbox(self.environment / "bin", home, limits, tmp=self._tmp(folder))

    def _tmp(self, folder: Path) -> Path:
        """The short ``TMPDIR`` of a check's folder (``<session>/t/NN``): a check's own
        folder name is too long for the Unix sockets programs make there."""
        return self.root / "t" / folder.name.split("-")[0]

    def timeout(self, wanted: float) -> float:
        """``wanted`` seconds, cut to the budget left. Raises NotRunnable when too
        little is left to start a check."""
        left = self.deadline - time.monotonic()
        if left < MIN_CHECK_S:
            raise NotRunnable(
                f"budżet czasu repozytorium ({self.settings.budget_s:.0f} s) wyczerpany przed "
                "tym sprawdzeniem"
            )
        return min(wanted, left)

    def before(self, role: str, roles: Mapping[str, object]) -> Path | None:
        """The copy left by the stage before ``role`` in :data:`PIPELINE` among the
        ``roles`` the project declares; None for the first stage. Raises NotRunnable when
        that stage did not run in this grading or did not succeed."""
        earlier = [r for r in PIPELINE[: PIPELINE.index(role)] if r in roles]
        return self.after(earlier[-1], roles) if earlier else None

    def after(self, role: str, roles: Mapping[str, object]) -> Path | None:
        """The copy left by the successful run of stage ``role``; None when the project
        declares no such stage. Raises NotRunnable when it did not run in this grading
        or did not succeed."""
        if role not in roles:
            return None
        stage = self.stages.get(role)
        if stage is None:
            raise NotRunnable(
                f"wymaga udanego przebiegu DAG-a dags.{role} w tej samej ocenie, a ten nie był "
                "uruchomiony (jego sprawdzenie jest pominięte albo wyłączone przez --classes)"
            )
        if stage.state is None:
            raise NotRunnable(
                f"wymaga udanego przebiegu DAG-a {stage.dag_id} (dags.{role}), który się nie "
                f"powiódł: {stage.problem}"
            )
        return stage.state


def session_prefix(worker: str | None = None) -> str:
    """The name prefix of the session folders of batch worker ``worker`` (this process's
    when None)."""
    return f"grading-run-{worker or os.environ.get(WORKER, 'local')}-"


def _ignored(root: Path, skipped_top: frozenset[str]) -> Callable[[str, list[str]], set[str]]:
    """``copytree``'s filter: tool caches anywhere, ``skipped_top`` right under ``root``,
    and anything that is not a folder, a regular file or a link (a FIFO would block the
    copy, a socket cannot be copied)."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        top = Path(directory) == root
        return {
            n
            for n in names
            if n in SKIPPED_ANYWHERE or (top and n in skipped_top) or _special(Path(directory, n))
        }

    return ignore


def _special(path: Path) -> bool:
    mode = path.lstat().st_mode
    return not (stat.S_ISDIR(mode) or stat.S_ISREG(mode) or stat.S_ISLNK(mode))


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    else:
        shutil.rmtree(path)
