"""Which steps of ``make run`` are done: one stamp per step in the data folder.

A second ``make run`` skips a step whose work is still current: its stamp
(``$MLOPS_DATA_DIR/make_run/NN.json``) records the same key and every output it listed
still exists. The key is a fingerprint of

* the code the step runs: ``kurs/``, the step's class folder and every earlier one, with
  tests and generated outputs (:mod:`kurs.outputs`) left out and a notebook counted by its
  cells' sources, not by the outputs a run writes into it; ``pyproject.toml`` and
  ``uv.lock`` (the library versions);
* the run of the step before: a step that ran again gets a new run id, so every step
  after it runs again too — its data may have changed (a new model version, say).

A stamp is removed before its step starts and written after it succeeded: a step that
failed or was interrupted is never taken for done.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from kurs.jsonio import write_json_atomic
from kurs.outputs import is_output
from kurs.repository import REPO_ROOT, class_folders, class_number

STATE_FOLDER = "make_run"
LIBRARY_FILES = ("pyproject.toml", "uv.lock")
SKIPPED_PARTS = {"tests", "__pycache__"}


@dataclass(frozen=True)
class Stamp:
    """A step that succeeded: its key, its run's id, how long it took (s), what it made
    (absolute paths) and when it finished (ISO 8601, UTC)."""

    key: str
    run_id: str
    seconds: float
    outputs: tuple[str, ...]
    finished: str

    def is_current(self, key: str) -> bool:
        """Whether the step's work is done for ``key``: same key, every output there."""
        return self.key == key and all(Path(path).exists() for path in self.outputs)


def _counted_bytes(path: Path) -> bytes:
    """What of a file counts: a notebook's cell types and sources, any other file whole."""
    if path.suffix != ".ipynb":
        return path.read_bytes()
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return json.dumps([(cell["cell_type"], cell["source"]) for cell in cells]).encode()


def _code_files(root: Path, number: int) -> list[Path]:
    folders = [Path(root) / "kurs"]
    folders += [folder for folder in class_folders(root) if class_number(folder) <= number]
    files = [Path(root) / name for name in LIBRARY_FILES if (Path(root) / name).is_file()]
    for folder in folders:
        for path in folder.rglob("*"):
            relative = path.relative_to(root)
            if (
                path.is_file()
                and not SKIPPED_PARTS & set(relative.parts)
                and not any(part.startswith(".") for part in relative.parts)
                and not is_output(relative.as_posix())
            ):
                files.append(path)
    return sorted(files)


def code_fingerprint(number: int, root: Path = REPO_ROOT) -> str:
    """SHA-256 of the code that class ``number``'s step runs (see the module's doc)."""
    digest = hashlib.sha256()
    for path in _code_files(root, number):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(_counted_bytes(path)).digest())
    return digest.hexdigest()


def step_key(code: str, previous: Stamp | None) -> str:
    """The key of a step: its code's fingerprint and the run id of the step before it
    (``None`` for the first step)."""
    before = previous.run_id if previous else ""
    return hashlib.sha256(f"{code}\0{before}".encode()).hexdigest()


def stamp_path(data_dir: Path, number: int) -> Path:
    return Path(data_dir) / STATE_FOLDER / f"{number:02d}.json"


def read_stamp(data_dir: Path, number: int) -> Stamp | None:
    """The stamp of class ``number``'s step; ``None`` when there is none or it is not a
    stamp (then the step runs again, which is always safe)."""
    try:
        raw = json.loads(stamp_path(data_dir, number).read_text(encoding="utf-8"))
        return Stamp(**{**raw, "outputs": tuple(raw["outputs"])})
    except (OSError, ValueError, TypeError, KeyError):
        return None


def clear_stamp(data_dir: Path, number: int) -> None:
    stamp_path(data_dir, number).unlink(missing_ok=True)


def write_stamp(
    data_dir: Path, number: int, key: str, seconds: float, outputs: list[Path]
) -> Stamp:
    """Record that class ``number``'s step succeeded (atomically); return the stamp."""
    stamp = Stamp(
        key=key,
        run_id=uuid.uuid4().hex,
        seconds=round(seconds, 3),
        outputs=tuple(str(Path(path).resolve()) for path in outputs),
        finished=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    write_json_atomic(
        stamp_path(data_dir, number), {**asdict(stamp), "outputs": list(stamp.outputs)}
    )
    return stamp
