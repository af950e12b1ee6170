"""A notebook executed from scratch in a fresh kernel, in the sandbox
(``notebook_fresh_run``): what a reader gets who opens the repository and runs all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from grading.checks.base import Context, run_check
from grading.checks.running import command_argv, failure, read_result, script, session
from grading.model import Evidence, NotRunnable, Outcome, StudentError

# The whole pipeline on the default data (``prepare``): the reference's takes about 10
# minutes on 2 quiet cores, 18 on loaded ones; a repository's budget still bounds it.
PREPARE_TIMEOUT_S = 1800


@run_check("notebook_fresh_run", required=("notebook", "timeout"), optional=("prepare",))
def notebook_fresh_run(context: Context, params: Mapping[str, Any]) -> Outcome:
    """``prepare``: the command (``commands.pipeline``) that makes, on a fresh copy, the
    data the notebook reads — a report of the whole project reads what every class
    wrote — run in the sandbox before the notebook."""
    run = session(context)
    notebook: str = params["notebook"]
    if not context.files.is_file(notebook):
        raise StudentError(f"brak notebooka {notebook}", Evidence(file=notebook))
    work = run.folder("notebook")
    repo = run.copy(work)
    if "prepare" in params:
        argv = command_argv(str(params["prepare"]), "commands.pipeline")
        limit = run.timeout(PREPARE_TIMEOUT_S)
        prepared = run.sandbox(work).run(argv, repo, limit)
        if prepared.timed_out and limit < PREPARE_TIMEOUT_S:
            raise NotRunnable(
                f"budżet czasu repozytorium wyczerpany: potok (commands.pipeline) dostał "
                f"{limit / 60:.0f} z {PREPARE_TIMEOUT_S // 60} minut"
            )
        if not prepared.ok:
            message, evidence = failure(
                "potok przed notebookiem (commands.pipeline)", prepared, str(params["prepare"])
            )
            return Outcome.failed(
                f"{message} — bez danych potoku notebook {notebook} nie ma czego pokazać",
                evidence,
            )
    timeout = run.timeout(float(params["timeout"]))
    result = work / "notebook.json"
    argv = [
        run.python,
        script("notebook_run.py"),
        str(repo / notebook),
        str(int(timeout)),
        str(result),
    ]
    completed = run.sandbox(work).run(argv, repo, timeout)
    outcome = read_result(result)
    minutes = f"{timeout / 60:.0f} min"
    if completed.timed_out:
        return Outcome.failed(
            f"{notebook} nie wykonał się w {minutes} (nieskończona pętla albo zbyt długie "
            "obliczenia?)",
            Evidence(file=notebook),
        )
    if outcome is None or (not completed.ok and outcome.get("ok")):
        message, evidence = failure(f"wykonanie {notebook}", completed, f"nbclient {notebook}")
        return Outcome.failed(message, evidence)
    if not outcome.get("ok"):
        cell = outcome.get("cell")
        where = f" (komórka {cell})" if cell else ""
        return Outcome.failed(
            f"{notebook} nie wykonuje się od zera w świeżym jądrze{where}: {outcome.get('error')}",
            Evidence(file=notebook, cell=cell if isinstance(cell, int) else None),
        )
    return Outcome.passed(
        f"{notebook} wykonuje się od zera bez błędu ({completed.seconds:.0f} s)",
        Evidence(file=notebook),
    )
