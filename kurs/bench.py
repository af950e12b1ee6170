"""``make run`` timed per stage: the whole course on a new data folder, then once more.

    python -m kurs.bench

The first run does everything (as on a fresh clone); the second finds every step's work
current and skips it (:mod:`kurs.run_state`), so it shows what a repeated ``make run``
costs. The times per stage are the runner's own (``make_run/last_run.json``); the totals
are wall time of the whole command, process start-up included. Both runs go to a
temporary data folder; like ``make run``, they rewrite the class folders' generated
reports (the same bytes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kurs import exit_codes, run_state
from kurs.cli import PolishArgumentParser
from kurs.polish import decimal, seconds
from kurs.repository import REPO_ROOT
from kurs.runner import TIMINGS

# The aim for the first run on 2 cores.
AIM_S = 300


def timed_run(data_dir: Path, log: Path) -> tuple[float, dict]:
    """``python -m kurs`` on ``data_dir``, output to ``log``: wall time (s) and the
    runner's timings.

    Raises:
        RuntimeError: the run failed; the message ends with the tail of its output.
    """
    environment = {**os.environ, "MLOPS_DATA_DIR": str(data_dir)}
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run(
            [sys.executable, "-m", "kurs"], cwd=REPO_ROOT, env=environment, stdout=out, stderr=out
        )
    took = time.perf_counter() - started
    if done.returncode != exit_codes.OK:
        tail = "".join(log.read_text(encoding="utf-8").splitlines(keepends=True)[-15:])
        raise RuntimeError(f"make run zakończył się kodem {done.returncode}:\n{tail}")
    path = data_dir / run_state.STATE_FOLDER / TIMINGS
    return took, json.loads(path.read_text(encoding="utf-8"))


def table(first: dict, second: dict) -> list[str]:
    """One line per stage: its time in the first run and in the second."""
    lines = [f"{'etap':<34} {'1. przebieg':>12} {'2. przebieg':>12}"]
    again = {stage["stage"]: stage for stage in second["stages"]}
    for stage in first["stages"]:
        repeated = again.get(stage["stage"])
        later = "—" if repeated is None else seconds(repeated["seconds"])
        if repeated and repeated["skipped"]:
            later = "pominięty"
        lines.append(f"{stage['stage']:<34} {seconds(stage['seconds']):>12} {later:>12}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = PolishArgumentParser(
        prog="python -m kurs.bench",
        description="Czas make run na etap: cały kurs na nowym folderze danych, potem ponownie.",
    )
    parser.parse_args(argv)
    print(f"make run dwa razy na nowym folderze danych (rdzeni: {os.cpu_count()}) …", flush=True)
    with tempfile.TemporaryDirectory(prefix="kurs-bench-") as folder:
        data = Path(folder) / "dane"
        try:
            first_s, first = timed_run(data, Path(folder) / "przebieg1.log")
            second_s, second = timed_run(data, Path(folder) / "przebieg2.log")
        except RuntimeError as error:
            print(f"Błąd: {error}", file=sys.stderr)
            return exit_codes.ERROR
    print(*table(first, second), sep="\n")
    within = "w celu" if first_s <= AIM_S else "PONAD cel"
    print(
        f"razem: 1. przebieg {seconds(first_s)} ({within} {seconds(AIM_S)}), "
        f"2. przebieg {seconds(second_s)} — {decimal(first_s / second_s)}× krócej"
    )
    return exit_codes.OK


if __name__ == "__main__":
    raise SystemExit(main())
