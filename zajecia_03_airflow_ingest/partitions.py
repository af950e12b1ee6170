"""Monthly partitions on disk: ``<layer>/<table>/month=YYYY-MM/data.parquet`` + manifest.

The data file is written first and the manifest last, both atomically, so a partition
whose manifest exists is complete. Re-writing a partition with the same rows gives a
byte-identical data file: rows keep a deterministic order, the index is not stored,
and the manifest (which holds the write time) lives beside the data, not inside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from zajecia_01_planowanie.atomic_io import atomic_path, write_text_atomic
from zajecia_02_eda.data import LOCAL_TZ
from zajecia_03_airflow_ingest.checksum import sha256_of

DATA_FILE = "data.parquet"
MANIFEST_FILE = "_manifest.json"
MONTHS_2013 = tuple(f"2013-{number:02d}" for number in range(1, 13))


def month_of(moment: datetime) -> str:
    """``YYYY-MM`` of a moment in New York time (the local dates the data set uses)."""
    return moment.astimezone(ZoneInfo(LOCAL_TZ)).strftime("%Y-%m")


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
    def data_path(self) -> Path:
        return self.folder / DATA_FILE

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST_FILE

    def exists(self) -> bool:
        return self.manifest_path.is_file()

    def write(self, frame: pd.DataFrame, manifest: dict) -> dict:
        """Write the rows and then the manifest (with row count, checksum and time)."""
        with atomic_path(self.data_path) as tmp:
            frame.to_parquet(tmp, index=False)
        full = {
            **manifest,
            "rows": len(frame),
            "data_file": DATA_FILE,
            "data_sha256": sha256_of(self.data_path),
            "schema": {column: str(dtype) for column, dtype in frame.dtypes.items()},
            "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        write_text_atomic(self.manifest_path, json.dumps(full, indent=2, ensure_ascii=False) + "\n")
        return full

    def remove(self) -> None:
        """Remove the partition: manifest first, so that no reader sees it half-removed."""
        self.manifest_path.unlink(missing_ok=True)
        self.data_path.unlink(missing_ok=True)

    def manifest(self) -> dict:
        if not self.exists():
            raise PartitionError(f"brak partycji {self.folder} (nie ma {MANIFEST_FILE})")
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

    def read(self) -> pd.DataFrame:
        """Read the rows, after checking that the file is the one the manifest describes."""
        manifest = self.manifest()
        if not self.data_path.is_file() or sha256_of(self.data_path) != manifest["data_sha256"]:
            raise PartitionError(f"{self.data_path}: suma kontrolna niezgodna z manifestem")
        return pd.read_parquet(self.data_path)
