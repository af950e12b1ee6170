"""Read the files of a student's quarantine; write the rows holding a marker as JSON.

Run inside the sandbox by the ``quarantine`` check (a Parquet file written by the
student's code is parsed here, not in the grader's process):
``python quarantine_rows.py RESULT_JSON MARKERS_JSON FILE...``. Each file is Parquet
(recognised by its first bytes) or CSV, plain or in gzip; every value is read as text.
The result maps each file to its columns and the rows (at most 20) in which some value
is one of the markers, or to the error that kept it from being read.
"""

import gzip
import io
import json
import sys
from pathlib import Path

import pandas as pd

MAX_ROWS = 20


def read(path: Path) -> pd.DataFrame:
    data = path.read_bytes()
    if data.startswith(b"\x1f\x8b"):
        data = gzip.decompress(data)
    if data.startswith(b"PAR1"):
        return pd.read_parquet(io.BytesIO(data))
    # sep=None: the delimiter is sniffed (a comma, a semicolon, a tab).
    return pd.read_csv(
        io.BytesIO(data), dtype=str, keep_default_na=False, sep=None, engine="python"
    )


def main() -> None:
    result, markers, files = Path(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3:]
    found = {}
    for name in files:
        try:
            frame = read(Path(name))
        except Exception as error:  # a broken file is the student's, reported as such
            found[name] = {"error": f"{type(error).__name__}: {error}"[:300]}
            continue
        text = frame.astype("string").fillna("").apply(lambda column: column.str.strip())
        marked = text.isin(markers).any(axis=1)
        found[name] = {
            "columns": [str(column) for column in frame.columns],
            "rows": text[marked].head(MAX_ROWS).to_numpy().tolist(),
        }
    result.write_text(json.dumps(found), encoding="utf-8")


if __name__ == "__main__":
    main()
