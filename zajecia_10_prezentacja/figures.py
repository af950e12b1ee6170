"""The figures of the report and the slides, drawn from :class:`~facts.Facts` only.

Each function returns a matplotlib ``Figure`` (no pyplot state, so figures never leak
between calls); :data:`FIGURES` names their files. Saved with ``kurs.figures`` (PNG without
varying metadata), a re-run with the same artifacts writes the same bytes.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from zajecia_09_retraining.report import figure as served_auc_figure
from zajecia_10_prezentacja.facts import Facts

# BEGIN SOLUTION NO PROMPT
# The architecture: (x, y) of each box's centre, its label, and the class that built it.
BOXES = {
    "ingest": (1.0, 3.0, "flights_ingest\n(03)"),
    "preprocess": (3.0, 3.0, "flights_preprocess\n(04)"),
    "train": (5.0, 3.0, "flights_train\n+ rejestr (05)"),
    "api": (7.0, 3.0, "API gunicorn\n/predict (07–08)"),
    "monitor": (5.0, 1.2, "flights_monitor\n(06)"),
    "retrain": (7.0, 1.2, "flights_retrain\n(09)"),
    "log": (9.0, 3.0, "log predykcji\n+ Prometheus (08)"),
}
# (from, to, label): the assets and calls that connect the boxes.
ARROWS = [
    ("ingest", "preprocess", "raw_flights"),
    ("preprocess", "train", "features"),
    ("train", "api", "production"),
    ("api", "log", ""),
    ("preprocess", "monitor", "features"),
    ("monitor", "retrain", "model_alert"),
    ("retrain", "api", "deploy()"),
]
# END SOLUTION


def delay_rate(facts: Facts) -> Figure:
    """Share of disrupted flights by month (class 04's feature manifests)."""
    # BEGIN SOLUTION: słupki odsetka lotów z problemem w miesiącach (facts.data)
    fig = Figure(figsize=(7.5, 3.4))
    ax = fig.subplots()
    months = [m.month[5:] for m in facts.data]
    ax.bar(months, [m.delay_rate * 100 for m in facts.data], color="tab:orange")
    ax.set_xlabel("miesiąc 2013")
    ax.set_ylabel("loty z problemem [%]")
    ax.set_title("Odsetek lotów opóźnionych ≥ 15 min, odwołanych lub przekierowanych")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
    # END SOLUTION


def served_auc(facts: Facts) -> Figure:
    """ROC AUC by month of the served model and never-retrain (class 09's own figure)."""
    return served_auc_figure(facts.replay)


def drift_and_quality(facts: Facts) -> Figure:
    """Per monitored month: the share of drifted features and the prediction PSI against
    the drop of ROC AUC from validation — drift is a warning, quality the verdict."""
    # BEGIN SOLUTION: odsetek cech z dryfem i spadek ROC AUC w miesiącach
    months = [s["month"][5:] for s in facts.monitoring]
    drifted = [len(s["drifted_features"]) / max(len(s["drift"]), 1) * 100 for s in facts.monitoring]
    drops = [
        (s["validation"]["roc_auc"] - s["performance"]["roc_auc"]) if s["performance"] else None
        for s in facts.monitoring
    ]
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.subplots()
    ax.bar(months, drifted, color="tab:purple", alpha=0.6, label="cechy z dryfem (PSI > 0,25)")
    ax.set_xlabel("miesiąc 2013")
    ax.set_ylabel("cechy z dryfem [%]")
    quality = ax.twinx()
    quality.plot(months, drops, "-o", color="tab:red", label="spadek ROC AUC od walidacji")
    quality.set_ylabel("spadek ROC AUC")
    quality.set_ylim(bottom=min(0.0, *[d for d in drops if d is not None]))
    ax.set_title("Dryf danych a jakość modelu w monitoringu")
    handles = ax.get_legend_handles_labels()
    extra = quality.get_legend_handles_labels()
    ax.legend(handles[0] + extra[0], handles[1] + extra[1], loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig
    # END SOLUTION


def latency(facts: Facts) -> Figure:
    """Prediction latency in the API's workers by model version (class 08's prediction
    log): median and 95th percentile, in milliseconds."""
    # BEGIN SOLUTION: czas predykcji p50 i p95 według wersji modelu (zajęcia 08)
    labels, p50, p95 = [], [], []
    for report in facts.production:
        for version in report["versions"]:
            labels.append(f"{version['model_version']}\n{report['month']}")
            p50.append(version["latency_ms"]["p50"])
            p95.append(version["latency_ms"]["p95"])
    fig = Figure(figsize=(6.0, 3.4))
    ax = fig.subplots()
    positions = range(len(labels))
    ax.bar([p - 0.2 for p in positions], p50, width=0.4, label="mediana")
    ax.bar([p + 0.2 for p in positions], p95, width=0.4, label="95. percentyl")
    ax.set_xticks(list(positions), labels)
    ax.set_ylabel("czas predykcji [ms]")
    ax.set_title("Czas odpowiedzi modelu w produkcji")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
    # END SOLUTION


# BEGIN SOLUTION NO PROMPT
def _edge(x: float, y: float, dx: float, dy: float) -> tuple[float, float]:
    """Where a line from a box's centre in direction (dx, dy) leaves the box."""
    half_width, half_height = 0.79, 0.47  # the box and its rounded padding
    scale = min(
        half_width / abs(dx) if dx else float("inf"), half_height / abs(dy) if dy else float("inf")
    )
    return x + dx * scale, y + dy * scale
    # END SOLUTION


def architecture(_: Facts | None = None) -> Figure:
    """The system: the DAGs, the assets between them, the API and the feedback loop."""
    # BEGIN SOLUTION: diagram: DAG-i, zasoby, API i pętla dotrenowania
    fig = Figure(figsize=(11, 4.2))
    ax = fig.subplots()
    ax.set_xlim(0, 10)
    ax.set_ylim(0.3, 4.0)
    ax.axis("off")
    for x, y, label in BOXES.values():
        box = FancyBboxPatch(
            (x - 0.72, y - 0.4), 1.44, 0.8, boxstyle="round,pad=0.05", fc="#e8f0fb", ec="#2f5d9c"
        )
        ax.add_patch(box)
        ax.text(x, y, label, ha="center", va="center", fontsize=8)
    for start, end, label in ARROWS:
        (x0, y0, _), (x1, y1, _) = BOXES[start], BOXES[end]
        tail, head = _edge(x0, y0, x1 - x0, y1 - y0), _edge(x1, y1, x0 - x1, y0 - y1)
        ax.add_patch(FancyArrowPatch(tail, head, arrowstyle="-|>", mutation_scale=12))
        if label:
            ax.text((x0 + x1) / 2 + 0.08, (y0 + y1) / 2 + 0.1, label, ha="center", fontsize=7.5)
    ax.set_title("Architektura: DAG-i Airflow, zasoby (assets) i API z pętlą dotrenowania")
    fig.tight_layout()
    return fig
    # END SOLUTION


FIGURES = {
    "architektura.png": architecture,
    "odsetek_opoznien.png": delay_rate,
    "auc_serwowane.png": served_auc,
    "dryf_i_jakosc.png": drift_and_quality,
    "czas_odpowiedzi.png": latency,
}
