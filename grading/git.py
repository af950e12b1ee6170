"""Git on a student's repository, hardened for untrusted repositories.

A repository's configuration can name programs git would run: ``core.fsmonitor``, hooks,
pagers, signature checkers, diff drivers and filter drivers (``git status`` runs a
``clean`` filter on every file it rehashes). That configuration is not only
``.git/config``: git also reads the files it includes (``[include] path=…``,
``[includeIf …]``), and ``.git`` may be a ``gitdir:`` file pointing anywhere. A repository
cloned by the instructor has a config git wrote, but one received as an archive (an
upload) may carry any config. Hence two rules:

- A command that reads the student's configuration is one that runs no program:
  ``rev-parse`` (:func:`head`, the paths :func:`shadow` and :func:`is_clean` need), and
  even that one with :data:`SAFE_CONFIG` overriding what could run or be refused.
- Everything else runs in a :func:`shadow`: a bare repository of ours in a temporary
  folder that borrows the student's objects (``objects/info/alternates``) and nothing of
  their configuration, hooks, refs, grafts or replace refs. :func:`is_clean` runs
  ``git status`` there, on the student's work tree and a copy of their index; the
  ``filter=`` attributes of their ``.gitattributes`` name no driver in the shadow's
  configuration, so nothing runs.

Every call never prompts, reads no standard input, has a timeout, ignores the system and
global configuration and does not look for a repository above the folder it is given.
"""

from __future__ import annotations

import os
import stat
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

TIMEOUT_S = 30
# An index, shared index or shallow file larger than this is not copied (the work tree
# then counts as not clean, the history as unreadable).
MAX_COPY_BYTES = 64 * 2**20
# Overrides of what a hostile configuration could make git execute or refuse.
SAFE_CONFIG = (
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "core.pager=cat",
    "-c",
    "safe.directory=*",
    "-c",
    "log.showSignature=false",
    "-c",
    "diff.external=",
    # ``git archive`` expands ``$Format:%G?$`` (export-subst) by verifying signatures.
    "-c",
    "gpg.program=false",
    "-c",
    "gpg.ssh.program=false",
    "-c",
    "gpg.x509.program=false",
)


class GitError(Exception):
    """A git command failed; the message says which and why."""


def git(repo: Path, *args: str) -> str:
    """Run ``git -C repo args…`` and return its standard output (stripped).

    Git reads the configuration of ``repo``: on a student's repository use it only for
    commands that run no program (``rev-parse``); run anything else in a :func:`shadow`.
    """
    return _run(["-C", str(repo), *args], ceiling=Path(repo))


