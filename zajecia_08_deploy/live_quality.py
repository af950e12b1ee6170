"""Live quality: the logged predictions of a month judged against the flights' real outcomes.

A prediction belongs to the month of the scheduled departure in its ``flight_id``
(``UA1545-EWR-2013-08-01T10:15Z``, see :mod:`flight_ids`), taken in New York time as
the feature partitions are. It is joined on that id with the month's feature partition,
which holds the outcome (``disrupted``):

* **joined** — the flight is in the partition: its outcome is known;
* **pending** — the month has no feature partition yet, so no outcome is known (the
  month is not over or not processed); nothing is judged, the predictions wait;
* **not found** — the partition exists but has no such flight (a mistyped id, a flight
  from outside the timetable); counted, never judged.

The same flight predicted several times by one model version (a replay run twice) counts
once: the last logged prediction. A version's model never changes, so its repeated
answers are the same, and counting them all would weigh those flights more. Predictions
of different versions for one flight (a hot swap during a replay) each count for their
own version.

Per version: ROC AUC, PR AUC, Brier, precision and recall at the logged threshold, the
share of flights predicted delayed against the real share, latency p50/p95 (the time
inside the API, once per request), and the drop of ROC AUC against the version's
validation in the registry.
The report is ``live_quality/month=YYYY-MM/report.json`` and ``report.html``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kurs.atomic_io import write_text_atomic
from kurs.jsonio import dumps, json_ready
from kurs.polish import decimal, integer, percent
from kurs.templates import render as render_template
from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_04_preprocessing.features import TARGET
from zajecia_05_model.evaluate import all_metrics
from zajecia_05_model.metadata import MetadataError, ModelMetadata
from zajecia_05_model.registry import Registry, RegistryError
from zajecia_08_deploy.flight_ids import flight_ids, flight_month
from zajecia_08_deploy.prediction_log import COLUMNS, PredictionLog
from zajecia_08_deploy.prediction_log import log_path as default_log_path


class NoPredictionsError(LookupError):
    """The prediction log has no prediction of the month's flights (message in Polish)."""


def report_folder(data_dir: Path, month: str) -> Path:
    return Path(data_dir) / "live_quality" / f"month={month}"


def report_path(data_dir: Path, month: str) -> Path:
    """The month's ``report.json``: per model version, its live quality and latency."""
    return report_folder(data_dir, month) / "report.json"


def month_predictions(month: str, log_path: Path) -> pd.DataFrame:
    """The logged predictions of the month's flights, in log order.

    Raises:
        NoPredictionsError: there is none (no log, no traffic for the month, or clients
            that sent no flight ids).
    """
    log = PredictionLog(log_path)
    # The inputs (most of the log's bytes) are not needed to judge predictions.
    logged = log.read(tuple(column for column in COLUMNS if column != "inputs"))
    months = flight_month(logged["flight_id"])
    predictions = logged[months == month]
    if predictions.empty:
        raise NoPredictionsError(
            f"w logu predykcji {log.path} nie ma predykcji lotów z miesiąca {month} "
            f"(wszystkich predykcji w logu: {integer(len(logged))}, w tym bez flight_id "
            f"w formacie symulatora ruchu: {integer(int(months.isna().sum()))}); "
            f"najpierw wyślij ruch: python -m zajecia_08_deploy replay {month}"
        )
    return predictions


def latest_per_flight(predictions: pd.DataFrame) -> pd.DataFrame:
    """One prediction per flight and model version: the last one logged."""
    return predictions.sort_values("id").drop_duplicates(
        ["flight_id", "model_version"], keep="last"
    )


def month_outcomes(data_dir: Path, month: str) -> pd.DataFrame | None:
    """``flight_id`` and the outcome of every flight of the month; ``None`` if not known yet."""
    partition = features_partition(data_dir, month)
    if not partition.exists():
        return None
    features = partition.read()
    return pd.DataFrame(
        {"flight_id": flight_ids(features).to_numpy(), TARGET: features[TARGET].to_numpy()}
    )


def validation_metrics(registry: Registry, version: str) -> dict | None:
    """The version's validation metrics from the registry; ``None`` for an unknown version."""
    try:
        return ModelMetadata.from_dict(registry.metadata(version)).main_validation
    except (RegistryError, MetadataError):
        # The log may come from another deployment (PREDICTION_LOG_PATH); still judge it.
        return None


def version_quality(
    version: str, rows: pd.DataFrame, outcomes: pd.DataFrame | None, validation: dict | None
) -> dict:
    """The quality of one model version on its predictions of the month."""
    # BEGIN SOLUTION: jakość jednej wersji na wynikach lotów (README)
    latest = latest_per_flight(rows)
    # A batch logs one row per flight with the latency of the whole request: count it once.
    latency = rows.drop_duplicates("request_id")["latency_ms"].to_numpy(float)
    threshold = float(rows["threshold"].iloc[-1])  # fixed in the version's metadata
    notes = []
    if len(rows) > len(latest):
        notes.append(
            f"{integer(len(rows) - len(latest))} powtórzonych predykcji tych samych lotów "
            "(np. ponowny replay) — liczy się ostatnia"
        )
    if outcomes is None:
        joined, pending, not_found = latest.iloc[:0], len(latest), 0
        notes.append("wyniki lotów jeszcze nieznane (brak cech miesiąca) — jakość nieoceniona")
    else:
        # many_to_one: a flight id names one flight (class 04 drops duplicated flights).
        merged = latest.merge(outcomes, on="flight_id", how="inner", validate="many_to_one")
        joined, pending, not_found = merged, 0, len(latest) - len(merged)
        if not_found:
            notes.append(f"{integer(not_found)} predykcji dotyczy lotów spoza danych miesiąca")
    metrics = None
    if len(joined):
        metrics = all_metrics(
            joined[TARGET].astype(int), joined["probability"].to_numpy(float), threshold
        )
        if np.isnan(metrics["roc_auc"]):
            notes.append(
                "wszystkie znane wyniki należą do jednej klasy — ROC AUC i PR AUC nieokreślone"
            )
    if validation is None:
        notes.append(f"wersji {version} nie ma w rejestrze — brak porównania z walidacją")
    return {
        "model_version": version,
        "predictions": len(rows),
        "duplicates": len(rows) - len(latest),
        "joined": len(joined),
        "pending": pending,
        "not_found": not_found,
        "threshold": threshold,
        "latency_ms": {
            "p50": float(np.percentile(latency, 50)),
            "p95": float(np.percentile(latency, 95)),
        },
        "metrics": metrics,
        "validation": validation,
        # Positive = worse than at validation; NaN (null) when either AUC is unknown.
        "auc_drop": (
            validation["roc_auc"] - metrics["roc_auc"] if metrics and validation else None
        ),
        "notes": notes,
    }
    # END SOLUTION


