"""The final report, ``raport_koncowy.md`` and its HTML version, from the artifacts.

The prose lives in ``templates/raport_koncowy.md.j2``; this module gathers the facts
(:mod:`facts`), draws the figures (:mod:`figures`) and computes the few numbers the
template compares. The HTML version is the same Markdown rendered by markdown-it-py
(CommonMark with tables) into the course's page style.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from kurs.atomic_io import write_bytes_atomic, write_text_atomic
from kurs.figures import png_bytes
from kurs.templates import render
from zajecia_10_prezentacja import figures
from zajecia_10_prezentacja.facts import Facts

PACKAGE = "zajecia_10_prezentacja"
REPORT = "raport_koncowy.md"
HTML = "raport_koncowy.html"
FIGURES = "rysunki"
# The validation models of class 05's metadata, in the order the report compares them.
BASELINES = [
    ("dummy", "stałe prawdopodobieństwo (DummyClassifier)"),
    ("logistic_regression", "regresja logistyczna"),
    ("hist_gradient_boosting", "model: gradient boosting"),
]


def markdown(facts: Facts) -> str:
    """The report in Markdown (Polish); figures referenced in ``rysunki/``."""
    # BEGIN SOLUTION: policz liczby i wyrenderuj templates/raport_koncowy.md.j2
    by_rate = sorted(facts.data, key=lambda month: month.delay_rate)
    pooled = facts.replay["pooled"]
    return render(
        PACKAGE,
        "raport_koncowy.md.j2",
        f=facts,
        baselines=[
            (name, label)
            for name, label in BASELINES
            if name in facts.model["metrics"]["validation"]
        ],
        total_flights=sum(month.flights for month in facts.data),
        total_quarantined=sum(month.quarantined for month in facts.data),
        lowest=by_rate[0],
        highest=by_rate[-1],
        alerts=[s["month"] for s in facts.monitoring if s["status"] == "alert"],
        retrain_gain=pooled["served"] - pooled["never_retrain"],
        kept=[r for r in facts.decisions if not r["decision"]["promote"]],
    )
    # END SOLUTION


def html(text: str, title: str) -> str:
    """A Markdown text as a standalone HTML page in the course's style."""
    body = MarkdownIt("commonmark").enable("table").render(text)
    return render(PACKAGE, "raport_koncowy.html.j2", title=title, body=body)


def contents(facts: Facts) -> dict[str, str | bytes]:
    """Everything the report consists of, in memory: path in the class folder -> the
    figures' PNG bytes, ``raport_koncowy.md`` and ``raport_koncowy.html``. Rendered before
    anything is written, so a failure leaves the previous report whole."""
    text = markdown(facts)
    drawn = {f"{FIGURES}/{name}": png_bytes(draw(facts)) for name, draw in figures.FIGURES.items()}
    return {
        **drawn,
        REPORT: text,
        HTML: html(text, f"Raport końcowy — {facts.project}"),
    }


def write(rendered: dict[str, str | bytes], folder: Path) -> list[Path]:
    """Write what :func:`contents` made into ``folder``; return every path written."""
    folder = Path(folder)
    return [
        write_bytes_atomic(folder / name, content)
        if isinstance(content, bytes)
        else write_text_atomic(folder / name, content)
        for name, content in rendered.items()
    ]
