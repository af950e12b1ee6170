"""The sample source the grader serves over HTTP (``run.source`` in ``projekt.yaml``).

The grader's run mode checks the ingest against its own web server on 127.0.0.1: it
serves this folder at ``{source}`` and runs ``commands.ingest`` for the first period of
``run.periods`` (checks 03.http, 03.kwarantanna, 04.bramka), for each month of the
training window (05.bramka, with the target permuted by the grader) and for the period
``run.retrain`` (06.dryf, on data the grader shifts). The folder holds the five files
under the package's names and formats; the monthly tables keep the first week of each
month of the training window, January to June 2013, and the whole of August 2013
(:data:`KEPT`), so that each of the grader's runs takes seconds and the repository stays
small. A week is over 6000 flights, above the preprocessing quality gate's minimum of a
month (``min_rows``: 5000). August is kept whole because 06.dryf keeps only a quarter of
its flights (the highest flight numbers, ``run.drift_column``). The lines are copied as
text, never re-written, so every value is exactly the package's.

    python -m zajecia_03_airflow_ingest.source_sample
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from zajecia_02_eda.data import TABLES, package_data_dir

FOLDER = Path(__file__).with_name("zrodlo")
# Days kept of each month (year, month): the training window (its first month is the first
# period of run.periods) and run.retrain.
KEPT = {**{(2013, month): 7 for month in range(1, 7)}, (2013, 8): 31}
MONTHLY = ("flights", "weather")
# A fixed time and mode: the archive does not change with the day it is made.
ZIP_TIME = (2013, 1, 1, 0, 0, 0)


def first_days(text: str, days: dict[tuple[int, int], int] = KEPT) -> str:
    """The header and the lines of ``text`` (a CSV table with ``year``, ``month`` and
    ``day`` columns) dated in the first ``days[(year, month)]`` days of a month ``days``
    names, unchanged and in their order."""
    lines = text.splitlines(keepends=True)
    header = next(csv.reader(lines[:1]))
    year, number, day = (header.index(column) for column in ("year", "month", "day"))
    kept = [lines[0]]
    for line in lines[1:]:
        row = next(csv.reader([line]))
        if int(row[day]) <= days.get((int(row[year]), int(row[number])), 0):
            kept.append(line)
    return "".join(kept)


def sample_files() -> dict[str, bytes]:
    """The five files of the sample source by name (the package's names)."""
    package = package_data_dir()
    files = {}
    for table, spec in TABLES.items():
        path = package / spec.file
        if table not in MONTHLY:
            files[spec.file] = path.read_bytes()
        elif zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                (member,) = archive.namelist()
                text = first_days(archive.read(member).decode("utf-8"))
            files[spec.file] = _zipped(member, text.encode("utf-8"))
        else:
            files[spec.file] = first_days(path.read_text(encoding="utf-8")).encode("utf-8")
    return files


def _zipped(member: str, data: bytes) -> bytes:
    info = zipfile.ZipInfo(member, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, data)
    return buffer.getvalue()


def write_sample(folder: Path = FOLDER) -> list[Path]:
    """Write the sample source into ``folder``; the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in sample_files().items():
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


def main() -> int:
    for path in write_sample():
        print(f"{path} ({path.stat().st_size:,} B)".replace(",", " "))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
