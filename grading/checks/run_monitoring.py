"""Monitoring of a period the grader shifted (``monitor_shifted``, class 06).

The grader makes the period ``run.retrain`` look like a model's bad month, and does it at
the source: it rewrites ``run.source.file`` (:func:`shifted`) with

* concept drift — the values of the target's source column (the first name in
  ``dataset.target`` that is a column of the file) permuted among the rows with a fixed
  seed: the features no longer say anything about the target;
* covariate shift, when ``projekt.yaml`` declares ``run.drift_column`` — only the rows
  whose value in that numeric column is in its top quarter are kept.

Both at once, so that a monitor alerting on quality and one alerting on drift both have
something to react to. The student's partitions are never edited (a checksummed manifest
would refuse an edited one for the wrong reason): on a copy of what the monitoring
stage left (``run.stages["monitor"]``), the grader serves the shifted source on its own
HTTP server (:func:`grading.checks.run_ingest.serving`), runs ``commands.ingest`` and
``commands.preprocess`` for ``run.retrain``, then the monitoring DAG for that period with
``dag.test()``. The copy stays for the session as the stage :data:`SHIFTED`: retraining
on that period must not promote (09.promocja). The evidence is grader-owned: the assets
of the events the run emitted, from the runner's result file, and the ``status`` of the
JSON files the run wrote in the copy (06.raport's contract: ok, warning or alert).
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from grading.checks.base import Context, run_check
from grading.checks.run_dags import declared_dag, run_dag
from grading.checks.run_gates import PREPROCESS_TIMEOUT_S
from grading.checks.run_ingest import (
    SCENARIO_TIMEOUT_S,
    SOCKET_TIMEOUT_S,
    csv_text,
    housekeeping,
    is_numeric,
    missing,
    number,
    parsed_csv,
    rewritten_csv,
    serving,
    source_files,
)
from grading.checks.running import (
    command_argv,
    declared_dags,
    digest,
    failure,
    file_clock,
    session,
    touched,
    written,
    written_json,
)
from grading.model import Evidence, NotRunnable, Outcome, StudentError
from grading.polish import plural, shown
from grading.runs import RunSession, StageResult

# The permutation's seed: the same source gives the same shifted file in every grading.
SEED = 6
# The session's stage key of the copy with the shifted period, monitored.
SHIFTED = "monitor_shifted"
ALERT = "alert"
DRIFT_HINT = (
    "monitoring ma zobaczyć przesunięte dane; bramka jakości może zatrzymać dane zepsute, "
    "ale nie każde przesunięcie rozkładu (gdy zatrzymuje je samo cięcie po "
    "run.drift_column, wybierz inną kolumnę)"
)
NAME = re.compile(r"[^\W\d]\w*")


@run_check(
    "monitor_shifted",
    required=("dag", "asset", "period", "source", "target", "ingest", "preprocess"),
    optional=("drift_column", "timeout"),
)
def monitor_shifted(context: Context, params: Mapping[str, Any]) -> Outcome:
    """The copy it leaves, or why there is none, is the session's stage :data:`SHIFTED`."""
    try:
        return _monitor_shifted(context, params)
    except (StudentError, NotRunnable) as error:
        reason = error.message if isinstance(error, StudentError) else str(error)
        session(context).stages[SHIFTED] = StageResult("", None, reason)
        raise