def _run(args: list[str], env: Mapping[str, str] | None = None, ceiling: Path | None = None) -> str:
    """``git SAFE_CONFIG args…`` with a clean environment plus ``env``; git looks for a
    repository no higher than ``ceiling`` (a student's folder without a valid ``.git``
    must not be taken for the instructor's repository around it)."""
    environment = {
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_NO_REPLACE_OBJECTS": "1",
        "HOME": "/nonexistent",
        "PATH": "/usr/bin:/bin",
        "LC_ALL": "C",
        **(env or {}),
    }
    if ceiling is not None:
        environment["GIT_CEILING_DIRECTORIES"] = str(ceiling.resolve().parent)
    try:
        done = subprocess.run(
            ["git", *SAFE_CONFIG, *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            encoding="utf-8",
            errors="surrogateescape",
            timeout=TIMEOUT_S,
            env=environment,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GitError(f"git {' '.join(args)}: {error}") from None
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {done.stderr.strip()[:300]}")
    return done.stdout.strip()


def is_repository(path: Path) -> bool:
    """Whether ``path`` is the top of a git work tree (a ``.git`` folder or file)."""
    return (Path(path) / ".git").exists()


def head(repo: Path) -> str | None:
    """The commit checked out in ``repo``, or None when it is not a git repository."""
    if not is_repository(repo):
        return None
    try:
        return git(repo, "rev-parse", "HEAD")
    except GitError:
        return None


def _git_paths(repo: Path, *names: str) -> list[Path]:
    """Where the files ``names`` of the repository's git folder are (``rev-parse
    --git-path``, which runs nothing; it follows a ``gitdir:`` file and linked work trees)."""
    options = [option for name in names for option in ("--git-path", name)]
    found = git(repo, "rev-parse", *options).splitlines()
    if len(found) != len(names):
        raise GitError(f"git rev-parse {' '.join(options)}: {found!r}")
    return [Path(repo) / path for path in found]


@contextmanager
def shadow(repo: Path) -> Iterator[Path]:
    """A bare repository, in a temporary folder removed on exit, that reads the objects of
    ``repo`` (and its shallow boundary) and nothing of its configuration, hooks or refs:
    run any git command that could run a program there, ``git -C <shadow> …`` (the
    student's commits by sha). Raises GitError when ``repo`` is not a readable git
    repository."""
    repo = Path(repo)
    objects, shallow = _git_paths(repo, "objects", "shallow")
    with tempfile.TemporaryDirectory(prefix="grading-shadow-") as tmp:
        bare = Path(tmp) / "shadow.git"
        bare.mkdir()
        git(bare, "init", "--quiet", "--bare", "--template=")
        alternates = bare / "objects" / "info" / "alternates"
        alternates.parent.mkdir(parents=True, exist_ok=True)
        alternates.write_bytes(os.fsencode(objects.resolve()) + b"\n")
        if shallow.exists() and not _copy_regular(shallow, bare / "shallow"):
            raise GitError(f"{shallow}: nie jest zwykłym plikiem do {MAX_COPY_BYTES} B")
        yield bare


def is_clean(repo: Path) -> bool:
    """Whether the work tree of ``repo`` has no uncommitted change to a tracked file and no
    new file that ``.gitignore`` does not ignore; False when it cannot be told (not a git
    repository, an unreadable index…).

    ``git status`` runs in a :func:`shadow` whose HEAD is the student's HEAD commit, on
    the student's work tree and a copy of their index (git may rewrite the index; the
    student's repository is only read). What only the student's git folder or config
    ignores (``.git/info/exclude``, ``core.excludesFile``) counts as new files. An index
    entry marked assume-unchanged or skip-worktree would hide its file's changes: the work
    tree then counts as not clean. Changes inside a submodule's work tree are not looked
    at (git would run ``git status`` in it, with the submodule's own configuration); a
    submodule checked out at another commit is a change.
    """
    commit = head(repo)
    if commit is None:
        return False
    repo = Path(repo)
    try:
        (index,) = _git_paths(repo, "index")
        with shadow(repo) as bare:
            (bare / "HEAD").write_text(commit + "\n", encoding="ascii")
            copy = bare / "index"
            if not _copy_regular(index, copy):
                return False
            # A split index keeps most entries in sharedindex.<sha>, next to the index.
            for shared in index.parent.glob("sharedindex.*"):
                _copy_regular(shared, bare / shared.name)
            options = [
                f"--git-dir={bare}",
                f"--work-tree={repo.resolve()}",
                "-c",
                "core.bare=false",
                "-c",
                "core.untrackedCache=false",
            ]
            env = {"GIT_INDEX_FILE": str(copy)}
            entries = _run([*options, "ls-files", "-v", "-z"], env).split("\0")
            if any(e[:1].islower() or e[:1] == "S" for e in entries if e):
                return False
            status = _run(
                [*options, "status", "--porcelain", "--untracked-files=normal",
                 "--ignore-submodules=dirty"],
                env,
            )  # fmt: skip
            return status == ""
    except (GitError, OSError):
        return False


def _copy_regular(source: Path, target: Path, limit: int = MAX_COPY_BYTES) -> bool:
    """Copy ``source`` to ``target``, keeping its modification time (git's check for
    racily clean entries compares with the index's), when it is a regular file of at most
    ``limit`` bytes; a FIFO or a device (also behind a link) is refused without being read."""
    try:
        descriptor = os.open(source, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return False
        data = handle.read(limit + 1)
    if len(data) > limit:
        return False
    target.write_bytes(data)
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    return True
