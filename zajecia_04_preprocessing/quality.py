"""The data-quality gate of a month of features, and its report (JSON and Markdown).

Thresholds live in ``quality_gates.yaml`` (or the file named by ``MLOPS_QUALITY_GATES``).
Every check gives one line: what was measured, the limit, and whether it passed. The
report is written on every run; when a check fails the run stops with the report's
summary and the month's features are not written.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import yaml

from kurs.atomic_io import write_text_atomic
from kurs.jsonio import dumps
from kurs.polish import percent
from kurs.templates import render
from zajecia_04_preprocessing.features import FEATURES, TARGET

DEFAULT_GATES = Path(__file__).resolve().parent / "quality_gates.yaml"
# The machine-readable quality report of a month, beside its Markdown twin.
REPORT_JSON = "quality.json"
GATE_KEYS = {"min_rows", "max_row_loss", "max_null_rate", "categories", "ranges", "target_rate"}


class QualityGateFailed(RuntimeError):
    """At least one check failed; the message lists the failed checks."""


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    value: str
    limit: str


@dataclass(frozen=True)
class QualityReport:
    month: str
    rows_in: int
    rows_out: int
    removed: dict[str, int]
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]

    def to_json(self) -> str:
        return dumps({**asdict(self), "status": "ok" if self.passed else "failed"})

    def to_markdown(self) -> str:
        return render("zajecia_04_preprocessing", "quality.md.j2", report=self)


def load_gates(path: Path | None = None) -> dict:
    """Read and check the thresholds file.

    Raises:
        ValueError: the file is not a mapping of the known gate names.
    """
    path = Path(path or os.environ.get("MLOPS_QUALITY_GATES") or DEFAULT_GATES)
    gates = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(gates, dict) or not gates.keys() <= GATE_KEYS:
        unknown = sorted(set(gates) - GATE_KEYS) if isinstance(gates, dict) else gates
        raise ValueError(f"{path}: nieznane lub niepoprawne progi: {unknown}")
    return gates


# BEGIN SOLUTION NO PROMPT
def _share(value: float) -> str:
    return percent(value, 2)


# END SOLUTION


def evaluate(
    features: pd.DataFrame, month: str, rows_in: int, removed: dict[str, int], gates: dict
) -> QualityReport:
    """Run every configured check on one month of features."""
    # BEGIN SOLUTION: Check dla każdego progu z gates (README)
    checks = []
    if "min_rows" in gates:
        checks.append(
            Check(
                "liczba wierszy",
                len(features) >= gates["min_rows"],
                str(len(features)),
                f"≥ {gates['min_rows']}",
            )
        )
    if "max_row_loss" in gates:
        loss = 1 - len(features) / rows_in if rows_in else 1.0
        checks.append(
            Check(
                # More rows out than in means a join multiplied flights: also a failure.
                "utrata wierszy",
                0 <= loss <= gates["max_row_loss"],
                _share(loss),
                f"≤ {_share(gates['max_row_loss'])}",
            )
        )
    limits = gates.get("max_null_rate", {})
    for column in FEATURES:
        rate = float(features[column].isna().mean()) if len(features) else 0.0
        limit = float(limits.get(column, 0.0))
        if rate > 0 or column in limits:
            checks.append(
                Check(f"braki: {column}", rate <= limit, _share(rate), f"≤ {_share(limit)}")
            )
    for column, allowed in gates.get("categories", {}).items():
        unknown = sorted(set(features[column].dropna()) - set(allowed))
        checks.append(
            Check(
                f"kategorie: {column}",
                not unknown,
                ", ".join(unknown) or "tylko znane",
                "lista w progach",
            )
        )
    for column, (low, high) in gates.get("ranges", {}).items():
        values = features[column].dropna()
        outside = int(((values < low) | (values > high)).sum())
        shown = f"{values.min():g}…{values.max():g}" if len(values) else "brak wartości"
        checks.append(Check(f"zakres: {column}", outside == 0, shown, f"{low}…{high}"))
    if "target_rate" in gates:
        low, high = gates["target_rate"]
        rate = float(features[TARGET].mean()) if len(features) else 0.0
        checks.append(
            Check(
                "odsetek lotów z problemem",
                low <= rate <= high,
                _share(rate),
                f"{_share(low)}…{_share(high)}",
            )
        )
    return QualityReport(month, rows_in, len(features), removed, checks)
    # END SOLUTION


def write_report(report: QualityReport, folder: Path) -> list[Path]:
    """Write ``quality.json`` and ``quality.md`` into ``folder``; return both paths."""
    folder = Path(folder)
    return [
        write_text_atomic(folder / REPORT_JSON, report.to_json()),
        write_text_atomic(folder / "quality.md", report.to_markdown()),
    ]
