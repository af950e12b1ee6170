"""The monthly monitoring report: one HTML page (Polish) with figures, next to summary.json.

The page's prose is in ``templates/report.html.j2``; this module draws the figures and
prepares the tables' cells. A month's page depends only on what was known when that
month was monitored — no time stamp, no path, no later month — so monitoring the same
months again writes the same bytes; :func:`publish` copies them into ``raporty/`` of this
class, the copy that is committed and graded.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from kurs.atomic_io import write_bytes_atomic, write_text_atomic
from kurs.figures import png_data_uri
from kurs.polish import decimal, integer, percent
from kurs.templates import render as render_template
from zajecia_05_model.evaluate import bin_shares

if TYPE_CHECKING:
    from zajecia_06_monitoring.monitor import MonthResult

# The committed copy of the reports (see publish): make run writes it, git keeps it.
PUBLISHED = Path(__file__).resolve().parent / "raporty"
STATUS_COLORS = {"ok": "#2a9d8f", "warning": "#e9c46a", "alert": "#b00020"}
TOP_DRIFTED = 6
DPI = 90
QUALITY_MEASURES = (
    ("roc_auc", "ROC AUC"),
    ("pr_auc", "PR AUC"),
    ("brier", "Brier"),
    ("precision", "precyzja"),
    ("recall", "czułość"),
)


def quality_over_months(months: list[dict], validation_auc: float) -> Figure:
    """ROC AUC of every month monitored so far, against the validation figure."""
    # BEGIN SOLUTION: wykres ROC AUC w kolejnych miesiącach
    figure = Figure(figsize=(8, 3.5), layout="constrained")
    axes = figure.subplots()
    known = [m for m in months if m.get("performance")]
    axes.plot(
        [m["month"] for m in known],
        [m["performance"]["roc_auc"] for m in known],
        marker="o",
        label="miesiąc",
    )
    for m in known:
        axes.annotate(
            m["status"],
            (m["month"], m["performance"]["roc_auc"]),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
            fontsize="small",
            color=STATUS_COLORS[m["status"]],
        )
    axes.axhline(validation_auc, color="grey", linestyle="--", label="walidacja (karta modelu)")
    axes.set_title("ROC AUC modelu w kolejnych miesiącach")
    axes.set_xlabel("Miesiąc 2013")
    axes.set_ylabel("ROC AUC")
    axes.legend(fontsize="small")
    return figure
    # END SOLUTION


def distributions(result: MonthResult, features: list[str]) -> Figure:
    """Reference and current distributions of the most drifted numeric features."""
    # BEGIN SOLUTION: histogramy referencji i miesiąca dla cech
    figure = Figure(figsize=(10, 2.6 * ((len(features) + 2) // 3)), layout="constrained")
    axes_grid = figure.subplots((len(features) + 2) // 3, 3, squeeze=False)
    for axes, feature in zip(axes_grid.flat, features, strict=False):
        reference = result.reference[feature].dropna()
        current = result.current[feature].dropna()
        both = np.concatenate([reference, current])
        bins = np.histogram_bin_edges(both, bins=30) if len(both) else 10
        axes.hist(reference, bins=bins, density=True, alpha=0.5, label="referencja (trening)")
        axes.hist(current, bins=bins, density=True, alpha=0.5, label=result.month)
        axes.set_title(feature, fontsize="medium")
        axes.set_xlabel("wartość")
        axes.set_ylabel("gęstość")
    for axes in list(axes_grid.flat)[len(features) :]:
        axes.set_visible(False)
    axes_grid.flat[0].legend(fontsize="small")
    figure.suptitle("Najbardziej przesunięte cechy: rozkład referencyjny i bieżący")
    return figure
    # END SOLUTION


def predictions(result: MonthResult) -> Figure:
    """Shares of the month's scores in the reference deciles (validation scores at training)."""
    # BEGIN SOLUTION: wykres udziałów predykcji w decylach walidacji
    edges, shares = result.score_reference["edges"], result.score_reference["shares"]
    current = bin_shares(edges, result.current["probability"])
    bounds = [0.0, *edges, 1.0]
    labels = [f"{decimal(low, 2)}–{decimal(high, 2)}" for low, high in itertools.pairwise(bounds)]
    figure = Figure(figsize=(8, 3.5), layout="constrained")
    axes = figure.subplots()
    positions = np.arange(len(shares))
    axes.bar(positions - 0.2, shares, width=0.4, label="walidacja przy treningu")
    axes.bar(positions + 0.2, current, width=0.4, label=result.month)
    axes.set_xticks(positions, labels, rotation=45, fontsize="small")
    axes.set_title(
        f"Rozkład przewidywanych prawdopodobieństw (PSI {decimal(result.prediction_psi, 2)})"
    )
    axes.set_xlabel("Przedział prawdopodobieństwa (decyle z walidacji)")
    axes.set_ylabel("Udział lotów")
    axes.legend(fontsize="small")
    return figure
    # END SOLUTION


