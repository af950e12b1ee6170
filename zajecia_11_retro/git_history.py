"""Commits and changed lines per folder of the repository, read from ``git log --numstat``.

Folders: each class folder (``zajecia_NN_topic/``), ``kurs/``, ``grading/``, and ``inne``
for everything else (files in the root, ``.ci/``). A commit counts in a folder when it
changes at least one file there. Merge commits bring no changes of their own and are left
out; a moved file is a deletion in its old place and an addition in the new one
(``--no-renames``); a binary file counts as changed, with no lines.

Paths in ``skip`` (the retrospective's own outputs) are not counted, and neither is a
commit that changed nothing else: committing a regenerated retrospective leaves the
statistics it shows as they were, so the next run writes the same bytes.

Without a history to read — git not installed, a folder that is not a repository (code
downloaded as a ZIP archive), a repository without commits, git failing — ``read_history``
raises :class:`HistoryUnavailable` with the reason in Polish. A shallow clone gives a
history marked ``shallow``: only the fetched commits, the oldest of them showing every
file it holds as added.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from kurs.repository import CLASS_FOLDER

OTHER = "inne"
SHARED = ("kurs", "grading")
GIT_TIMEOUT = 60  # seconds; the log of a course repository takes well under one
COMMIT_MARK = "\x01"
NO_COMMITS = "w repozytorium nie ma jeszcze commitów ze zmianami"


@dataclass(frozen=True)
class FolderChanges:
    """One folder: commits that changed it and the lines they added and deleted there.

    ``folder`` is ``zajecia_NN_topic/``, ``kurs/``, ``grading/`` or ``inne``.
    """

    folder: str
    commits: int
    added: int
    deleted: int


@dataclass(frozen=True)
class History:
    """The counted commits: how many, the days (``YYYY-MM-DD``, author dates) of the first
    and the last, and the changes per folder: the class folders they changed in class
    order, then ``kurs/``, ``grading/`` and ``inne``, listed even when unchanged."""

    commits: int
    first_day: str
    last_day: str
    folders: tuple[FolderChanges, ...]
    shallow: bool

    @property
    def added(self) -> int:
        return sum(folder.added for folder in self.folders)

    @property
    def deleted(self) -> int:
        return sum(folder.deleted for folder in self.folders)


class HistoryUnavailable(RuntimeError):
    """There is no git history to read; the message says why, in Polish."""


def folder_of(path: str) -> str:
    """The folder a changed file counts in: ``zajecia_01_planowanie/``, ``kurs/``,
    ``grading/`` or ``inne``."""
    # BEGIN SOLUTION: folder, w którym liczy się zmieniony plik
    top, slash, _ = path.partition("/")
    if slash and (CLASS_FOLDER.match(top) or top in SHARED):
        return f"{top}/"
    return OTHER
    # END SOLUTION


# BEGIN SOLUTION NO PROMPT
def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run git in ``root`` with messages in English (they are matched) and no user
    settings that change the log's format."""
    if shutil.which("git") is None:
        raise HistoryUnavailable("program git nie jest zainstalowany (nie ma go w PATH)")
    command = ["git", "-c", "log.showSignature=false", *args]
    try:
        return subprocess.run(
            command,
            cwd=root,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env={**os.environ, "LC_ALL": "C", "LANGUAGE": "C"},
            timeout=GIT_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise HistoryUnavailable(f"git nie odpowiedział w {GIT_TIMEOUT} s") from None


def _output(root: Path, *args: str) -> str:
    """What git prints to its output.

    Raises:
        HistoryUnavailable: git fails; not a repository, or git's first line of error.
    """
    answer = _git(root, *args)
    if answer.returncode == 0:
        return answer.stdout
    if "not a git repository" in answer.stderr:
        raise HistoryUnavailable(
            "ten folder nie jest repozytorium git (np. kod pobrany jako archiwum ZIP, "
            "bez folderu .git)"
        )
    first_line = next((line for line in answer.stderr.splitlines() if line.strip()), "")
    raise HistoryUnavailable(f"git zakończył się błędem: {first_line}")


def _lines(count: str) -> int:
    return 0 if count == "-" else int(count)


def _commits(log: str) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """Parse ``git log -z --numstat --format=<COMMIT_MARK>%as``: per commit its day and its
    files as ``(path, added, deleted)``; a binary file (``-``) has 0 lines."""
    commits: list[tuple[str, list[tuple[str, int, int]]]] = []
    for token in log.split("\0"):
        token = token.removeprefix("\n")
        if token.startswith(COMMIT_MARK):
            commits.append((token[1:], []))
        elif token:
            added, deleted, path = token.split("\t", 2)
            commits[-1][1].append((path, _lines(added), _lines(deleted)))
    return commits


def _order(changed: Collection[str]) -> list[str]:
    """The changed class folders in class order, then the shared folders and ``inne``."""
    classes = sorted(name for name in changed if CLASS_FOLDER.match(name.rstrip("/")))
    return [*classes, *(f"{name}/" for name in SHARED), OTHER]


# END SOLUTION


def read_history(root: Path, skip: Collection[str] = ()) -> History:
    """Commits and changed lines per folder of the repository at ``root``, up to ``HEAD``.

    Args:
        root: the repository's folder (paths are counted relative to it).
        skip: paths relative to ``root`` whose changes are not counted.

    Raises:
        HistoryUnavailable: no history to read (git missing, not a repository, no commits
            with changes, git failing); the message says which.
    """
    # BEGIN SOLUTION: commity i linie w folderach (git log --numstat)
    root = Path(root)
    shallow = _output(root, "rev-parse", "--is-shallow-repository").strip() == "true"
    if _git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        raise HistoryUnavailable(NO_COMMITS)
    log = _output(
        root,
        "log",
        "--no-merges",
        "--no-renames",
        "--no-color",
        "--relative",
        "--numstat",
        "-z",
        f"--format={COMMIT_MARK}%as",
        "HEAD",
    )
    commits: Counter[str] = Counter()
    added: Counter[str] = Counter()
    deleted: Counter[str] = Counter()
    days = []
    for day, files in _commits(log):
        counted = [change for change in files if change[0] not in skip]
        if not counted:
            continue
        days.append(day)
        for path, plus, minus in counted:
            added[folder_of(path)] += plus
            deleted[folder_of(path)] += minus
        commits.update({folder_of(path) for path, _, _ in counted})
    if not days:
        raise HistoryUnavailable(NO_COMMITS)
    return History(
        commits=len(days),
        first_day=min(days),
        last_day=max(days),
        folders=tuple(
            FolderChanges(name, commits[name], added[name], deleted[name])
            for name in _order(commits)
        ),
        shallow=shallow,
    )
    # END SOLUTION
