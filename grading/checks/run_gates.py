"""Data that breaks the quality gate of class 04 (``quality_gate_fails``).

The grader's source server (:mod:`grading.checks.run_ingest`) delivers a fraction of the
first period — the header of ``run.source.file`` and its first :data:`TRUNCATED_ROWS`
rows — the student's ingest takes it in, and ``commands.preprocess`` of that period must
then end with an error and a report, writing no partition: "a truncated partition is a
source error" is a gate every data set needs (a minimal row count).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from grading.checks.base import Context, run_check
from grading.checks.run_ingest import (
    SCENARIO_TIMEOUT_S,
    housekeeping,
    ingested,
    source_files,
    truncated,
)
from grading.checks.running import command_argv, digest, failure, session, written
from grading.model import Evidence, Outcome, StudentError

TRUNCATED_ROWS = 20
PREPROCESS_TIMEOUT_S = 600
# What a partition is written in; a report is anything else the failed run wrote.
DATA_SUFFIXES = (".parquet", ".csv", ".feather", ".arrow", ".npy", ".pkl", ".pickle")


@run_check(
    "quality_gate_fails",
    required=("command", "ingest", "source", "periods"),
    optional=("timeout",),
)
def quality_gate_fails(context: Context, params: Mapping[str, Any]) -> Outcome:
    run = session(context)
    files = source_files(context, params["source"])
    name = str(params["source"]["file"])
    if name not in files:
        raise StudentError(
            f"run.source.file: nie ma pliku {name} w folderze {params['source']['folder']}"
        )
    cut = {**files, name: truncated(files[name], name, TRUNCATED_ROWS)}
    periods = params["periods"] if isinstance(params["periods"], list) else [params["periods"]]
    period = str(periods[0])
    timeout = float(params.get("timeout", SCENARIO_TIMEOUT_S))
    ingest = {**params, "command": params["ingest"]}
    evidence = Evidence(command=str(params["command"]))
    with ingested(run, ingest, cut, "ok", timeout) as (repo, ran):
        if not ran.completed.ok:
            message = failure("pobieranie uciętego źródła", ran.completed, "")[0]
            raise StudentError(
                f"{message} — pobieranie ma przyjąć poprawne wiersze (bramka jakości jest w "
                "przetwarzaniu), a nie ma czego sprawdzić",
                Evidence(command=str(params["ingest"])),
            )
        argv = command_argv(str(params["command"]), "commands.preprocess", month=period)
        before = digest(repo)
        completed = run.sandbox(repo.parent).run(argv, repo, run.timeout(PREPROCESS_TIMEOUT_S))
        new = [n for n in written(before, digest(repo)) if not housekeeping(n)]
    partition = [n for n in new if PurePosixPath(n).suffix in DATA_SUFFIXES]
    reports = [n for n in new if n not in partition]
    problems = []
    if completed.timed_out:
        problems.append(failure(f"przetwarzanie {period}", completed, "")[0])
    elif completed.ok:
        problems.append(
            f"przetwarzanie {period} z {TRUNCATED_ROWS} wierszami w {name} zakończyło się "
            "kodem 0 — bramka (np. minimalna liczba wierszy) ma zatrzymać przebieg"
        )
    if partition or not reports:
        problems.append(
            f"zapisana partycja mimo błędu: {', '.join(partition[:3])}"
            if partition
            else "brak raportu bramki (żaden nowy plik poza logami)"
        )
    if not problems:
        return Outcome.passed(
            f"przetwarzanie {period} z {TRUNCATED_ROWS} wierszami w {name}: błąd (kod "
            f"{completed.returncode}), raport {', '.join(reports[:3])}, bez partycji",
            evidence,
        )
    return Outcome.share(2 - len(problems), 2, "; ".join(problems), evidence)
