"""Airflow DAGs run for real in the sandbox: imported by DagBag (``dag_import``), run for
a period with ``dag.test()`` in a temporary ``AIRFLOW_HOME`` (``dag_run``), and run again
for the same period (``dag_rerun_identical``).

Importing a DAG file runs the student's code, so even parsing happens in a sandboxed
process. A ``dag_run`` of a pipeline role (``dags.ingest``, ``dags.preprocess``…) runs
on the copy the previous role's run left (:meth:`grading.runs.RunSession.before`) and
hands its own copy to the next one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from grading.checks.base import Context, run_check
from grading.checks.run_production_api import send_traffic
from grading.checks.running import (
    airflow_environment,
    declared_dags,
    digest,
    failure,
    file_clock,
    read_result,
    script,
    session,
    touched,
    written,
)
from grading.model import Evidence, NotRunnable, Outcome, StudentError
from grading.polish import plural
from grading.runs import StageResult

IMPORT_TIMEOUT_S = 180
# Airflow's own limit on importing one DAG file (``dagbag_import_timeout``, default 30 s).
FILE_IMPORT_TIMEOUT_S = 30
RUN_TIMEOUT_S = 900
# Files that may differ between two identical runs: manifests, reports and logs carry the
# time of the run, locks are touched. Any other file a re-run adds, changes or removes
# is data that did not come out the same.
NOT_DATA_SUFFIXES = frozenset({".json", ".html", ".log", ".lock", ".md", ".txt"})
DONE = frozenset({"success", "skipped"})


@run_check("dag_import", required=("dag",), optional=("file_timeout",))
def dag_import(context: Context, params: Mapping[str, Any]) -> Outcome:
    run = session(context)
    dag_id, file = declared_dag(context, params["dag"])
    work = run.folder(f"import-{dag_id}")
    repo = run.copy(work)
    folder = repo / PurePosixPath(file).parent
    result = work / "dagbag.json"
    argv = [run.python, script("dag_import.py"), str(folder), str(result)]
    file_timeout = params.get("file_timeout", FILE_IMPORT_TIMEOUT_S)
    environment = {
        **airflow_environment(work, folder),
        "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": str(file_timeout),
    }
    completed = run.sandbox(work).run(argv, repo, run.timeout(IMPORT_TIMEOUT_S), environment)
    bag = read_result(result)
    evidence = Evidence(file=file, command=f"DagBag({PurePosixPath(file).parent})")
    if completed.timed_out:
        return Outcome.failed(
            f"import folderu DAG-ów trwał ponad {completed.seconds:.0f} s — kod na poziomie "
            "modułu (poza zadaniami) nie może czekać ani liczyć długo; Airflow importuje plik "
            "co kilkadziesiąt sekund",
            evidence,
        )
    if bag is None or not completed.ok:
        message, excerpt = failure("import folderu DAG-ów", completed, evidence.command or "")
        return Outcome.failed(message, excerpt)
    if bag["errors"]:
        name, text = next(iter(bag["errors"].items()))
        last = text.strip().splitlines()[-1] if text.strip() else ""
        return Outcome.failed(
            f"błędy importu DAG-ów: {', '.join(bag['errors'])}; pierwszy ({name}): {last}",
            Evidence(file=file, excerpt=text[-1000:]),
        )
    if dag_id not in bag["dags"]:
        return Outcome.failed(
            f"folder importuje się bez błędów, ale nie ma w nim DAG-a {dag_id!r}; są: "
            f"{', '.join(bag['dags']) or 'żadne'}",
            evidence,
        )
    return Outcome.passed(f"DAG {dag_id} importuje się bez błędów", evidence)


@run_check("dag_run", required=("dag", "periods"), optional=("traffic", "server", "api"))
def dag_run(context: Context, params: Mapping[str, Any]) -> Outcome:
    """With ``traffic`` (and ``server``, ``api``): the period's requests are sent to the
    production API first (:func:`send_traffic`), as the live quality DAG expects."""
    run = session(context)
    role = _role(context, params["dag"])
    dag_id, file = declared_dag(context, params["dag"])
    periods = params["periods"] if isinstance(params["periods"], list) else [params["periods"]]
    shown_periods = ", ".join(str(p) for p in periods)
    earlier = run.before(role, declared_dags(context))
    work = run.folder(f"run-{dag_id}")
    repo = run.copy(work, earlier)
    started = file_clock(work)  # the copy keeps its files' times: newer ones are the stage's
    if "traffic" in params:
        try:
            for period in periods:
                send_traffic(context, params, repo, str(period))
        except StudentError as error:  # the next stages say why they cannot run
            run.stages[role] = StageResult(dag_id, None, error.message)
            raise
    before = digest(repo)
    outcome, problem, _ = run_dag(run, work, repo, dag_id, file, [str(p) for p in periods])
    files = written(before, digest(repo))
    if problem:
        run.stages[role] = StageResult(dag_id, None, problem)
        return outcome
    rewritten = sorted({*files, *touched(repo, started)})
    run.stages[role] = StageResult(dag_id, repo, written=tuple(rewritten))
    if not files:
        return Outcome.share(
            1,
            2,
            f"przebiegi {dag_id} ({shown_periods}) udane, ale nie zapisały żadnego pliku w "
            "repozytorium — gdzie są ich wyniki?",
            Evidence(file=file),
        )
    shown_files = ", ".join(files[:4]) + (" …" if len(files) > 4 else "")
    return Outcome.passed(
        f"przebiegi {dag_id} ({shown_periods}) udane; zapisane "
        f"{plural(len(files), 'plik', 'pliki', 'plików')}: {shown_files}",
        Evidence(file=file),
    )


@run_check("dag_rerun_identical", required=("dag", "periods"))
def dag_rerun_identical(context: Context, params: Mapping[str, Any]) -> Outcome:
    run = session(context)
    role = _role(context, params["dag"])
    dag_id, file = declared_dag(context, params["dag"])
    first = run.stages.get(role)
    if first is None or first.state is None:
        raise NotRunnable(f"wymaga udanego pierwszego przebiegu DAG-a {dag_id}")
    # The first period the first runs covered, run again on the copy they left.
    periods = params["periods"] if isinstance(params["periods"], list) else [params["periods"]]
    period = str(periods[0])
    with run.scratch(f"rerun-{dag_id}") as work:
        repo = run.copy(work, first.state)
        before = digest(repo)
        outcome, problem, _ = run_dag(run, work, repo, dag_id, file, [period])
        after = digest(repo)
    if problem:
        return Outcome.failed(f"drugi przebieg tego samego okresu: {outcome.message}")
    data = [
        name
        for name in {*written(before, after), *(set(before) - set(after))}
        if PurePosixPath(name).suffix not in NOT_DATA_SUFFIXES
    ]
    added = sorted(name for name in data if name not in before)
    changed = sorted(name for name in data if name in before)
    if added:
        return Outcome.failed(
            f"drugi przebieg dla {period} dopisał nowe pliki danych "
            f"({', '.join(added[:4])}) — dane się duplikują; zapisuj partycję okresu w stałym "
            "miejscu, zastępując ją",
            Evidence(file=added[0]),
        )
    if changed:
        return Outcome.failed(
            f"drugi przebieg dla {period} zmienił albo usunął pliki danych "
            f"({', '.join(changed[:4])}) — wynik nie jest powtarzalny (losowość bez ziarna, "
            "czas w danych, kolejność?)",
            Evidence(file=changed[0]),
        )
    return Outcome.passed(
        f"drugi przebieg {dag_id} dla {period} daje te same bajty danych, bez duplikatów",
        Evidence(file=file),
    )


def run_dag(
    run, work, repo, dag_id: str, file: str, periods: list[str]
) -> tuple[Outcome, str, list[dict[str, Any]]]:
    """``dag.test()`` for each period in order, in one sandboxed process: (outcome,
    problem, runs) — problem empty when every run succeeded; runs as the runner wrote
    them (period, state, tasks, the assets of the events it emitted), empty when it
    wrote nothing usable."""
    folder = repo / PurePosixPath(file).parent
    result = work / "dagrun.json"
    argv = [run.python, script("dag_run.py"), str(folder), dag_id, str(result), *periods]
    completed = run.sandbox(work).run(
        argv, repo, run.timeout(RUN_TIMEOUT_S * len(periods)), airflow_environment(work, folder)
    )
    state = read_result(result)
    command = f"dag.test({dag_id}, {', '.join(periods)})"
    if state is not None and not _well_formed(state):
        state = None
    if state is None or not completed.ok:
        message, evidence = failure(f"przebiegi {dag_id}", completed, command)
        return Outcome.failed(message, evidence), message, []
    if not state["found"]:
        errors = "; ".join(
            text.strip().splitlines()[-1] for text in state["errors"] if text.strip()
        )
        message = f"nie ma DAG-a {dag_id} w {PurePosixPath(file).parent}" + (
            f" (błędy importu: {errors})" if errors else ""
        )
        return Outcome.failed(message, Evidence(file=file)), message, []
    for done in state["runs"]:
        tasks = done["tasks"]
        failed = sorted(task for task, task_state in tasks.items() if task_state not in DONE)
        if done["state"] != "success" or failed or not tasks:
            message = (
                f"przebieg {dag_id} dla {done['period']}: stan {done['state']}"
                + (f", zadania nieudane: {', '.join(failed)}" if failed else "")
                + ("" if tasks else ", żadne zadanie się nie wykonało (okres poza harmonogramem?)")
            )
            return (
                Outcome.failed(message, Evidence(file=file, command=command)),
                message,
                state["runs"],
            )
    return Outcome.passed("", Evidence(file=file)), "", state["runs"]


def _well_formed(state: dict[str, Any]) -> bool:
    """Whether the runner's result has the shape it writes (the file is in reach of the
    student's code: a forged one is a failure, not a grader error)."""
    runs = state.get("runs")
    return (
        isinstance(state.get("found"), bool)
        and isinstance(state.get("errors"), list)
        and all(isinstance(text, str) for text in state["errors"])
        and isinstance(runs, list)
        and all(
            isinstance(done, dict)
            and isinstance(done.get("period"), str)
            and isinstance(done.get("state"), str)
            and isinstance(done.get("tasks"), dict)
            and isinstance(done.get("assets"), list)
            and all(
                isinstance(asset, dict)
                and isinstance(asset.get("name"), str)
                and isinstance(asset.get("uri"), str)
                for asset in done["assets"]
            )
            for done in runs
        )
    )


def declared_dag(context: Context, dag: Any) -> tuple[str, str]:
    if not isinstance(dag, Mapping) or "id" not in dag or "file" not in dag:
        raise StudentError("wpis DAG-a w projekt.yaml musi mieć id i file")
    if not context.files.is_file(dag["file"]):
        raise StudentError(f"brak pliku DAG-a {dag['file']}", Evidence(file=dag["file"]))
    return str(dag["id"]), str(dag["file"])


def _role(context: Context, dag: Any) -> str:
    """The ``dags.<role>`` entry of projekt.yaml the resolved parameter came from."""
    for role, declared in declared_dags(context).items():
        if declared == dag:
            return role
    raise StudentError("DAG nie jest zadeklarowany w sekcji dags projekt.yaml")
