"""The repository: where the code is, which class folders it has, which commit it is at,
and where generated data goes.

The data folder is resolved once, at an entry point (a command line, a DAG task, the API's
settings, the ``make run`` runner), and passed down as an argument from there.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CLASS_FOLDER = re.compile(r"^zajecia_(\d\d)_\w+$")


def class_folders(root: Path = REPO_ROOT) -> list[Path]:
    """The class packages (``zajecia_NN_topic/``) under ``root``, in class order."""
    return sorted(p for p in Path(root).iterdir() if p.is_dir() and CLASS_FOLDER.match(p.name))


def class_number(folder: Path) -> int:
    """``7`` for ``zajecia_07_docker``.

    Raises:
        ValueError: not a class folder name.
    """
    match = CLASS_FOLDER.match(Path(folder).name)
    if match is None:
        raise ValueError(f"{folder} nie jest folderem zajęć (zajecia_NN_temat)")
    return int(match[1])


def data_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where generated data lives: ``MLOPS_DATA_DIR`` or ``data/`` in the repository."""
    return Path(environ.get("MLOPS_DATA_DIR") or REPO_ROOT / "data").resolve()


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


@functools.cache
def code_version() -> str:
    """The git commit of the code (``+dirty`` with uncommitted changes), for manifests.

    ``MLOPS_CODE_VERSION`` wins: a container image has no ``.git`` folder.
    """
    if version := os.environ.get("MLOPS_CODE_VERSION"):
        return version
    try:
        commit = _git("rev-parse", "--short=12", "HEAD")
        changes = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}+dirty" if changes else commit
