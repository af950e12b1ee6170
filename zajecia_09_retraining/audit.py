"""The audit record of a retraining decision: ``retraining/month=YYYY-MM/decision.json``
and its Polish rendering ``decision.md``.

One record per month: written when the decision is taken (so the month is never decided
twice) and completed when it has been carried out. It holds what a reviewer needs to
check the decision without re-running anything: the trigger (the alert and its metric),
both models' training windows with the data checksums, the evaluation month's checksum,
both models' metrics on it, the interval of the ROC AUC difference, the gate, the decision
with its reason, the deployment's checks and the production version that resulted.
A skipped run leaves ``skipped.json`` with its reason beside it (or alone).
"""

from __future__ import annotations

import json
from pathlib import Path

from kurs.atomic_io import write_text_atomic
from kurs.jsonio import json_ready, write_json_atomic
from kurs.templates import render

DECISION = "decision.json"
SKIPPED = "skipped.json"


def folder(data_dir: Path, month: str) -> Path:
    return Path(data_dir) / "retraining" / f"month={month}"


def existing(data_dir: Path, month: str) -> dict | None:
    """The month's decision record, or ``None`` when the month has not been decided."""
    path = folder(data_dir, month) / DECISION
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def verdict(record: dict) -> str:
    """``promocja v0004`` / ``zostaje v0001`` (Polish, for lines and skip reasons)."""
    if record["decision"]["promote"]:
        return f"promocja {record['challenger']['version']}"
    return f"zostaje {record['champion']['version']}"


def write(data_dir: Path, record: dict) -> Path:
    """Write the record (JSON) and its Markdown, each atomically; return the folder.
    A skip left earlier for the month is removed: the month is decided now."""
    target = folder(data_dir, record["month"])
    write_json_atomic(target / DECISION, json_ready(record))
    write_text_atomic(
        target / "decision.md", render("zajecia_09_retraining", "decision.md.j2", r=record)
    )
    (target / SKIPPED).unlink(missing_ok=True)
    return target


def write_skip(data_dir: Path, month: str, reason: str) -> Path:
    """Record why the latest run for ``month`` skipped (``skipped.json``). A decision of
    the month stays as it is: the skip is a file of its own."""
    return write_json_atomic(folder(data_dir, month) / SKIPPED, {"month": month, "reason": reason})


def skip_reason(data_dir: Path, month: str) -> str | None:
    path = folder(data_dir, month) / SKIPPED
    return json.loads(path.read_text(encoding="utf-8"))["reason"] if path.is_file() else None
