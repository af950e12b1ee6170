"""Benchmark of the static grader (aims: this repository ≤ 5 s; 30 repositories with
``--jobs 2`` ≤ 60 s on 2 cores).

Times the static grading of this repository in this process, then a batch of 30
repositories generated from it — copies in which a varying share of the class folders was
removed, committed with git so that each has a graded commit — through the command line
with ``--jobs 2`` and ``--out`` (every output written), and the same batch again, when
every result is reused.

    python -m grading.bench      (or: make bench)
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from grading.cli import main as grade_main
from grading.engine import grade_repository
from grading.polish import pl
from grading.rubric import load_rubric

ROOT = Path(__file__).resolve().parents[1]
REPOSITORIES = 30
AIM_ONE_S = 5
AIM_BATCH_S = 60


def main() -> int:
    rubric = load_rubric()
    started = time.perf_counter()
    result = grade_repository(ROOT, rubric)
    one = time.perf_counter() - started
    print("Narzędzie oceniania: tryb statyczny\n")
    print(
        f"To repozytorium: {seconds(one)} s (cel ≤ {AIM_ONE_S} s), "
        f"{pl(result.total)} / {pl(result.evaluated_max)} pkt ocenionych"
    )
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as folder:
        repositories = generate(Path(folder), REPOSITORIES)
        out = Path(folder) / "wyniki"
        arguments = [*map(str, repositories), "--jobs", "2", "--out", str(out), "--format", "csv"]
        batch = timed_batch(arguments)
        again = timed_batch(arguments)
    print(
        f"Partia {REPOSITORIES} repozytoriów, --jobs 2: {seconds(batch)} s "
        f"(cel ≤ {AIM_BATCH_S} s; {seconds(batch / REPOSITORIES, 2)} s na repozytorium)"
    )
    print(
        f"Ta sama partia ponownie (wyniki bez zmian): {seconds(again)} s "
        f"({batch / again:.0f}× szybciej)"
    )
    return 0


def timed_batch(arguments: list[str]) -> float:
    """Seconds the grader's command line takes on ``arguments``, its output discarded."""
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        grade_main(arguments)
    return time.perf_counter() - started


def seconds(value: float, digits: int = 1) -> str:
    """Seconds with a decimal comma, as the course prints them."""
    return f"{value:.{digits}f}".replace(".", ",")


def generate(folder: Path, count: int) -> list[Path]:
    """``count`` committed copies of this repository; copy ``i`` lacks its last ``i % 12``
    class folders, so the batch spans every score from the full one to nearly nothing."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    template = folder / "wzor"
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (template / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, template / name)
    folders = [spec.folder for spec in load_rubric().classes]
    repositories = []
    for index in range(count):
        repository = folder / f"student{index:02d}"
        shutil.copytree(template, repository, symlinks=True)
        for class_folder in folders[len(folders) - index % 12 :]:
            shutil.rmtree(repository / class_folder)
        commit(repository)
        repositories.append(repository)
    return repositories


def commit(repository: Path) -> None:
    env = {
        "GIT_AUTHOR_NAME": "s",
        "GIT_AUTHOR_EMAIL": "s@example.com",
        "GIT_COMMITTER_NAME": "s",
        "GIT_COMMITTER_EMAIL": "s@example.com",
        "PATH": "/usr/bin:/bin",
    }
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "praca"]):
        subprocess.run(["git", "-C", str(repository), *command], check=True, env=env)


if __name__ == "__main__":
    raise SystemExit(main())
