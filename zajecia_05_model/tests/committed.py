"""Checks for the files ``make run`` writes into a class folder for git to keep.

Such a file must be where git keeps it (not under an ignored path) and must hold nothing
that changes between two runs on the same data — a time, a commit, a path of this
machine — or ``git status`` would never be clean after ``make run``.
"""

from __future__ import annotations

import re
import socket
import subprocess
from pathlib import Path

import pytest

from kurs.repository import REPO_ROOT
from kurs.testing.due import written

# Figures inside an HTML page: base64 text could spell anything, and PNGs are byte-stable.
DATA_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")
VOLATILE = {
    "time stamp": re.compile(r"\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d"),
    "commit": re.compile(r"\b(?=[0-9a-f]*[a-f])[0-9a-f]{12}\b|\+dirty"),
    "absolute path": re.compile(
        "|".join(re.escape(p) for p in (str(REPO_ROOT), "/tmp/", "/home/", "/root/"))
    ),
}


def volatile_content(text: str) -> list[str]:
    """What in ``text`` would change from run to run, as ``kind: excerpt``; empty if none."""
    text = DATA_URI.sub("", text)
    found = [f"{kind}: {m[0]}" for kind, rule in VOLATILE.items() for m in rule.finditer(text)]
    host = socket.gethostname()
    if len(host) >= 6 and host in text:
        found.append(f"host name: {host}")
    return found


def assert_kept_by_git(path: Path) -> None:
    """``path`` exists and no ``.gitignore`` rule hides it (skipped outside a git checkout).

    Raises:
        NotImplementedError: ``path`` does not exist (:func:`kurs.testing.due.written`).
    """
    assert written(path).is_file(), f"{path} nie jest plikiem"
    checked = subprocess.run(
        ["git", "check-ignore", "--quiet", "--no-index", str(path)], cwd=REPO_ROOT
    )
    if checked.returncode == 128:
        pytest.skip("not a git checkout")
    assert checked.returncode == 1, f"{path} is ignored by git"
