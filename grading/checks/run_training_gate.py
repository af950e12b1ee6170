"""The training's quality gate checked from outside (``training_gate_fails``, 05.bramka):
a model trained on data whose target says nothing must not be registered.

From what the training stage left (``run.stages["train"]``), the grader reads the window
of the ``production`` version (``train_months`` from ``commands.registry_show``). On a
copy of the stage before it — the data ready, no model registered, so that a training
that registers anything shows (a registry may register a re-run of the same period
idempotently, as the reference does with Airflow's run id) — it permutes the target's
source column in ``run.source.file`` with a fixed seed (the same
:func:`grading.checks.run_monitoring.shifted` as 06.dryf, without the drift column),
takes every period of that window in again through its own HTTP server
(``commands.ingest``, then ``commands.preprocess``), and runs ``commands.train`` for
``run.train`` as the training stage did. ``commands.registry_list`` failing on that copy
means a registry nothing was registered in yet. No model can beat a baseline on a permuted
target by more than chance, so a gate that compares the model with a baseline — by a
margin above the validation's noise — refuses it. The evidence is the registry as the
student's own commands show it before and after the run, and the run's exit status.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from grading.checks.base import Context, run_check
from grading.checks.run_ingest import source_files
from grading.checks.run_monitoring import shifted, take_in
from grading.checks.run_registry import (
    PRODUCTION,
    Listing,
    StudentRegistry,
    declared_command,
    declared_commands,
    is_window,
    registry_at,
)
from grading.checks.running import declared_dags, failure, session
from grading.model import Evidence, NotRunnable, Outcome, StudentError
from grading.polish import shown
from grading.sandbox import Completed

HINT = (
    "trening ma dostać dane z wymieszanym celem i je odrzucić; bramka jakości danych z "
    "zajęć 04 sprawdza cechy, a wymieszanie wartości celu między wierszami ich nie zmienia"
)
SAMPLE_HINT = (
    "próbka w run.source.folder ma obejmować każdy okres okna treningu (train_months "
    "wersji production), po co najmniej tyle wierszy, ile wymaga bramka jakości"
)


@run_check("training_gate_fails", required=("commands", "period", "source", "target"))
def training_gate_fails(context: Context, params: Mapping[str, Any]) -> Outcome:
    run = session(context)
    commands = declared_commands(params)
    pipeline = {entry: declared_command(commands, entry) for entry in ("ingest", "preprocess")}
    declared_command(commands, "train")  # before minutes of ingest, not after them
    files = source_files(context, params["source"])
    name = str(params["source"]["file"])
    if name not in files:
        raise StudentError(
            f"run.source.file: nie ma pliku {name} w folderze {params['source']['folder']}"
        )
    data, change = shifted(files[name], name, str(params["target"]), None)
    roles = declared_dags(context)
    trained = run.after("train", roles)
    if trained is None:  # the window is the trained production version's
        raise NotRunnable("projekt.yaml nie deklaruje dags.train")
    with registry_at(run, trained, commands, "bramka-okno") as registry:
        window = _production_window(registry, registry.listing())
    period = str(params["period"])
    with registry_at(run, run.before("train", roles), commands, "bramka") as registry:
        before = registry.listing(absent_ok=True)
        for month in window:
            try:
                take_in(
                    run,
                    registry.work,
                    registry.repo,
                    {**pipeline, "source": params["source"]},
                    {**files, name: data},
                    month,
                    HINT,
                )
            except StudentError as error:
                raise StudentError(
                    f"{change}; okres {month} okna treningu ({', '.join(window)}): "
                    f"{error.message} ({SAMPLE_HINT})",
                    error.evidence,
                ) from None
        completed = registry.call("train", month=period)
        if completed.timed_out:
            message, evidence = failure(
                f"trening dla {period} na danych z wymieszanym celem", completed, commands["train"]
            )
            return Outcome.failed(message, evidence)
        after = registry.listing(absent_ok=True)
    return _judged(before, after, completed, f"{change}; trening dla {period}", commands["train"])


def _production_window(registry: StudentRegistry, listing: Listing) -> list[str]:
    """The periods the ``production`` version was trained on (its ``train_months``)."""
    production = registry.production(listing)
    window = registry.show(production).get("train_months")
    if not is_window(window):
        raise StudentError(
            f"commands.registry_show {production}: train_months ma być listą okresów "
            f"RRRR-MM (okno danych treningu), jest {shown(window)} — narzędzie miesza cel "
            "właśnie w tych okresach",
            Evidence(command=registry.commands["registry_show"]),
        )
    return list(window)


def _judged(
    before: Listing, after: Listing, completed: Completed, said: str, command: str
) -> Outcome:
    """½ the training run ends with an error, ½ the registry has no new version and the
    same ``production``. ``said``: the message's beginning (what the data went through)."""
    added = [version for version in after.versions if version not in before.versions]
    production = before.aliases.get(PRODUCTION)
    kept = not added and after.aliases.get(PRODUCTION) == production
    if completed.ok:
        run_line = (
            "zakończony kodem 0 — model wytrenowany na wymieszanym celu nie został odrzucony "
            "albo odrzucenie nie kończy przebiegu błędem; bramka ma zatrzymać przebieg "
            "wyjątkiem w zadaniu, żeby był widoczny w Airflow i w CI"
        )
        evidence = Evidence(command=str(command))
    else:
        # The end of the output is the gate's own message: the instructor reads why.
        run_line, evidence = failure("zakończony błędem", completed, str(command))
    if kept:
        registry_line = (
            f"rejestr bez nowej wersji, {PRODUCTION} = {production}"
            if production
            else "rejestr bez żadnej wersji"
        )
    elif added:
        registry_line = (
            f"model bez przewagi nad punktem odniesienia zarejestrowany jako "
            f"{', '.join(added)} — bramka ma porównać model z punktem odniesienia przed "
            "rejestracją, z marginesem większym niż szum metryki na zbiorze walidacyjnym"
        )
    else:
        registry_line = (
            f"{PRODUCTION} zmienione z {production} na {after.aliases.get(PRODUCTION)} — "
            "odrzucony trening nie może ruszać aliasu"
        )
    message = f"{said}: {run_line}; {registry_line}"
    score = int(not completed.ok) + int(kept)
    if score == 2:
        return Outcome.passed(message, evidence)
    return Outcome.share(score, 2, message, evidence)