def _monitor_shifted(context: Context, params: Mapping[str, Any]) -> Outcome:
    run = session(context)
    dag_id, file = declared_dag(context, params["dag"])
    files = source_files(context, params["source"])
    name = str(params["source"]["file"])
    if name not in files:
        raise StudentError(
            f"run.source.file: nie ma pliku {name} w folderze {params['source']['folder']}"
        )
    drift = params.get("drift_column")
    data, shift = shifted(files[name], name, str(params["target"]), drift)
    state = run.after("monitor", declared_dags(context))
    if state is None:  # the rubric's dag is dags.monitor: declared whenever it resolves
        raise NotRunnable("projekt.yaml nie deklaruje dags.monitor")
    period = str(params["period"])
    command = f"dag.test({dag_id}, {period})"
    # Kept for the session: retraining on this period must not promote (09.promocja).
    work = run.folder(f"dryf-{dag_id}")
    repo = run.copy(work, state)
    try:
        take_in(run, work, repo, params, {**files, name: data}, period, DRIFT_HINT)
    except StudentError as error:  # say what the data went through
        raise StudentError(f"{shift}; {error.message}", error.evidence) from None
    started, before = file_clock(work), digest(repo)
    outcome, problem, runs = run_dag(run, work, repo, dag_id, file, [period])
    # A summary written again with the same bytes (a committed report) is the run's too.
    statuses = _statuses(repo, sorted({*written(before, digest(repo)), *touched(repo, started)}))
    run.stages[SHIFTED] = StageResult(dag_id, None if problem else repo, problem)
    if problem:
        return Outcome.failed(f"{shift}; przebieg monitoringu: {problem}", *outcome.evidence)
    asset = str(params["asset"])
    events = [event for done in runs for event in done["assets"]]
    emitted = [event["name"] for event in events]
    alerted = any(asset in (event["name"], event["uri"]) for event in events)
    status_ok, status_line = _status_line(statuses)
    event_line = (
        f"zdarzenie zasobu {asset}"
        if alerted
        else f"brak zdarzenia zasobu {asset} (assets.alert) z tego przebiegu; zdarzenia: "
        + (", ".join(dict.fromkeys(emitted)) or "żadnych")
        + " — zadanie z outlets=[Asset(…)] ma się wykonać przy alercie"
    )
    message = f"{shift}; przebieg {command}: {status_line}; {event_line}"
    evidence = Evidence(file=file, command=command)
    if status_ok and alerted:
        return Outcome.passed(message, evidence)
    return Outcome.share(int(status_ok) + int(alerted), 2, message, evidence)


def shifted(data: bytes, name: str, target: str, drift_column: str | None) -> tuple[bytes, str]:
    """``data`` — ``run.source.file``, a CSV plain, in gzip or alone in a zip — shifted,
    in the same container, and a Polish line saying how. Every row of the file is
    rewritten (the ingest keeps the monitored period's rows anyway).

    Raises:
        StudentError: the file is not such a CSV, ``target`` names none of its columns,
            or ``drift_column`` is not a numeric column of it.
    """
    said: list[str] = []

    def change(text: str, _: str) -> str:
        shifted_text, line = _shift(text, name, target, drift_column)
        said.append(line)
        return shifted_text

    return rewritten_csv(data, name, change), said[0]


def _shift(text: str, name: str, target: str, drift_column: str | None) -> tuple[str, str]:
    rows, delimiter, ending = parsed_csv(text, name)
    header = [cell.strip().lstrip("\ufeff") for cell in rows[0]]
    body = [row + [""] * (len(header) - len(row)) for row in rows[1:]]
    column = target_column(header, target, name)
    line = f"źródło {name} zmienione przez narzędzie: wartości kolumny celu {column} wymieszane"
    if drift_column is not None:
        kept = top_quarter(header, body, drift_column, name)
        line += (
            f", tylko górna ćwiartka kolumny {drift_column} ({len(kept)} z "
            f"{plural(len(body), 'wiersza', 'wierszy', 'wierszy')})"
        )
        body = kept
    index = header.index(column)
    present = [row for row in body if not missing(row[index])]
    values = [row[index] for row in present]
    random.Random(SEED).shuffle(values)
    for row, value in zip(present, values, strict=True):
        row[index] = value
    return csv_text([rows[0], *body], delimiter, ending), line


def target_column(header: list[str], target: str, name: str) -> str:
    """The first name in the target's definition that is a column of ``header``."""
    for word in NAME.findall(target):
        if word in header:
            return word
    raise StudentError(
        f"dataset.target ({shown(target)}) nie nazywa żadnej kolumny pliku {name} "
        f"(run.source.file; kolumny: {', '.join(header[:12])}{' …' if len(header) > 12 else ''})"
        " — narzędzie miesza wartości kolumny, z której powstaje cel"
    )


