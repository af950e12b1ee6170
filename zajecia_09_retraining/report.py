"""The year replay's report (Polish): per month what was served and what never retraining
would have given, the decisions, the pooled figures, and one figure of both lines."""

from __future__ import annotations

import json
from pathlib import Path

from matplotlib.figure import Figure

from kurs.atomic_io import write_bytes_atomic, write_text_atomic
from kurs.figures import save_png
from kurs.polish import decimal
from kurs.templates import render
from zajecia_09_retraining.audit import folder as decision_folder

FIGURE = "auc_miesiecznie.png"
REPORT = "przeglad_roku.md"


def results_folder(data_dir: Path) -> Path:
    """Where the replay writes ``replay.json``, the report and its figure."""
    return Path(data_dir) / "retraining" / "year"


def results_path(data_dir: Path) -> Path:
    """The replay's ``replay.json``: the months, the pooled figures, the settings."""
    return results_folder(data_dir) / "replay.json"


def figure(results: dict) -> Figure:
    """ROC AUC by month: the served models (a marker per version) and never-retrain."""
    months = [row["month"] for row in results["months"]]
    served = [row["served_auc"] for row in results["months"]]
    never = [row["never_auc"] for row in results["months"]]
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.subplots()
    ax.plot(
        months,
        never,
        "--",
        color="tab:gray",
        label=f"bez dotrenowania ({results['never_retrain']})",
    )
    ax.plot(months, served, "-o", color="tab:blue", label="serwowany model produkcyjny")
    for month, auc, row in zip(months, served, results["months"], strict=True):
        ax.annotate(
            row["served"],
            (month, auc),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=8,
        )
    ax.set_ylabel("ROC AUC miesiąca")
    ax.set_title("Jakość modelu w produkcji, miesiąc po miesiącu")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return fig


def write(results: dict, folder: Path) -> list[Path]:
    """Write ``przeglad_roku.md`` and its figure into ``folder``; return both paths."""
    gain = results["pooled"]["served"] - results["pooled"]["never_retrain"]
    rows = results["months"]
    promoted = [r for r in rows if r["record"] and r["record"]["decision"]["promote"]]
    text = render(
        "zajecia_09_retraining",
        "przeglad_roku.md.j2",
        r=results,
        gain=gain,
        # The pipeline's own bar: a gain below the margin would not have been deployed.
        helped=gain >= results["settings"]["margin"],
        margin=results["settings"]["margin"],
        promoted=promoted,
        promoted_served=sum(r["served"] != results["never_retrain"] for r in rows),
        figure=FIGURE,
    )
    folder = Path(folder)
    return [save_png(figure(results), folder / FIGURE), write_text_atomic(folder / REPORT, text)]


def year_lines(data_dir: Path) -> list[str]:
    """The replay's months as text lines: the month, the version served, the ROC AUC of
    what was served and of never-retrain, the monitoring status, the decision; then the
    pooled figures. Read from ``replay.json``; one line saying so when it is missing."""
    path = results_path(data_dir)
    if not path.is_file():
        return [f"brak {path}: przegląd roku nie był uruchomiony w tym folderze danych"]
    results = json.loads(path.read_text(encoding="utf-8"))
    lines = [
        f"{'miesiąc':<8} {'serwował':<8} {'ROC AUC':>7} {'bez dotr.':>9}  "
        f"{'monitoring':<10} decyzja"
    ]
    for row in results["months"]:
        lines.append(
            f"{row['month']:<8} {row['served']:<8} {decimal(row['served_auc'], 3):>7} "
            f"{decimal(row['never_auc'], 3):>9}  {row['status']:<10} {row['decision'] or '—'}"
        )
    pooled = results["pooled"]
    lines.append(
        f"razem: serwowane ROC AUC {decimal(pooled['served'], 3)}, bez dotrenowania "
        f"{decimal(pooled['never_retrain'], 3)} "
        f"({results['never_retrain']} we wszystkich miesiącach)"
    )
    return lines


def publish(data_dir: Path, months: list[str], destination: Path) -> list[Path]:
    """Copy the year's report, its figure and the months' decisions (``decyzje/RRRR-MM.md``)
    into ``destination``, byte for byte; a decision left there by an earlier run for a
    month that has none now is removed. Return the written paths.

    Raises:
        FileNotFoundError: the replay's report is not in ``data_dir`` (it did not run).
    """
    source = results_folder(data_dir)
    copies = {Path(destination) / name: source / name for name in (REPORT, FIGURE)}
    decisions = Path(destination) / "decyzje"
    for month in months:
        decided = decision_folder(data_dir, month) / "decision.md"
        if decided.is_file():
            copies[decisions / f"{month}.md"] = decided
    for path in copies.values():
        if not path.is_file():
            raise FileNotFoundError(
                f"brak {path}: przegląd roku nie był uruchomiony w tym folderze danych; "
                "uruchom: python -m zajecia_09_retraining.replay"
            )
    for stale in sorted(decisions.glob("*.md")) if decisions.is_dir() else []:
        if stale not in copies:
            stale.unlink()
    return [write_bytes_atomic(target, path.read_bytes()) for target, path in copies.items()]
