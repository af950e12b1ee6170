"""A notebook executed from scratch in a fresh kernel, in the sandbox
(``notebook_fresh_run``): what a reader gets who opens the repository and runs all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from grading.checks.base import Context, run_check
from grading.checks.running import failure, read_result, script, session
from grading.model import Evidence, Outcome, StudentError


@run_check("notebook_fresh_run", required=("notebook", "timeout"), optional=("after",))
def notebook_fresh_run(context: Context, params: Mapping[str, Any]) -> Outcome:
    """``after``: a pipeline role (``retrain``…) whose run's copy, with the data the
    pipeline wrote, the notebook runs in (a report of the whole project reads it)."""
    run = session(context)
    notebook: str = params["notebook"]
    if not context.files.is_file(notebook):
        raise StudentError(f"brak notebooka {notebook}", Evidence(file=notebook))
    state = (
        run.after(params["after"], context.project.get("dags", {})) if "after" in params else None
    )
    work = run.folder("notebook")
    repo = run.copy(work, state)
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