def top_quarter(header: list[str], body: list[list[str]], column: str, name: str) -> list:
    """The rows whose value in the numeric ``column`` is at least its third quartile
    (the value a quarter of the values present are at or above), in their order."""
    if column not in header:
        raise StudentError(
            f"run.drift_column: nie ma kolumny {shown(column)} w pliku {name} (run.source.file)"
        )
    index = header.index(column)
    if not is_numeric(row[index] for row in body):
        raise StudentError(
            f"run.drift_column: kolumna {column} pliku {name} ma być liczbowa (wszystkie "
            "wartości to liczby)"
        )
    values = sorted(number(row[index]) for row in body if not missing(row[index]))
    threshold = values[3 * len(values) // 4]
    return [row for row in body if not missing(row[index]) and number(row[index]) >= threshold]


def take_in(
    run: RunSession,
    work: Path,
    repo: Path,
    params: Mapping[str, Any],
    files: Mapping[str, bytes],
    period: str,
    hint: str,
) -> None:
    """``commands.ingest`` of ``period`` from ``files`` (the grader's changed source) on
    the grader's server, then ``commands.preprocess`` of it, in ``repo``. Raises
    StudentError when either fails (the preprocessing's message ends with ``hint``: why
    the changed data should pass) or the ingest never asked the server for the file."""
    timeout = float(params.get("timeout", SCENARIO_TIMEOUT_S))
    limit = run.timeout(timeout)
    name = str(params["source"]["file"])
    with serving(files, "ok", limit + SOCKET_TIMEOUT_S) as server:
        argv = command_argv(
            str(params["ingest"]), "commands.ingest", month=period, source=server.url
        )
        completed = run.sandbox(work).run(argv, repo, limit, network=True)
        hits = server.hits()
    if not completed.ok:
        message, evidence = failure(
            f"pobieranie zmienionego źródła dla {period}", completed, str(params["ingest"])
        )
        raise StudentError(message, evidence)
    if name not in hits:
        raise StudentError(
            f"pobieranie dla {period} udane, ale serwer narzędzia nie dostał żądania {name} — "
            "polecenie ma pobierać pliki spod adresu {source} i zastąpić partycję okresu, "
            "także gdy już jest (pobieranie, które pomija gotowy okres, go nie pobierze)",
            Evidence(command=str(params["ingest"])),
        )
    argv = command_argv(str(params["preprocess"]), "commands.preprocess", month=period)
    timeout = float(params.get("timeout", PREPROCESS_TIMEOUT_S))
    completed = run.sandbox(work).run(argv, repo, run.timeout(timeout))
    if not completed.ok:
        message, evidence = failure(
            f"przetwarzanie zmienionych danych {period}", completed, str(params["preprocess"])
        )
        raise StudentError(f"{message} — {hint}", evidence)


def _statuses(repo: Path, names: list[str]) -> list[tuple[str, Any]]:
    """(file, status) of each JSON file among ``names`` (written by the run) whose
    top level has a ``status`` field."""
    return [
        (name, content["status"])
        for name, content in written_json(repo, names)
        if not housekeeping(name) and isinstance(content, dict) and "status" in content
    ]


def _status_line(statuses: list[tuple[str, Any]]) -> tuple[bool, str]:
    """Whether a status is ``alert``, and the message's part on the statuses."""
    alerts = [name for name, status in statuses if status == ALERT]
    if alerts:
        return True, f"status {ALERT} ({', '.join(alerts[:3])})"
    if not statuses:
        return False, (
            "przebieg nie zapisał ani nie zmienił pliku JSON z polem status (ok, warning "
            "albo alert, jak w 06.raport)"
        )
    found = ", ".join(f"{name}: {shown(status)}" for name, status in statuses[:3])
    return False, (
        f"status bez alertu ({found}) — monitoring nie rozpoznał danych z wymieszanym celem "
        "(spadek jakości) ani przesuniętej kolumny"
    )
