"""A student's ingest for the run-mode tests: a small script fetching the sample source
from the grader's server ({source}), with the habits a test chooses (retries, a timeout,
atomic writes, a quarantine)."""

ROWS = "date,station,rentals,temp\n" + "".join(
    f"2022-01-{day:02d},S{station},{100 + day * station},{-2.5 + day / 2}\n"
    for day in range(3, 10)
    for station in (1, 2, 3)
)
STATIONS = "station,name\nS1,Rynek\nS2,Dworzec\nS3,Politechnika\n"
SOURCE = {"folder": "zrodlo", "file": "dane.csv"}
COMMAND = ".venv/bin/python ingest.py --month {month} --source {source}"
# The scenario limit of the tests: the careful ingest gives up on a silent server in about
# three seconds; the careless one waits until this limit stops it.
TIMEOUT_S = 10

INGEST = """import argparse, csv, http.client, io, json, os, sys, time, urllib.error
import urllib.request
from pathlib import Path

RETRIES = {retries}
TIMEOUT = {timeout}
ATOMIC = {atomic}
QUARANTINE = "{quarantine}"
FILES = ("dane.csv", "stacje.csv")
ERRORS = (urllib.error.URLError, http.client.HTTPException, OSError)


def fetch(url):
    for attempt in range(RETRIES + 1):
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
                return response.read()  # a body shorter than Content-Length raises
        except ERRORS as error:
            problem = error
            time.sleep(0.1)
    sys.exit(f"nie udało się pobrać {{url}}: {{problem}}")


def stream(url, target):
    # Careless: straight into the partition, chunk by chunk; a short body just ends.
    for attempt in range(RETRIES + 1):
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("wb") as handle:
                    while chunk := response.read(1024):
                        handle.write(chunk)
                if RETRIES and target.stat().st_size != int(response.headers["Content-Length"]):
                    sys.exit(f"{{url}}: ucięty plik")
                return
        except ERRORS as error:
            problem = error
            time.sleep(0.1)
    sys.exit(f"nie udało się pobrać {{url}}: {{problem}}")


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(text)
    os.replace(partial, path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--month")
    parser.add_argument("--source")
    args = parser.parse_args()
    if not ATOMIC:
        stream(args.source + "dane.csv", Path("data/raw/dane.csv"))
        return
    texts = {{name: fetch(args.source + name).decode() for name in FILES}}
    rows = list(csv.DictReader(io.StringIO(texts["dane.csv"])))
    good, bad = [], []
    for row in rows:
        reasons = []
        for column, kind in (("rentals", int), ("temp", float)):
            try:
                kind(row[column])
            except ValueError:
                reasons.append(f"{{column}}: nie liczba {{row[column]!r}}")
        if not row["station"]:
            reasons.append("station: brak")
        if reasons:
            bad.append({{**row, "reason": "; ".join(reasons)}})
        elif row["date"].startswith(args.month):
            good.append(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\\n")
    writer.writeheader()
    writer.writerows(good)
    write(Path(f"data/raw/month={{args.month}}/dane.csv"), out.getvalue())
    write(Path("data/raw/stacje.csv"), texts["stacje.csv"])
    manifest = {{"rows": len(good), "time": time.time()}}
    write(Path(f"data/raw/month={{args.month}}/_manifest.json"), json.dumps(manifest))
    if QUARANTINE == "parquet" and bad:
        import pandas

        Path("data/kwarantanna").mkdir(parents=True)
        pandas.DataFrame(bad).to_parquet(f"data/kwarantanna/{{args.month}}.parquet")
    elif QUARANTINE in ("csv", "no-reason") and bad:
        columns = [*rows[0], "reason"] if QUARANTINE == "csv" else list(rows[0])
        out = io.StringIO()
        writer = csv.DictWriter(
            out, fieldnames=columns, lineterminator="\\n", extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(bad)
        write(Path(f"data/kwarantanna/{{args.month}}.csv"), out.getvalue())
    print(f"{{len(good)}} wierszy, {{len(bad)}} w kwarantannie")


main()
"""
