"""What the run-mode check kinds share: the session, commands, Airflow's environment,
the files a run wrote, the grader's own result files.

A result a check reads comes from a file in the check's grader-owned folder (outside the
repository copy), written by a grader script (:data:`grading.runs.SCRIPTS`), and is
cross-checked with the exit status: a run that ended with an error never counts as a
pass because of what it left behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import stat
import string
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from grading.checks.base import Context
from grading.model import Evidence, StudentError
from grading.polish import shown
from grading.repo_files import RepoFiles
from grading.runs import SCRIPTS, RunSession
from grading.sandbox import Completed

# What a digest of the copy leaves out: git's own files, the environment and caches.
NOT_WORK = frozenset({".git", ".venv", "__pycache__", ".pytest_cache", ".ipynb_checkpoints"})
# The longest last line of a failed command's output a message quotes (its end is kept).
LAST_LINE = 300


def session(context: Context) -> RunSession:
    """The run session of a run-mode check (the engine calls run kinds only with one)."""
    if context.run is None:
        raise RuntimeError("run-mode check called without a run session")
    return context.run


def declared_dags(context: Context) -> Mapping[str, Any]:
    """The ``dags`` section of ``projekt.yaml`` (role → entry); empty when it is missing
    or not a mapping (the project check reports that)."""
    dags = context.project.get("dags")
    return dags if isinstance(dags, Mapping) else {}


def command_argv(template: str, entry: str, **values: str) -> list[str]:
    """The argument list of a ``projekt.yaml`` command: split like a shell would, then
    each ``{name}`` filled in (a value with spaces stays one argument; no shell runs).

    Raises:
        StudentError: the command does not split (unbalanced quotes) or names a
            placeholder that this check does not give.
    """
    try:
        words = shlex.split(template)
        names = {name for word in words for _, name, _, _ in string.Formatter().parse(word) if name}
    except ValueError as error:
        raise StudentError(
            f"polecenie {entry} w projekt.yaml nie daje się podzielić na argumenty: {error}"
        ) from None
    unknown = names - set(values)
    if unknown:
        raise StudentError(
            f"polecenie {entry} w projekt.yaml używa {', '.join(sorted(unknown))}; to "
            f"sprawdzenie daje tylko: {', '.join('{' + v + '}' for v in sorted(values)) or '—'}"
        )
    return [word.format(**values) for word in words]


def airflow_environment(folder: Path, dag_folder: Path) -> dict[str, str]:
    """Airflow with its metadata DB (SQLite) in ``folder / "airflow"`` and one DAG bundle,
    ``dag_folder`` (what ``dag.test()`` serializes the DAG from)."""
    home = folder / "airflow"
    home.mkdir(exist_ok=True)
    bundles = [
        {
            "name": "grading",
            "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
            "kwargs": {"path": str(dag_folder), "refresh_interval": 0},
        }
    ]
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST": json.dumps(bundles),
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
    }


def script(name: str) -> str:
    return str(SCRIPTS / name)


def read_result(path: Path) -> dict[str, Any] | None:
    """The JSON a grader script wrote, or None when there is none (it did not finish)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def digest(root: Path) -> dict[str, str]:
    """SHA-256 of every regular file under ``root`` (relative POSIX path → hex), without
    git's files, the environment and caches; symbolic links by their target, never
    followed; FIFOs, sockets and devices left out (reading a FIFO would block)."""
    found = {}
    for relative, path, status in _work_files(root):
        if stat.S_ISLNK(status.st_mode):
            found[relative] = f"link:{path.readlink()}"
        elif stat.S_ISREG(status.st_mode):
            found[relative] = file_sha256(path)
    return found


def file_clock(folder: Path) -> float:
    """Now, as the kernel stamps the modification time of a file in ``folder``: its
    coarse clock runs a few milliseconds behind ``time.time()``, so a file written right
    after ``time.time()`` may look older; ``folder``'s own time, set to now, does not."""
    os.utime(folder)
    return folder.stat().st_mtime


def touched(root: Path, since: float) -> list[str]:
    """The regular files under ``root`` modified at ``since`` (:func:`file_clock`) or
    later, as :func:`digest` names them: what a run wrote even when the bytes stayed the
    same (a committed report written again) — a copy keeps its files' modification
    times."""
    return sorted(
        relative
        for relative, _, status in _work_files(root)
        if stat.S_ISREG(status.st_mode) and status.st_mtime >= since
    )


def _work_files(root: Path) -> Iterator[tuple[str, Path, os.stat_result]]:
    """(relative POSIX path, path, lstat) of everything under ``root`` but git's files,
    the environment and caches; links to folders are not followed."""
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if name not in NOT_WORK]
        base = Path(folder)
        for name in names + [n for n in subfolders if (base / n).is_symlink()]:
            path = base / name
            yield path.relative_to(root).as_posix(), path, path.lstat()


def file_sha256(path: Path) -> str:
    """The file's SHA-256, read in chunks (a data file may be large)."""
    hashed = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            hashed.update(chunk)
    return hashed.hexdigest()


def written(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    """The files new or changed between two digests."""
    return sorted(name for name, sha in after.items() if before.get(name) != sha)


def written_json(state: Path, names: Iterable[str]) -> Iterator[tuple[str, Any]]:
    """(name, parsed content) of each ``.json`` file among ``names`` (what a stage wrote,
    relative POSIX paths) in the copy ``state``, read with :class:`RepoFiles`' limits
    (size, symbolic links out of the copy); files that do not read as JSON are left out:
    what a file must hold is the asking check's business."""
    files = RepoFiles(state)
    for name in names:
        if PurePosixPath(name).suffix != ".json":
            continue
        try:
            yield name, files.read_json(name)
        except StudentError:
            continue


def failure(what: str, completed: Completed, evidence_command: str) -> tuple[str, Evidence]:
    """A Polish message for a command that did not succeed, with the last line of its
    output (where a program says why it stopped; at most :data:`LAST_LINE` characters,
    its end kept), and its evidence (the command and the end of its output)."""
    if completed.timed_out:
        reason = f"{what}: przerwane po {completed.seconds:.0f} s (limit czasu)"
    else:
        reason = f"{what}: kod wyjścia {completed.returncode}"
    excerpt = completed.tail()
    if excerpt:
        last = excerpt.splitlines()[-1].strip()
        if len(last) > LAST_LINE:
            last = "…" + last[-LAST_LINE:]
        reason += f"; ostatni wiersz wyjścia: {shown(last, limit=LAST_LINE + 3)}"
    return reason, Evidence(command=evidence_command, excerpt=excerpt[-1000:] or None)
