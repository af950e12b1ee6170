"""The model registry through the student's own commands (classes 05 and 08): the
metadata of a registered version (``registry_metadata``), a version whose model file
was changed (``tampered_model_refused``) and promote / rollback (``registry_commands``).

The grader reads the registry only through ``commands.registry_list`` and
``commands.registry_show``, which print JSON (the contract in grading/README.md,
"Rejestr modeli")::

    registry_list → {"versions": ["v1", "v2"], "aliases": {"production": "v1"}}
    registry_show → {"version": "v2", "model_path": "...", "model_sha256": "<hex>",
                     "train_months": [...], "data_checksums": {...}, "metrics": {...}}

so the same checks grade any registry layout. The registry is the one the training stage
(``dags.train``) left; promote and rollback need two versions, so the grader runs
``commands.train`` once more, for the later period ``run.monitor`` (a new training run
registers a new version), and every check works on its own copy of that.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grading.checks.base import Context, run_check
from grading.checks.running import command_argv, declared_dags, failure, file_sha256, session
from grading.model import Evidence, Outcome, StudentError
from grading.polish import shown
from grading.runs import RunSession
from grading.sandbox import Completed

COMMAND_TIMEOUT_S = 120
TRAIN_TIMEOUT_S = 900
PRODUCTION = "production"
PERIOD = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
SHA256 = re.compile(r"^(sha256:)?[0-9a-f]{64}$")


@dataclass(frozen=True)
class Listing:
    """What ``registry_list`` printed: versions, oldest first, and alias → version."""

    versions: list[str]
    aliases: dict[str, str]


class StudentRegistry:
    """The registry of one repository copy, reached only through the declared commands."""

    def __init__(self, run: RunSession, work: Path, repo: Path, commands: Mapping[str, Any]):
        self.run, self.work, self.repo, self.commands = run, work, repo, commands

    def call(self, entry: str, **values: str) -> Completed:
        """Run ``commands.<entry>`` in the sandbox; the Completed command."""
        template = declared_command(self.commands, entry)
        argv = command_argv(template, f"commands.{entry}", **values)
        timeout = self.run.timeout(TRAIN_TIMEOUT_S if entry == "train" else COMMAND_TIMEOUT_S)
        return self.run.sandbox(self.work).run(argv, self.repo, timeout)

    def json(self, entry: str, **values: str) -> Any:
        """The JSON ``commands.<entry>`` printed. Raises StudentError when the command
        failed or printed something else."""
        return self._parsed(entry, self.call(entry, **values))

    def _parsed(self, entry: str, completed: Completed) -> Any:
        if not completed.ok:
            message, evidence = failure(f"commands.{entry}", completed, self.commands[entry])
            raise StudentError(message, evidence)
        try:
            return json.loads(completed.stdout)
        except ValueError:
            raise StudentError(
                f"commands.{entry} nie wypisał JSON-a (format w grading/README.md, „Rejestr "
                f"modeli”): {shown(completed.stdout[:200])}",
                Evidence(command=self.commands[entry]),
            ) from None

    def listing(self, absent_ok: bool = False) -> Listing:
        """What ``registry_list`` printed. With ``absent_ok``, a failing command means a
        registry nothing was registered in yet: no versions, no aliases."""
        completed = self.call("registry_list")
        if absent_ok and not completed.ok:
            return Listing([], {})
        data = self._parsed("registry_list", completed)
        versions = data.get("versions") if isinstance(data, dict) else None
        aliases = data.get("aliases") if isinstance(data, dict) else None
        if not (
            isinstance(versions, list)
            and all(isinstance(v, str) for v in versions)
            and isinstance(aliases, dict)
            and all(isinstance(v, str) for v in aliases.values())
        ):
            raise StudentError(
                'commands.registry_list: oczekiwany JSON {"versions": [...], "aliases": '
                f"{{...}}}}, jest {shown(json.dumps(data)[:200])}",
                Evidence(command=self.commands["registry_list"]),
            )
        return Listing(versions, aliases)

    def show(self, version: str) -> dict[str, Any]:
        data = self.json("registry_show", version=version)
        if not isinstance(data, dict) or data.get("version") != version:
            raise StudentError(
                f"commands.registry_show dla {version}: oczekiwany obiekt JSON z "
                f'"version": "{version}"',
                Evidence(command=self.commands["registry_show"]),
            )
        return data

    def production(self, listing: Listing) -> str:
        """The version ``production`` points to in ``listing``; StudentError when none."""
        production = listing.aliases.get(PRODUCTION)
        if production is None:
            raise StudentError(
                f"rejestr po treningu nie ma aliasu {PRODUCTION} (aliasy: "
                f"{', '.join(listing.aliases) or 'brak'})",
                Evidence(command=self.commands["registry_list"]),
            )
        return production

    def production_and_other(self) -> tuple[str, str]:
        """The production version and the newest other one (promote's target)."""
        listing = self.listing()
        production = self.production(listing)
        others = [v for v in listing.versions if v != production]
        if not others:
            raise StudentError(
                "po drugim treningu (dla run.monitor) rejestr ma wciąż jedną wersję; promote i "
                "rollback wymagają dwóch (każdy przebieg treningu rejestruje nową wersję)",
                Evidence(command=self.commands["registry_list"]),
            )
        return production, others[-1]


@run_check("registry_metadata", required=("commands",))
def registry_metadata(context: Context, params: Mapping[str, Any]) -> Outcome:
    with registry_copy(context, params, history=False) as registry:
        listing = registry.listing()
        versions = listing.versions
        version = listing.aliases.get(PRODUCTION) or (versions[-1] if versions else None)
        if version is None:
            raise StudentError("rejestr po treningu nie ma żadnej wersji")
        record = registry.show(version)
        model = _model_path(registry, record)
        actual = file_sha256(model) if model is not None and model.is_file() else None
    parts = {
        "metryki (liczby w metrics)": any(json_numbers(record.get("metrics"))),
        "metryki per okres (metrics z kluczami RRRR-MM)": _per_period(record.get("metrics")),
        "okno danych (train_months)": is_window(record.get("train_months")),
        "sumy kontrolne danych (data_checksums)": _checksums(record.get("data_checksums")),
        "suma pliku modelu (model_sha256 = SHA-256 pliku model_path)": actual is not None
        and _bare(record.get("model_sha256")) == actual,
    }
    missing = [name for name, ok in parts.items() if not ok]
    evidence = Evidence(command=registry.commands["registry_show"].format(version=version))
    if not missing:
        return Outcome.passed(f"metadane wersji {version} kompletne: " + ", ".join(parts), evidence)
    return Outcome.share(
        len(parts) - len(missing),
        len(parts),
        f"metadane wersji {version} bez: " + "; ".join(missing),
        evidence,
    )


@run_check("tampered_model_refused", required=("commands", "period"))
def tampered_model_refused(context: Context, params: Mapping[str, Any]) -> Outcome:
    with registry_copy(context, params, history=True) as registry:
        production, target = registry.production_and_other()
        model = _model_path(registry, registry.show(target))
        if model is None or not model.is_file():
            raise StudentError(
                f"commands.registry_show {target}: model_path nie wskazuje pliku w repozytorium"
            )
        _flip_a_byte(model)
        promoted = registry.call("promote", version=target)
        after = registry.listing().aliases.get(PRODUCTION)
    refused, unchanged = not promoted.ok, after == production
    evidence = Evidence(command=registry.commands["promote"].format(version=target))
    if refused and unchanged:
        return Outcome.passed(
            f"promote {target} ze zmienionym bajtem pliku modelu kończy się błędem, "
            f"{PRODUCTION} zostaje na {production}",
            evidence,
        )
    problems = []
    if not refused:
        problems.append(f"promote {target} ze zmienionym plikiem modelu zakończył się kodem 0")
    if not unchanged:
        problems.append(f"{PRODUCTION} wskazuje {after} zamiast {production}")
    return Outcome.share(
        refused + unchanged,
        2,
        "; ".join(problems) + " — sprawdzaj sumę SHA-256 pliku przed przestawieniem aliasu",
        evidence,
    )


@run_check("registry_commands", required=("commands", "period"))
def registry_commands(context: Context, params: Mapping[str, Any]) -> Outcome:
    with registry_copy(context, params, history=True) as registry:
        production, target = registry.production_and_other()
        steps = {
            f"show {target}": lambda: registry.show(target),
            f"promote {target} → {PRODUCTION} = {target}": lambda: _switched(
                registry, "promote", target, version=target
            ),
            f"rollback → {PRODUCTION} = {production}": lambda: _switched(
                registry, "rollback", production
            ),
        }
        failed = [
            f"{name} ({problem})" for name, step in steps.items() if (problem := _fails(step))
        ]
    evidence = Evidence(command=registry.commands["promote"].format(version=target))
    if not failed:
        return Outcome.passed("list, " + ", ".join(steps) + ": zgodnie z opisem", evidence)
    return Outcome.share(
        1 + len(steps) - len(failed),  # list worked: the versions came from it
        1 + len(steps),
        "nie działa zgodnie z opisem: " + "; ".join(failed),
        evidence,
    )


def _fails(step: Callable[[], object]) -> str:
    """The Polish problem of a step that raised StudentError; empty when it worked."""
    try:
        step()
    except StudentError as error:
        return error.message
    return ""


def _switched(registry: StudentRegistry, entry: str, expected: str, **values: str) -> None:
    """Run ``commands.<entry>``; it must succeed and leave ``production`` at ``expected``."""
    completed = registry.call(entry, **values)
    if not completed.ok:
        raise StudentError(failure(f"commands.{entry}", completed, "")[0])
    actual = registry.listing().aliases.get(PRODUCTION)
    if actual != expected:
        raise StudentError(f"{PRODUCTION} wskazuje {actual}")


@contextmanager
def registry_copy(
    context: Context, params: Mapping[str, Any], history: bool
) -> Iterator[StudentRegistry]:
    """The check's own copy of the registry: the one the training stage left, or with
    ``history`` the one with a second training run (made once per grading)."""
    run = session(context)
    commands = declared_commands(params)
    state = _history(context, params) if history else run.after("train", declared_dags(context))
    with registry_at(run, state, commands) as registry:
        yield registry


@contextmanager
def registry_at(
    run: RunSession, state: Path | None, commands: Mapping[str, Any], name: str = "registry"
) -> Iterator[StudentRegistry]:
    """The registry of a scratch copy of ``state`` (a stage's copy; None: the bare
    repository), reached through ``commands``; the copy is removed after the block."""
    with run.scratch(name) as work:
        yield StudentRegistry(run, work, run.copy(work, state), commands)


def declared_command(commands: Mapping[str, Any], entry: str) -> str:
    """The template of ``commands.<entry>``. Raises StudentError when it is not declared
    (missing, empty or not text)."""
    template = commands.get(entry)
    if not isinstance(template, str) or not template.strip():
        raise StudentError(f"projekt.yaml nie deklaruje polecenia commands.{entry}")
    return template


def declared_commands(params: Mapping[str, Any]) -> Mapping[str, Any]:
    """The check's ``commands`` parameter (``projekt:commands``), which must be a mapping."""
    commands = params["commands"]
    if not isinstance(commands, Mapping):
        raise StudentError("projekt.yaml: commands musi być słownikiem poleceń")
    return commands


def _history(context: Context, params: Mapping[str, Any]) -> Path | None:
    """The training stage's copy after ``commands.train`` ran once more for the period
    ``params["period"]``: a registry with two versions. Made once per grading; its
    failure is every asking check's failure."""
    run = session(context)

    def train_again() -> Path | StudentError:
        trained = run.after("train", declared_dags(context))
        work = run.folder("registry-history")
        registry = StudentRegistry(run, work, run.copy(work, trained), params["commands"])
        completed = registry.call("train", month=str(params["period"]))
        if not completed.ok:
            message, evidence = failure(
                f"drugi trening (commands.train dla {params['period']})",
                completed,
                str(params["commands"].get("train")),
            )
            return StudentError(message, evidence)
        return registry.repo

    state = run.once("registry-history", train_again)
    if isinstance(state, StudentError):
        raise state
    return state


def _model_path(registry: StudentRegistry, record: Mapping[str, Any]) -> Path | None:
    """``model_path`` of a ``registry_show`` record, inside the copy (relative paths
    from its root); None when missing or outside it."""
    declared = record.get("model_path")
    if not isinstance(declared, str) or not declared:
        return None
    path = (registry.repo / declared).resolve()
    return path if path.is_relative_to(registry.repo.resolve()) else None


def _flip_a_byte(path: Path) -> None:
    """Change one byte in the middle of ``path`` in place (registries keep versions
    read-only: the grader may write anyway, it owns the copy)."""
    path.chmod(path.stat().st_mode | stat.S_IWUSR)
    with path.open("r+b") as handle:
        handle.seek(0, os.SEEK_END)
        middle = handle.tell() // 2
        handle.seek(middle)
        byte = handle.read(1) or b"\0"
        handle.seek(middle)
        handle.write(bytes([byte[0] ^ 0xFF]))


def json_numbers(value: Any) -> Iterator[float]:
    """Every number in a nested JSON value, in document order (booleans are not
    numbers). Walked with a stack, not recursion: a student's JSON may nest deeper
    than Python's recursion limit."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, bool):
            continue
        if isinstance(item, int | float):
            yield item
        elif isinstance(item, Mapping):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def period_tables(metrics: Any) -> Iterator[Mapping[str, Any]]:
    """Every mapping in ``metrics`` keyed by periods (``{"2013-07": {…}}``): the
    metrics per period, wherever the registry nests them (walked with a stack, as
    :func:`json_numbers`)."""
    stack = [metrics]
    while stack:
        item = stack.pop()
        if not isinstance(item, Mapping):
            continue
        if item and all(isinstance(k, str) and PERIOD.match(k) for k in item):
            yield item
        else:
            stack.extend(reversed(list(item.values())))


def _per_period(metrics: Any) -> bool:
    """Somewhere in ``metrics`` a mapping keyed by periods (``2013-07``) holding numbers."""
    return any(any(json_numbers(table)) for table in period_tables(metrics))


def is_window(months: Any) -> bool:
    """A training window: a non-empty list of periods (``2013-01``, ``2013-01-07``)."""
    return (
        isinstance(months, list)
        and bool(months)
        and all(isinstance(m, str) and PERIOD.match(m) for m in months)
    )


def _checksums(checksums: Any) -> bool:
    return (
        isinstance(checksums, Mapping)
        and bool(checksums)
        and all(isinstance(v, str) and SHA256.match(v) for v in checksums.values())
    )


def _bare(checksum: Any) -> str | None:
    return checksum.removeprefix("sha256:") if isinstance(checksum, str) else None
