"""Monthly partitions on disk: ``<layer>/<table>/month=YYYY-MM/`` with data and a manifest.

The data file is named by its content (``data-<sha256 prefix>.parquet``) and written
first; the manifest, which names it, is written last and is the commit point. Both
writes are atomic and happen under the partition's lock. A reader follows the manifest,
so it sees the old partition or the new one, and a crash between the two writes leaves
the old partition intact (plus an unreferenced file that the next write removes).

Re-writing a partition with the same rows gives a byte-identical data file: rows keep
a deterministic order, the index is not stored, and the write time lives in the
manifest, not in the data. A partition with a schema (every raw partition: one per
table, :func:`zajecia_03_airflow_ingest.validation.raw_schema`) casts the rows to it
before writing, so the stored types never depend on where the rows came from.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kurs.atomic_io import exclusive_lock, write_bytes_atomic, write_text_atomic
from kurs.checksum import sha256_bytes
from kurs.jsonio import dumps
from zajecia_03_airflow_ingest.validation import raw_schema

DATA_PREFIX = "data-"
MANIFEST_FILE = "_manifest.json"
LOCK_FILE = ".lock"
RAW = "raw"


class PartitionError(RuntimeError):
    """A partition is missing, incomplete or does not match its manifest."""


class SchemaMismatch(PartitionError, ValueError):
    """Rows that do not fit the partition's schema; the message names the column. Nothing
    is written (a ValueError: writing the same rows again would not help)."""


@dataclass(frozen=True)
class Partition:
    """A partition folder: ``data_dir/layer/table/month=YYYY-MM`` (or a reference table).

    ``schema``: the Arrow schema every write is cast to; ``None`` keeps the frame's types.
    """

    folder: Path
    schema: pa.Schema | None = field(default=None, compare=False)

    @classmethod
    def of(
        cls,
        data_dir: Path,
        layer: str,
        table: str,
        month: str | None = None,
        schema: pa.Schema | None = None,
    ) -> Partition:
        folder = Path(data_dir) / layer / table
        return cls(folder / f"month={month}" if month else folder, schema)

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST_FILE

    def _lock(self):
        return exclusive_lock(self.folder / LOCK_FILE)

    def exists(self) -> bool:
        return self.manifest_path.is_file()

    def write(self, frame: pd.DataFrame, manifest: dict) -> dict:
        """Write the rows, then the manifest (row count, checksum, schema, time).

        The manifest's ``schema`` holds the pandas dtypes a reader gets, and
        ``arrow_schema`` the stored Arrow types, column by column.

        Raises:
            SchemaMismatch: the partition has a schema and a column is missing, extra, or
                has values its type cannot hold (an overflow, a finer timestamp).
        """
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self.schema is not None:
            table = self._cast(table)
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        data = buffer.getvalue()
        digest = sha256_bytes(data)
        name = f"{DATA_PREFIX}{digest[:16]}.parquet"
        full = {
            **manifest,
            "rows": len(frame),
            "data_file": name,
            "data_sha256": digest,
            "schema": {
                column: str(dtype)
                for column, dtype in table.schema.empty_table().to_pandas().dtypes.items()
            },
            "arrow_schema": {column.name: str(column.type) for column in table.schema},
            "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        with self._lock():
            write_bytes_atomic(self.folder / name, data)
            write_text_atomic(self.manifest_path, dumps(full))
            self._remove_data_files(keep=name)
        return full

    def _cast(self, table: pa.Table) -> pa.Table:
        """``table`` with the partition's schema: its columns, order, types and metadata."""
        names = set(self.schema.names)
        missing = [name for name in self.schema.names if name not in table.column_names]
        extra = [name for name in table.column_names if name not in names]
        if missing or extra:
            raise SchemaMismatch(
                f"{self.folder}: kolumny niezgodne ze schematem partycji — "
                f"brak: {', '.join(missing) or '—'}; nadmiarowe: {', '.join(extra) or '—'}"
            )
        columns = []
        for column in self.schema:
            values = table.column(column.name)
            try:  # a safe cast: refuses overflows and truncated timestamps
                columns.append(values.cast(column.type))
            except pa.ArrowException as error:
                raise SchemaMismatch(
                    f"{self.folder}: kolumna {column.name} typu {values.type} nie daje się "
                    f"zapisać jako {column.type} ({error})"
                ) from None
        return pa.Table.from_arrays(columns, schema=self.schema)

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
    """The validated rows of ``table`` (for ``month``, or a reference table without one),
    written with the table's one raw schema."""
    return Partition.of(data_dir, RAW, table, month, raw_schema(table))
