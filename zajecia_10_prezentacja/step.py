"""Class 10 in ``make run``: the final report and the slides, from the artifacts of the
classes before."""

from __future__ import annotations

from pathlib import Path

from kurs.runner import RunContext
from zajecia_10_prezentacja import report, slides
from zajecia_10_prezentacja.artifacts import Artifacts
from zajecia_10_prezentacja.facts import collect

TITLE = "Prezentacja"
ACTION = "raport_koncowy.md/.html i slajdy reveal.js z artefaktów zajęć 01–09"
# Read from the data folder; every other file is named by MissingArtifact when missing.
NEEDS = {"registry": 5, "monitoring": 6, "retraining/year": 9}
CLASS_DIR = Path(__file__).resolve().parent


def run(context: RunContext, destination: Path = CLASS_DIR) -> list[Path]:
    """Write the report (with its figures) and the executed notebook with its slides into
    ``destination`` (the class folder; tests pass their own). The report is rendered and
    the notebook executed before either is written: a failure leaves the previous files.

    Raises:
        MissingArtifact: an artifact is missing; the message names it and its class.
        nbclient.exceptions.CellExecutionError: a cell of the notebook failed.
    """
    facts = collect(Artifacts(context.data_dir))
    rendered = report.contents(facts)
    notebook = destination / slides.NOTEBOOK.name
    if notebook != slides.NOTEBOOK:
        notebook.parent.mkdir(parents=True, exist_ok=True)
        notebook.write_bytes(slides.NOTEBOOK.read_bytes())
    built = slides.build(context.data_dir, notebook, destination / slides.SLIDES.name)
    written = report.write(rendered, destination)
    context.report(f"raport: {destination / report.REPORT} (+ HTML, {len(written) - 2} rysunków)")
    context.report(f"slajdy: {built[-1]}")
    return [*written, *built]
