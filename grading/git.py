"""Read-only git queries on a student's repository, hardened for untrusted repositories.

A repository's own ``.git/config`` can name programs git would run (``core.fsmonitor``,
hooks, pagers, signature checkers, filter drivers); every call here overrides them, never
prompts and has a timeout. A repository cloned by the instructor has a config git wrote,
but one received as an archive (an upload) may carry any config.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

TIMEOUT_S = 30
# Overrides of what a hostile .git/config could make git execute or refuse.
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
)


class GitError(Exception):
    """A git command failed; the message says which and why."""


def git(repo: Path, *args: str) -> str:
    """Run ``git -C repo args…`` and return its standard output (stripped)."""
    command = ["git", *SAFE_CONFIG, *_no_filters(repo), "-C", str(repo), *args]
    env = {
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": "/nonexistent",
        "PATH": "/usr/bin:/bin",
        "LC_ALL": "C",
    }
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_S, env=env, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GitError(f"git {' '.join(args)}: {error}") from None
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {done.stderr.strip()[:300]}")
    return done.stdout.strip()


def _no_filters(repo: Path) -> list[str]:
    """``-c`` options blanking every filter driver the repository's config names: ``git
    status`` would otherwise run their ``clean`` programs. Reading config runs nothing."""
    try:
        done = subprocess.run(
            [
                "git",
                "config",
                "--file",
                str(Path(repo) / ".git" / "config"),
                "--name-only",
                "--get-regexp",
                r"^filter\.",
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    drivers = {name.rsplit(".", 1)[0] for name in done.stdout.split()}
    return [
        option
        for driver in sorted(drivers)
        for key in ("clean", "smudge", "process")
        for option in ("-c", f"{driver}.{key}=")
    ]


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


def is_clean(repo: Path) -> bool:
    """Whether the work tree has no uncommitted changes to tracked or new files."""
    try:
        return git(repo, "status", "--porcelain", "--untracked-files=normal") == ""
    except GitError:
        return False
