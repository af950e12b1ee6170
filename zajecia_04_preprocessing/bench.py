"""Benchmark of classes 03–04: ingest and preprocessing of the 12 months of 2013.

Measured twice in one run, each on a fresh temporary data folder:

1. the plain functions the DAG tasks call (``ingest_month`` + ``preprocess_month``),
   which is the data work itself;
2. the same months through real Airflow (``flights_ingest`` then ``flights_preprocess``
   with ``dag.test()``, as ``make run`` does), which adds Airflow's start-up and
   per-task overhead.

    python -m zajecia_04_preprocessing.bench      (or: make bench)

The aim is at most 90 s for the twelve months through Airflow on 2 cores. Numbers are
printed, not asserted: tests stay deterministic.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from kurs import exit_codes
from kurs.backfill import run_backfill
from kurs.months import MONTHS_2013
from kurs.polish import decimal, seconds
from zajecia_03_airflow_ingest.config import IngestConfig
from zajecia_03_airflow_ingest.ingest import ingest_month, ingest_reference
from zajecia_04_preprocessing.preprocess import preprocess_month

AIM_SECONDS = 90


def build_year(data_dir: Path) -> Path:
    """Ingest and preprocess all of 2013 with the plain functions (the later benchmarks
    need the features and do not time this)."""
    config = IngestConfig(data_dir=data_dir)
    ingest_reference(config)
    for month in MONTHS_2013:
        ingest_month(month, config)
        preprocess_month(month, data_dir)
    return data_dir


def time_functions(data_dir: Path) -> dict[str, tuple[float, float]]:
    """Seconds of ingest and preprocessing per month, calling the functions directly."""
    config = IngestConfig(data_dir=data_dir)
    ingest_reference(config)
    times = {}
    for month in MONTHS_2013:
        started = time.perf_counter()
        ingest_month(month, config)
        ingested = time.perf_counter()
        preprocess_month(month, data_dir)
        times[month] = (ingested - started, time.perf_counter() - ingested)
    return times


def time_airflow(data_dir: Path) -> tuple[float, float]:
    """Wall seconds of the two backfills through Airflow (each in its own process)."""
    totals = []
    for dag_id in ("flights_ingest", "flights_preprocess"):
        started = time.perf_counter()
        run_backfill(dag_id, MONTHS_2013, data_dir, lambda line: None)
        totals.append(time.perf_counter() - started)
    return totals[0], totals[1]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        started = time.perf_counter()
        per_month = time_functions(Path(folder) / "functions")
        functions_total = time.perf_counter() - started
        ingest_airflow, preprocess_airflow = time_airflow(Path(folder) / "airflow")
    airflow_total = ingest_airflow + preprocess_airflow

    print("Zajęcia 03–04: 12 miesięcy 2013, pobieranie + przetwarzanie\n")
    print("Miesiąc   pobieranie  przetwarzanie   (same funkcje)")
    for month, (ingest, preprocess) in per_month.items():
        print(f"{month}   {seconds(ingest):>10}  {seconds(preprocess):>13}")
    print(f"\nSame funkcje, 12 miesięcy:        {seconds(functions_total)}")
    print(f"Airflow (dag.test), pobieranie:   {seconds(ingest_airflow)}")
    print(f"Airflow (dag.test), przetwarzanie: {seconds(preprocess_airflow)}")
    print(f"Airflow razem:                    {seconds(airflow_total)} (cel ≤ {AIM_SECONDS} s)")
    print(f"Airflow / same funkcje:           × {decimal(airflow_total / functions_total)}")
    return exit_codes.OK


if __name__ == "__main__":
    raise SystemExit(main())
