"""Live quality: the logged predictions of a month judged against the flights' real outcomes.

A prediction belongs to the month of the scheduled departure in its ``flight_id``
(``UA1545-EWR-2013-08-01T10:15Z``, see ``traffic.flight_ids``), taken in New York time as
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

import html
import json
from pathlib import Path

import numpy as np
import pandas as pd

from zajecia_01_planowanie.atomic_io import write_text_atomic
from zajecia_01_planowanie.polish import decimal, integer, percent
from zajecia_02_eda.data import LOCAL_TZ
from zajecia_03_airflow_ingest.partitions import Partition
from zajecia_04_preprocessing.features import TARGET
from zajecia_05_model.evaluate import all_metrics
from zajecia_05_model.registry import Registry, RegistryError
from zajecia_05_model.train import MAIN_MODEL
from zajecia_06_monitoring.monitor import json_ready
from zajecia_08_deploy.prediction_log import COLUMNS, PredictionLog
from zajecia_08_deploy.traffic import flight_ids

# The scheduled departure at the end of a traffic flight id: ``…-2013-08-01T10:15Z``.
DEPARTURE_IN_ID = r"-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})Z$"
STYLE = (
    "body{font-family:sans-serif;max-width:50em;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}"
    "td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}"
    "td:first-child,th:first-child{text-align:left}"
)


class NoPredictionsError(LookupError):
    """The prediction log has no prediction of the month's flights (message in Polish)."""


def report_folder(data_dir: Path, month: str) -> Path:
    return Path(data_dir) / "live_quality" / f"month={month}"


def flight_month(ids: pd.Series) -> pd.Series:
    """``YYYY-MM`` (New York time) of the departure in each flight id; NaN for other ids."""
    departure = pd.to_datetime(
        ids.astype("string").str.extract(DEPARTURE_IN_ID, expand=False),
        format="%Y-%m-%dT%H:%M",
        utc=True,
        errors="coerce",
    )
    return departure.dt.tz_convert(LOCAL_TZ).dt.strftime("%Y-%m")


def month_predictions(month: str, log_path: Path | None = None) -> pd.DataFrame:
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
    partition = Partition.of(data_dir, "features", "flights", month)
    if not partition.exists():
        return None
    features = partition.read()
    return pd.DataFrame(
        {"flight_id": flight_ids(features).to_numpy(), TARGET: features[TARGET].to_numpy()}
    )


def validation_metrics(registry: Registry, version: str) -> dict | None:
    """The version's validation metrics from the registry; ``None`` for an unknown version."""
    try:
        return registry.metadata(version)["metrics"]["validation"][MAIN_MODEL]
    except RegistryError:
        # The log may come from another deployment (PREDICTION_LOG_PATH); still judge it.
        return None


def version_quality(
    version: str, rows: pd.DataFrame, outcomes: pd.DataFrame | None, validation: dict | None
) -> dict:
    """The quality of one model version on its predictions of the month."""
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


def assess(month: str, data_dir: Path, log_path: Path | None = None) -> dict:
    """The month's live quality summary (JSON-ready), without writing anything."""
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
            "log_path": str(PredictionLog(log_path).path),
            "outcomes_known": outcomes is not None,
            "predictions": len(predictions),
            "flights_in_month": None if outcomes is None else len(outcomes),
            # Flights of the month with a prediction of any version.
            "coverage": None if known is None else float(known.mean()),
            "versions": versions,
        }
    )


def _number(value: float | None, places: int = 3) -> str:
    return "—" if value is None else decimal(value, places)


def _share(value: float | None) -> str:
    return "—" if value is None else percent(value, 1)


def _version_table(quality: dict) -> str:
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
    rows += [
        ("spadek ROC AUC względem walidacji (ujemny = poprawa)", _number(quality["auc_drop"]), "—"),
        (
            "czas obsługi żądania w API p50 / p95",
            f"{decimal(latency['p50'])} / {decimal(latency['p95'])} ms",
            "—",
        ),
    ]
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    notes = "".join(f"<li>{html.escape(note)}</li>" for note in quality["notes"])
    return (
        f"<h2>Wersja {html.escape(quality['model_version'])}</h2>"
        "<table><thead><tr><th>miara</th><th>na żywo</th><th>walidacja (rejestr)</th></tr>"
        f"</thead><tbody>{body}</tbody></table>" + (f"<ul>{notes}</ul>" if notes else "")
    )


def render(summary: dict) -> str:
    """The report page (Polish, self-contained)."""
    month = summary["month"]
    parts = [
        f"<h1>Jakość modelu na żywo — {month}</h1>",
        f"<p>Predykcje z logu API (<code>{html.escape(summary['log_path'])}</code>) połączone "
        "po <code>flight_id</code> z faktycznymi wynikami lotów miesiąca. Lot liczy się raz "
        "na wersję modelu: przy powtórzonych predykcjach (np. ponowny replay) liczy się "
        "ostatnia. Predykcji lotów z miesiąca w logu: "
        f"{integer(summary['predictions'])}.</p>",
    ]
    if summary["outcomes_known"]:
        parts.append(
            f"<p>Lotów w miesiącu: {integer(summary['flights_in_month'])}; "
            f"z predykcją którejkolwiek wersji: {_share(summary['coverage'])}.</p>"
        )
    else:
        parts.append(
            "<p><b>Wyniki lotów z tego miesiąca nie są jeszcze znane</b> (brak cech "
            "miesiąca): wszystkie predykcje czekają na wynik. Uruchom raport ponownie, gdy "
            "miesiąc się skończy i powstaną jego cechy.</p>"
        )
    parts += [_version_table(quality) for quality in summary["versions"]]
    head = f'<meta charset="utf-8"><title>Jakość na żywo {month}</title><style>{STYLE}</style>'
    return (
        f'<!DOCTYPE html><html lang="pl"><head>{head}</head><body>{"".join(parts)}</body></html>\n'
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
    text = json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False)
    write_text_atomic(folder / "report.json", text + "\n")
    return summary
