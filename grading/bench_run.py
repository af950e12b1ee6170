"""Benchmark of the run mode: this repository graded whole with ``--run``, then a batch of
10 repositories with ``--jobs 2 --run``.

The batch grades classes 01–02 only (the student's tests and the EDA notebook run from
scratch): a whole run of this repository takes tens of minutes, ten of them would take
hours, and what the batch measures — workers, sandboxes and sessions side by side — is
the same for any class. The repositories are those of :mod:`grading.bench` (copies
lacking a varying share of the class folders).

    python -m grading.bench_run      (or: make bench-run; about 55 minutes on 2 cores)
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from grading.bench import ROOT, generate, seconds, timed_batch
from grading.engine import grade_repository
from grading.polish import pl
from grading.rubric import load_rubric
from grading.runs import RunSettings

REPOSITORIES = 10
BATCH_CLASSES = "01,02"


def main() -> int:
    rubric = load_rubric()
    started = time.perf_counter()
    result = grade_repository(ROOT, rubric, run=RunSettings())
    one = time.perf_counter() - started
    print("Narzędzie oceniania: tryb uruchomieniowy (--run)\n")
    print(
        f"To repozytorium: {seconds(one / 60)} min, {pl(result.total)} / "
        f"{pl(result.evaluated_max)} pkt ocenionych"
    )
    for graded in result.classes:
        lost = [c.id for c in graded.checks if c.points < c.max and c.status != "skipped"]
        print(f"  {graded.id}: {pl(graded.points)} / {pl(graded.max)}", *lost)
    with tempfile.TemporaryDirectory(prefix="bench-grading-run-") as folder:
        repositories = generate(Path(folder), REPOSITORIES)
        out = Path(folder) / "wyniki"
        arguments = [
            *map(str, repositories),
            *("--run", "--classes", BATCH_CLASSES, "--jobs", "2"),
            *("--out", str(out), "--format", "csv"),
        ]
        batch = timed_batch(arguments)
    print(
        f"Partia {REPOSITORIES} repozytoriów, --run --classes {BATCH_CLASSES} --jobs 2: "
        f"{seconds(batch)} s ({seconds(batch / REPOSITORIES)} s na repozytorium)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
