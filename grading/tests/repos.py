"""Repositories for the grader's tests, built in temporary folders.

``reference_copy`` copies this repository's files (those git tracks or would track) so
that a test can break one deliverable and see what the grader makes of it.
``write_files`` writes a check's fixture files into a folder and gives the context a check
reads them through; ``reference_params`` gives a rubric check's parameters as the grader
resolves them against this repository's ``projekt.yaml``.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from grading.checks.base import Context
from grading.engine import resolve_params
from grading.project import load_project
from grading.repo_files import RepoFiles
from grading.rubric import load_rubric

ROOT = Path(__file__).resolve().parents[2]


def repository_files() -> list[str]:
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def reference_params(check_id: str) -> tuple[str, dict[str, Any]]:
    """The kind and the parameters of the rubric check ``check_id``, each ``projekt:``
    value resolved from this repository's ``projekt.yaml`` the way the grader does it."""
    check = next(c for spec in load_rubric().classes for c in spec.checks if c.id == check_id)
    return check.kind, resolve_params(check.params, load_project(RepoFiles(ROOT)))


def write_files(root: Path, files: Mapping[str, Any]) -> Context:
    """Write ``files`` (path in ``root``: content) and return the context of a check run
    on ``root`` with an empty declaration. A ``str`` is written as UTF-8 text, ``bytes``
    as they are, anything else as its YAML dump."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return Context(RepoFiles(root), {})


def reference_copy(destination: Path) -> Path:
    """A copy of this repository's files (no .git, no data, no .venv) at ``destination``."""
    for name in repository_files():
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return destination


def empty_layout(destination: Path) -> Path:
    """The course's folders, each empty but for its README — the layout a student starts
    from before doing any work."""
    for spec in load_rubric().classes:
        (destination / spec.folder).mkdir(parents=True)
        shutil.copy2(ROOT / spec.folder / "README.md", destination / spec.folder / "README.md")
    return destination


def commit_all(repo: Path, message: str = "work", date: str | None = None) -> str:
    """Commit everything in ``repo`` (a new git repository when needed); the commit's sha."""
    env = {
        "GIT_AUTHOR_NAME": "s",
        "GIT_AUTHOR_EMAIL": "s@example.com",
        "GIT_COMMITTER_NAME": "s",
        "GIT_COMMITTER_EMAIL": "s@example.com",
        "PATH": "/usr/bin:/bin",
        "HOME": str(repo),
    }
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    if not (repo / ".git").exists():
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", message], check=True, env=env)
    return subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
