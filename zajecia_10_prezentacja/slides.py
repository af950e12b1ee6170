"""The presentation: ``prezentacja.ipynb`` executed from scratch, then exported by
nbconvert to reveal.js slides (``prezentacja.slides.html``).

The notebook's cells read the artifacts (:mod:`facts`) and draw the figures
(:mod:`figures`) when it runs, so the slides always show the project as it is. Each
slide is a cell with the notebook's "Slideshow" type ``slide``; speaker notes are
Markdown cells of type ``notes``. The export hides the code (only what it shows is on a
slide) and uses the offline template ``templates/nbconvert/slajdy``: reveal.js is inside
the HTML file, which opens without internet.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter

from kurs.atomic_io import write_text_atomic
from zajecia_02_eda.notebook import execute
from zajecia_10_prezentacja import reveal

CLASS_DIR = Path(__file__).resolve().parent
NOTEBOOK = CLASS_DIR / "prezentacja.ipynb"
SLIDES = CLASS_DIR / "prezentacja.slides.html"
TEMPLATES = CLASS_DIR / "templates" / "nbconvert"


def to_slides(notebook: nbformat.NotebookNode) -> str:
    """The executed notebook as one reveal.js HTML page, code hidden, reveal.js inside.

    Raises:
        FileNotFoundError: reveal.js is not installed (``make setup`` installs it).
    """
    # BEGIN SOLUTION: eksport SlidesExporter z szablonem slajdy i reveal.assets()
    exporter = SlidesExporter(
        extra_template_basedirs=[str(TEMPLATES)],
        template_name="slajdy",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    assets = reveal.assets()
    # The theme imports its web font from a file beside it, which the page does not carry:
    # without the import, the system's sans-serif, and no failed request.
    assets["theme"] = re.sub(r"@import url\([^)]*\);", "", assets["theme"])
    body, _ = exporter.from_notebook_node(notebook, resources={"reveal_assets": assets})
    return body
    # END SOLUTION


def build(
    data_dir: Path, notebook: Path = NOTEBOOK, slides: Path = SLIDES, timeout: int = 600
) -> list[Path]:
    """Execute ``notebook`` in a fresh kernel on the artifacts of ``data_dir`` (its
    ``MLOPS_DATA_DIR``), save it with its outputs, export the slides.

    Nothing is written unless every cell ran: a missing artifact stops the notebook with
    the message of :class:`~artifacts.MissingArtifact` in the failing cell's error.

    Returns:
        The executed notebook and the slides page.

    Raises:
        nbclient.exceptions.CellExecutionError: a cell raised; the message names it.
        FileNotFoundError: reveal.js is not installed.
    """
    reveal.assets()  # fail before the execution, not after it, when reveal.js is missing
    environment = {**os.environ, "MLOPS_DATA_DIR": str(data_dir)}
    executed = execute(notebook, timeout=timeout, environment=environment)
    html = to_slides(executed)
    return [
        write_text_atomic(notebook, nbformat.writes(executed) + "\n"),
        write_text_atomic(slides, html),
    ]
