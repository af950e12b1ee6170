"""Benchmark of class 06: monitoring one month (aim ≤ 15 s per month on 2 cores).

Builds the 2013 features and trains the production model in a temporary folder (not
timed), then times the monitoring of July…December: scoring, drift, quality, the HTML
report with its figures and the JSON summary.

    python -m zajecia_06_monitoring.bench      (or: make bench)
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from kurs import exit_codes
from kurs.months import MONTHS_2013
from kurs.polish import seconds
from zajecia_04_preprocessing.bench import build_year
from zajecia_05_model.candidate import register_candidate, train_candidate
from zajecia_05_model.config import TrainConfig
from zajecia_05_model.registry import Registry
from zajecia_06_monitoring.monitor import monitor_and_report, status_line

AIM_SECONDS = 15


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        data_dir = build_year(Path(folder))
        candidate = train_candidate(TrainConfig(), data_dir, "bench")["candidate"]
        register_candidate(candidate, Registry(data_dir))
        print("Zajęcia 06: monitoring miesięcy po oknie treningowym\n")
        for month in MONTHS_2013[6:]:
            started = time.perf_counter()
            summary = monitor_and_report(month, data_dir)
            took = seconds(time.perf_counter() - started)
            print(f"{took:>7} (cel ≤ {AIM_SECONDS} s)  {status_line(summary)}")
    return exit_codes.OK


if __name__ == "__main__":
    raise SystemExit(main())