def _with_current(months: list[dict], result: MonthResult) -> list[dict]:
    """The months monitored with this model up to this one, in calendar order; this
    month's entry from ``result``.

    Later months (left in the data folder by an earlier run) and months of other model
    versions are left out: the page shows what was known when its month was monitored,
    against this model's validation, and stays the same however many months follow.
    """
    # BEGIN SOLUTION: miesiące tego modelu do bieżącego włącznie
    by_month = {
        summary["month"]: summary
        for summary in months
        if summary["month"] < result.month and summary["model_version"] == result.model_version
    }
    by_month[result.month] = result.summary()
    return [by_month[month] for month in sorted(by_month)]
    # END SOLUTION


def _number(value: float | None, places: int = 3) -> str:
    return "—" if value is None or np.isnan(value) else decimal(value, places)


def _quality_rows(result: MonthResult) -> list[list[str]]:
    """The month's quality beside the validation figures of the model card."""
    rows = [
        [label, _number(result.validation.get(key)), _number(result.performance.get(key))]
        for key, label in QUALITY_MEASURES
    ]
    rows.append(["błąd kalibracji", "—", _number(result.performance["calibration_error"])])
    rows.append(
        [
            "lotów / z problemem",
            "—",
            f"{integer(result.performance['rows'])} / "
            f"{percent(result.performance['positive_rate'], 1)}",
        ]
    )
    return rows


def _drift_rows(result: MonthResult) -> list[list[str]]:
    return [
        [
            row.feature,
            row.kind,
            _number(row.psi, 2),
            f"{row.test} {_number(row.statistic, 3)}",
            _number(row.p_value, 4),
            f"{percent(row.missing_reference, 1)} → {percent(row.missing_current, 1)}",
        ]
        for row in result.drift.itertuples()
    ]


def render(result: MonthResult, months: list[dict]) -> str:
    """The report page; ``months`` are the summaries of all months monitored so far."""
    numeric = result.drift.loc[result.drift["kind"] == "numeric", "feature"].head(TOP_DRIFTED)
    quality_figure = None
    if result.performance:
        figure = quality_over_months(_with_current(months, result), result.validation["roc_auc"])
        quality_figure = png_data_uri(figure, DPI)
    return render_template(
        "zajecia_06_monitoring",
        "report.html.j2",
        result=result,
        color=STATUS_COLORS[result.status],
        quality_rows=_quality_rows(result) if result.performance else [],
        quality_figure=quality_figure,
        prediction_figure=png_data_uri(predictions(result), DPI),
        distribution_figure=png_data_uri(distributions(result, list(numeric)), DPI),
        drift_rows=_drift_rows(result),
    )


def report_folder(data_dir: Path, month: str) -> Path:
    """Where a monitored month's ``summary.json`` and ``report.html`` are."""
    return Path(data_dir) / "monitoring" / f"month={month}"


def summary_path(data_dir: Path, month: str) -> Path:
    """A monitored month's ``summary.json`` (status, reasons, metrics, drift)."""
    return report_folder(data_dir, month) / "summary.json"


def write_report(result: MonthResult, data_dir: Path, months: list[dict]) -> Path:
    return write_text_atomic(
        report_folder(data_dir, result.month) / "report.html", render(result, months)
    )


def publish(data_dir: Path, months: list[str], destination: Path = PUBLISHED) -> list[Path]:
    """Copy the reports of ``months`` into ``destination`` as ``RRRR-MM.html`` and
    ``RRRR-MM.json`` (the page and ``summary.json``), byte for byte; return the paths.

    Raises:
        FileNotFoundError: a month has not been monitored in ``data_dir`` yet; checked
            for every month before anything is written.
    """
    # BEGIN SOLUTION: kopie raportów jako RRRR-MM.html i RRRR-MM.json
    copies = {
        Path(destination) / f"{month}{suffix}": report_folder(data_dir, month) / name
        for month in months
        for name, suffix in (("report.html", ".html"), ("summary.json", ".json"))
    }
    for source in copies.values():
        if not source.is_file():
            month = source.parent.name.removeprefix("month=")
            raise FileNotFoundError(
                f"brak raportu monitoringu {source}: miesiąc {month} nie był monitorowany; "
                f"uruchom: python -m kurs.backfill flights_monitor --months {month}"
            )
    return [write_bytes_atomic(target, source.read_bytes()) for target, source in copies.items()]
    # END SOLUTION
