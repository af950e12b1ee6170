"""Retraining's decision (class 09): champion and challenger scored on the same data
(``retrain_comparison``) and promotion only of a better model (``retrain_promotion``).

The retraining stage (``dags.retrain`` run for ``run.retrain``, check 09.okno) leaves its
copy; the decision is the JSON file that run wrote with ``champion`` and ``challenger``
objects (the contract in grading/README.md, "Decyzja o dotrenowaniu")::

    {"champion":   {"version": "v0001", "evaluated_on": {"period": "2013-08", "rows": 28756}},
     "challenger": {"version": "v0003", "evaluated_on": {"period": "2013-08", "rows": 28756}},
     "decision":   {"promote": false}}

and the grader compares it with the registry as the student's own commands show it before
and after the run (:class:`grading.checks.run_registry.StudentRegistry`). The other path
of a promotion is forced by the grader: retraining on the copy 06.dryf left, where the
period's target is permuted, must leave ``production`` as it was.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grading.checks.base import Context, run_check
from grading.checks.run_dags import declared_dag, run_dag
from grading.checks.run_monitoring import SHIFTED
from grading.checks.run_registry import (
    PRODUCTION,
    Listing,
    StudentRegistry,
    declared_commands,
    is_window,
    registry_at,
)
from grading.checks.running import declared_dags, session, written_json
from grading.model import Evidence, Outcome, StudentError
from grading.polish import shown

CONTRACT = "format w grading/README.md, „Decyzja o dotrenowaniu”"
ROLES = ("champion", "challenger")


@dataclass(frozen=True)
class Decision:
    """The retraining run's decision record and the registry around it.

    Attributes:
        file: the record's path in the copy (POSIX, relative).
        record: the parsed JSON object.
        before: the registry listing of the copy the run started from.
        after: the registry listing of the copy the run left.
        windows: each role's ``train_months`` (``commands.registry_show`` after the run;
            None when the version is not there or has none).
    """

    file: str
    record: Mapping[str, Any]
    before: Listing
    after: Listing
    windows: Mapping[str, list[str] | None]

    def version(self, role: str) -> str:
        return str(self.record[role]["version"])


@run_check("retrain_comparison", required=("dag", "commands", "period"))
def retrain_comparison(context: Context, params: Mapping[str, Any]) -> Outcome:
    decision = retraining_decision(context, params)
    period = str(params["period"])
    scored = {role: decision.record[role].get("evaluated_on") for role in ROLES}
    problems = []
    periods = {role: _field(scored[role], "period") for role in ROLES}
    if not all(value == period for value in periods.values()):
        problems.append(
            f"okres oceny (evaluated_on.period) championa {periods['champion']!r}, challengera "
            f"{periods['challenger']!r} — oba mają być oceniane na {period}"
        )
    rows = {role: _field(scored[role], "rows") for role in ROLES}
    counts = [n for n in rows.values() if isinstance(n, int) and not isinstance(n, bool)]
    if len(counts) < 2 or counts[0] != counts[1] or counts[0] <= 0:
        problems.append(
            f"liczba wierszy oceny (evaluated_on.rows) championa {rows['champion']!r}, "
            f"challengera {rows['challenger']!r} — ma być ta sama liczba większa od 0"
        )
    champion, challenger = decision.version("champion"), decision.version("challenger")
    production = decision.before.aliases.get(PRODUCTION)
    if champion != production or challenger == champion:
        problems.append(
            f"champion {champion} nie jest wersją {PRODUCTION} sprzed przebiegu ({production})"
            if champion != production
            else f"challenger to ta sama wersja co champion ({champion})"
        )
    elif challenger not in decision.after.versions:
        problems.append(
            f"challengera {challenger} nie ma w rejestrze po przebiegu "
            f"(wersje: {', '.join(decision.after.versions)})"
        )
    windows = decision.windows
    if not (windows["champion"] and windows["challenger"]) or (
        max(windows["challenger"]) <= max(windows["champion"])
    ):
        problems.append(
            f"okno challengera (train_months z commands.registry_show) "
            f"{_shown(windows['challenger'])} nie kończy się później niż okno championa "
            f"{_shown(windows['champion'])}"
        )
    evidence = Evidence(file=decision.file)
    if not problems:
        return Outcome.passed(
            f"champion {champion} ({_shown(windows['champion'])}) i challenger {challenger} "
            f"({_shown(windows['challenger'])}) ocenieni na {period}, oba na {counts[0]} "
            f"wierszach ({decision.file})",
            evidence,
        )
    return Outcome.share(4 - len(problems), 4, "; ".join(problems), evidence)


@run_check("retrain_promotion", required=("dag", "commands", "period"))
def retrain_promotion(context: Context, params: Mapping[str, Any]) -> Outcome:
    """Both paths: the decision of the retraining stage carried out, and no promotion
    after retraining on the period 06.dryf shifted (its target permuted: neither model
    can be better there but by chance)."""
    decision = retraining_decision(context, params)
    verdict = decision.record.get("decision")
    promote = verdict.get("promote") if isinstance(verdict, Mapping) else None
    if not isinstance(promote, bool):
        raise StudentError(
            f"decyzja {decision.file} bez pola decision.promote (true albo false; {CONTRACT})",
            Evidence(file=decision.file),
        )
    champion, challenger = decision.version("champion"), decision.version("challenger")
    expected = challenger if promote else champion
    actual = decision.after.aliases.get(PRODUCTION)
    said = f"promocja {challenger}" if promote else f"zostaje {champion}"
    carried_out = actual == expected
    lines = [
        f"decyzja ({said}) wykonana: {PRODUCTION} = {actual} po przebiegu"
        if carried_out
        else f"decyzja mówi „{said}”, a {PRODUCTION} po przebiegu wskazuje {actual}"
    ]
    kept, line = _kept_on_noise(context, params)
    lines.append(line)
    evidence = Evidence(file=decision.file)
    if carried_out and kept:
        return Outcome.passed("; ".join(lines), evidence)
    return Outcome.share(int(carried_out) + int(kept), 2, "; ".join(lines), evidence)


def _kept_on_noise(context: Context, params: Mapping[str, Any]) -> tuple[bool, str]:
    """Retraining for ``period`` on the copy 06.dryf left (after monitoring, with the
    period's target permuted; no live-quality output): whether the run succeeded and
    left ``production`` as it was, and the message's part."""
    run = session(context)
    period = str(params["period"])
    noise = f"na {period} z wymieszanym celem (06.dryf)"
    shifted = run.stages.get(SHIFTED)
    if shifted is None or shifted.state is None:
        why = (
            f"się nie powiódł ({shifted.problem})"
            if shifted
            else "nie był uruchomiony (np. --classes bez 06)"
        )
        return False, f"dotrenowania {noise} nie dało się sprawdzić: 06.dryf {why}"
    dag_id, file = declared_dag(context, params["dag"])
    commands = declared_commands(params)
    with registry_at(run, shifted.state, commands, "promotion-noise") as registry:
        production = registry.listing().aliases.get(PRODUCTION)
        _, problem, _ = run_dag(run, registry.work, registry.repo, dag_id, file, [period])
        after = registry.listing().aliases.get(PRODUCTION)
    if production is None:
        return False, f"dotrenowanie {noise}: rejestr nie ma aliasu {PRODUCTION}"
    if problem:
        return False, f"dotrenowanie {noise} nie powiodło się: {problem}"
    if after != production:
        return False, (
            f"dotrenowanie {noise}: {PRODUCTION} zmienione z {production} na {after}, choć "
            "cechy nic tam nie mówią o celu (ROC AUC obu modeli ≈ 0,5) — promuj tylko, gdy "
            "challenger jest lepszy ponad szum (przedział ufności różnicy, margines)"
        )
    return True, f"dotrenowanie {noise}: {PRODUCTION} zostaje {production}"


def retraining_decision(context: Context, params: Mapping[str, Any]) -> Decision:
    """The retraining stage's decision and registry (read once per grading; a failure
    to read it is every asking check's failure).

    Raises:
        NotRunnable: the retraining stage, or the one before it, did not succeed.
        StudentError: no decision record, or the registry cannot be listed.
    """
    run = session(context)
    dags = declared_dags(context)
    after = run.after("retrain", dags)
    if after is None:
        raise StudentError("projekt.yaml nie deklaruje DAG-a dags.retrain")
    before = run.before("retrain", dags)
    commands = declared_commands(params)

    def read() -> Decision | StudentError:
        try:
            file, record = _record(after, run.stages["retrain"].written)
            with registry_at(run, before, commands, "decision-before") as registry:
                earlier = registry.listing()
            with registry_at(run, after, commands, "decision-after") as registry:
                listing = registry.listing()
                versions = {role: str(record[role]["version"]) for role in ROLES}
                windows = {
                    role: _window(registry, version) if version in listing.versions else None
                    for role, version in versions.items()
                }
            return Decision(file, record, earlier, listing, windows)
        except StudentError as error:
            return error

    decision = run.once("retrain-decision", read)
    if isinstance(decision, StudentError):
        raise decision
    return decision


def _record(after: Path, written: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    """The JSON file among those the retraining run ``written`` (added or changed) in its
    copy ``after`` that holds ``champion`` and ``challenger`` objects with a ``version``;
    copies of one record (a report folder's too) are one decision, the first by name."""
    found = [
        (name, record)
        for name, record in written_json(after, written)
        if isinstance(record, dict)
        and all(
            isinstance(record.get(role), dict) and isinstance(record[role].get("version"), str)
            for role in ROLES
        )
    ]
    if not found:
        raise StudentError(
            "przebieg dotrenowania nie zapisał decyzji: pliku JSON z obiektami champion i "
            f"challenger (każdy z polem version; {CONTRACT})"
        )
    if len({json.dumps(record, sort_keys=True) for _, record in found}) > 1:
        names = ", ".join(name for name, _ in found)
        raise StudentError(
            f"przebieg dotrenowania zapisał kilka decyzji ({shown(names[:200])}); dla jednego "
            "okresu ma być jedna"
        )
    return min(found, key=lambda item: item[0])


def _window(registry: StudentRegistry, version: str) -> list[str] | None:
    months = registry.show(version).get("train_months")
    return months if is_window(months) else None


def _shown(window: list[str] | None) -> str:
    return f"{window[0]}…{window[-1]}" if window else "brak"


def _field(scored: Any, name: str) -> Any:
    return scored.get(name) if isinstance(scored, Mapping) else None
