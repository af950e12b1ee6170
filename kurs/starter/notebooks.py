"""Solution cells of a notebook, and the task cells the starter gets instead.

A solution cell carries the tag ``solution`` (JupyterLab: the property inspector's cell
tags; nbgrader and otter-grader mark cells the same way). The first cell of a group may
say the student's task in Polish in its metadata, ``"task": "…"``; in the starter that
cell becomes a Markdown cell ``**Zadanie (zajęcia 02):** …`` and, for a code cell, an
empty code cell after it. Solution cells without a task are dropped. Every output and
execution count is cleared: the starter's notebook has never been run.
"""

from __future__ import annotations

import nbformat

from kurs.starter.markers import class_label
from kurs.testing.due import notebook_prompt

SOLUTION_TAG = "solution"


def _task_cells(cell: nbformat.NotebookNode, path: str) -> list[nbformat.NotebookNode]:
    task = cell.metadata.get("task")
    if not task:
        return []
    # In a slide deck the task is not a slide: the code cell the student writes takes the
    # solution cell's place in the presentation.
    slides = "slideshow" in cell.metadata
    task_metadata = {"slideshow": {"slide_type": "skip"}} if slides else {}
    code_metadata = {"slideshow": cell.metadata["slideshow"]} if slides else {}
    # Ids derived from the solution cell's: the same reference gives the same starter.
    cells = [
        nbformat.v4.new_markdown_cell(
            notebook_prompt(class_label(path), task),
            metadata=task_metadata,
            id=f"{cell.id}-zadanie",
        )
    ]
    if cell.cell_type == "code":
        cells.append(nbformat.v4.new_code_cell("", metadata=code_metadata, id=f"{cell.id}-kod"))
    return cells


def strip_notebook(text: str, path: str) -> str:
    """The notebook ``text`` (``.ipynb`` JSON) with its solution cells replaced and every
    output cleared; the result is valid nbformat 4."""
    notebook = nbformat.reads(text, as_version=4)
    cells = []
    for cell in notebook.cells:
        if SOLUTION_TAG in cell.metadata.get("tags", []):
            cells.extend(_task_cells(cell, path))
            continue
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    notebook.cells = cells
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"