def assess(month: str, data_dir: Path, log_path: Path | None = None) -> dict:
    """The month's live quality summary (JSON-ready), without writing anything.

    ``log_path`` defaults to the prediction log of ``data_dir``.
    """
    # BEGIN SOLUTION: podsumowanie miesiąca: predykcje, wyniki, wersje
    log_path = log_path or default_log_path(data_dir)
    predictions = month_predictions(month, log_path)
    outcomes = month_outcomes(data_dir, month)
    registry = Registry(data_dir)
    versions = [
        version_quality(version, rows, outcomes, validation_metrics(registry, version))
        for version, rows in predictions.groupby("model_version", sort=True)
    ]
    known = None if outcomes is None else outcomes["flight_id"].isin(predictions["flight_id"])
    return json_ready(
        {
            "month": month,
            "log_path": str(log_path),
            "outcomes_known": outcomes is not None,
            "predictions": len(predictions),
            "flights_in_month": None if outcomes is None else len(outcomes),
            # Flights of the month with a prediction of any version.
            "coverage": None if known is None else float(known.mean()),
            "versions": versions,
        }
    )
    # END SOLUTION


def _number(value: float | None, places: int = 3) -> str:
    return "—" if value is None else decimal(value, places)


def _share(value: float | None) -> str:
    return "—" if value is None else percent(value, 1)


@dataclass(frozen=True)
class VersionTable:
    quality: dict
    rows: list[tuple[str, str, str]]


def _version_rows(quality: dict) -> list[tuple[str, str, str]]:
    """The cells of one version's table: measure, live value, validation value."""
    live, reference = quality["metrics"] or {}, quality["validation"] or {}
    threshold = decimal(quality["threshold"], 3)
    latency = quality["latency_ms"]
    rows = [
        ("predykcje w logu", integer(quality["predictions"]), "—"),
        ("powtórzenia (pominięte)", integer(quality["duplicates"]), "—"),
        ("połączone z wynikiem lotu", integer(quality["joined"]), "—"),
        ("czekające na wynik", integer(quality["pending"]), "—"),
        ("loty spoza danych miesiąca", integer(quality["not_found"]), "—"),
    ]
    for label, key, show in (
        ("ROC AUC", "roc_auc", _number),
        ("PR AUC", "pr_auc", _number),
        ("Brier", "brier", _number),
        (f"precyzja (próg {threshold})", "precision", _number),
        (f"czułość (próg {threshold})", "recall", _number),
        ("udział opóźnionych: przewidziany", "flagged_share", _share),
        ("udział opóźnionych: faktyczny", "positive_rate", _share),
    ):
        rows.append((label, show(live.get(key)), show(reference.get(key))))
    return [
        *rows,
        ("spadek ROC AUC względem walidacji (ujemny = poprawa)", _number(quality["auc_drop"]), "—"),
        (
            "czas obsługi żądania w API p50 / p95",
            f"{decimal(latency['p50'])} / {decimal(latency['p95'])} ms",
            "—",
        ),
    ]


def render(summary: dict) -> str:
    """The report page (Polish, self-contained): ``templates/live_quality.html.j2``."""
    return render_template(
        "zajecia_08_deploy",
        "live_quality.html.j2",
        summary=summary,
        coverage=_share(summary["coverage"]),
        versions=[VersionTable(q, _version_rows(q)) for q in summary["versions"]],
    )


def summary_lines(summary: dict) -> list[str]:
    """One line per model version (Polish), for a terminal."""
    lines = []
    for quality in summary["versions"]:
        metrics, validation = quality["metrics"] or {}, quality["validation"] or {}
        lines.append(
            f"jakość na żywo {summary['month']}, {quality['model_version']}: "
            f"{integer(quality['joined'])} lotów z wynikiem, ROC AUC "
            f"{_number(metrics.get('roc_auc'))} (walidacja {_number(validation.get('roc_auc'))}), "
            f"czułość {_share(metrics.get('recall'))}, precyzja {_share(metrics.get('precision'))}"
        )
    return lines


def live_quality(month: str, data_dir: Path, log_path: Path | None = None) -> dict:
    """Assess ``month``, write ``report.json`` and ``report.html``; return the summary.

    Raises:
        NoPredictionsError: the log has no prediction of the month's flights.
        PartitionError: the month's features exist but do not match their manifest.
    """
    summary = assess(month, data_dir, log_path)
    folder = report_folder(data_dir, month)
    write_text_atomic(folder / "report.html", render(summary))
    # No time stamp inside: a re-run over the same log writes the same bytes.
    write_text_atomic(report_path(data_dir, month), dumps(summary))
    return summary
