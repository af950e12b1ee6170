"""Monthly partitions on disk: ``<layer>/<table>/month=YYYY-MM/`` with data and a manifest.

The data file is named by its content (``data-<sha256 prefix>.parquet``) and written
first; the manifest, which names it, is written last and is the commit point. Both
writes are atomic and happen under the partition's lock. A reader follows the manifest,
so it sees the old partition or the new one, and a crash between the two writes leaves
the old partition intact (plus an unreferenced file that the next write removes).

Re-writing a partition with the same rows gives a byte-identical data file: rows keep
a deterministic order, the index is not stored, and the write time lives in the
manifest, not in the data.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from kurs.atomic_io import exclusive_lock, write_bytes_atomic, write_text_atomic
from kurs.checksum import sha256_bytes
from kurs.jsonio import dumps

DATA_PREFIX = "data-"
MANIFEST_FILE = "_manifest.json"
LOCK_FILE = ".lock"
RAW = "raw"


class PartitionError(RuntimeError):
    """A partition is missing, incomplete or does not match its manifest."""


@dataclass(frozen=True)
class Partition:
    """A partition folder: ``data_dir/layer/table/month=YYYY-MM`` (or a reference table)."""

    folder: Path

    @classmethod
    def of(cls, data_dir: Path, layer: str, table: str, month: str | None = None) -> Partition:
        folder = Path(data_dir) / layer / table
        return cls(folder / f"month={month}" if month else folder)

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST_FILE

    def _lock(self):
        return exclusive_lock(self.folder / LOCK_FILE)

    def exists(self) -> bool:
        return self.manifest_path.is_file()

    def write(self, frame: pd.DataFrame, manifest: dict) -> dict:
        """Write the rows, then the manifest (row count, checksum, schema, time)."""
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        data = buffer.getvalue()
        digest = sha256_bytes(data)
        name = f"{DATA_PREFIX}{digest[:16]}.parquet"
        full = {
            **manifest,
            "rows": len(frame),
            "data_file": name,
            "data_sha256": digest,
            "schema": {column: str(dtype) for column, dtype in frame.dtypes.items()},
            "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        with self._lock():
            write_bytes_atomic(self.folder / name, data)
            write_text_atomic(self.manifest_path, dumps(full))
            self._remove_data_files(keep=name)
        return full

    def _remove_data_files(self, keep: str | None = None) -> None:
        for path in self.folder.glob(f"{DATA_PREFIX}*.parquet"):
            if path.name != keep:
                path.unlink(missing_ok=True)

    def remove(self) -> None:
        """Remove the partition: the manifest first, so no reader sees it half-removed."""
        if not self.folder.is_dir():
            return
        with self._lock():
            self.manifest_path.unlink(missing_ok=True)
            self._remove_data_files()

    def manifest(self) -> dict:
        if not self.exists():
            raise PartitionError(f"brak partycji {self.folder} (nie ma {MANIFEST_FILE})")
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

    def read_with_manifest(self) -> tuple[pd.DataFrame, dict]:
        """The rows and the manifest describing exactly them.

        The file is read once, checked against the manifest's SHA-256, and parsed from
        memory, so it cannot change between the check and the use.
        """
        manifest = self.manifest()
        path = self.folder / manifest["data_file"]
        data = path.read_bytes() if path.is_file() else b""
        if sha256_bytes(data) != manifest["data_sha256"]:
            raise PartitionError(f"{path}: brak pliku albo suma kontrolna niezgodna z manifestem")
        return pd.read_parquet(io.BytesIO(data)), manifest

    def read(self) -> pd.DataFrame:
        """The rows, checked against the manifest."""
        return self.read_with_manifest()[0]


def raw_partition(data_dir: Path, table: str, month: str | None = None) -> Partition:
    """The validated rows of ``table`` (for ``month``, or a reference table without one)."""
    return Partition.of(data_dir, RAW, table, month)
