"""Atomic file writes: a reader sees the old file or the new one, never half of it.

Every class writes its outputs through these helpers. The data goes to a temporary
file in the target's folder (same file system, so the final rename is atomic), is
flushed to disk, and only then replaces the target with a rename.
"""

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write to; move it onto ``target`` if the block succeeds.

    If the block raises, the temporary file is removed and ``target`` is untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        # mkstemp creates files readable only by the owner; outputs are ordinary files.
        tmp.chmod(0o644)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (a lock file, created if missing) for the block.

    Writers that replace several files as one change (a partition's data and manifest, a
    registry version) take it, so that two of them never interleave.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_bytes_atomic(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically and return ``target``."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_text_atomic(target: Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``target`` atomically and return ``target``."""
    return write_bytes_atomic(target, text.encode("utf-8"))


def new_archive_folder(root: Path) -> Path:
    """A new numbered folder under ``root`` (``0001``, ``0002``…), created: where a re-run
    moves what an earlier run wrote, so that nothing is deleted."""
    root = Path(root)
    target = root / f"{len(list(root.glob('*'))) + 1 if root.is_dir() else 1:04d}"
    target.mkdir(parents=True)
    return target
