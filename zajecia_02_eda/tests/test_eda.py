"""The class 02 deliverable: eda.ipynb, committed executed, and its HTML export."""

import re

import pytest
from nbclient.exceptions import CellExecutionError

from kurs.testing.due import notebook, reraise, written
from zajecia_02_eda.cli import HTML, NOTEBOOK
from zajecia_02_eda.notebook import execute, to_html

SECTIONS = (
    "## 1. Przegląd danych",
    "## 2. Braki danych",
    "## 3. Zmienna celu",
    "## 4. Balans klas",
    "## 5. Co wiąże się z opóźnieniem",
    "## 6. Wyciek danych",
    "## 7. Podgląd dryfu",
    "## 8. Wnioski",
)
MIN_FIGURES = 8


@pytest.fixture(scope="module")
def committed():
    return notebook(NOTEBOOK)


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def has_figure(cell):
    return any("image/png" in output.get("data", {}) for output in cell.outputs)


def test_committed_notebook_is_executed_in_order_without_errors(committed):
    cells = code_cells(committed)
    assert [cell.execution_count for cell in cells] == list(range(1, len(cells) + 1))
    assert not [o for cell in cells for o in cell.outputs if o.output_type == "error"]


def test_required_sections_in_order(committed):
    markdown = "\n".join(cell.source for cell in committed.cells if cell.cell_type == "markdown")
    positions = [markdown.find(f"\n{section}") for section in SECTIONS]
    assert -1 not in positions, [s for s, p in zip(SECTIONS, positions, strict=True) if p == -1]
    assert positions == sorted(positions)


def test_every_figure_is_labelled_and_read_in_the_next_cell(committed):
    figures = 0
    for index, cell in enumerate(committed.cells):
        if cell.cell_type != "code" or not has_figure(cell):
            continue
        figures += 1
        assert re.search(r"set_title|suptitle", cell.source), cell.source
        assert "set_xlabel" in cell.source and "set_ylabel" in cell.source, cell.source
        reading = committed.cells[index + 1]
        assert reading.cell_type == "markdown"
        assert reading.source.startswith(f"**Wykres {figures}.**")
    assert figures >= MIN_FIGURES


def test_leakage_section_names_the_leaking_columns_with_numbers(committed):
    text = "\n".join(cell.source for cell in committed.cells)
    assert "\n## 6. Wyciek danych" in text and "\n## 7." in text, "brak sekcji 6 albo 7"
    section = text[text.index("\n## 6. Wyciek danych") : text.index("\n## 7.")]
    for column in ("dep_time", "dep_delay", "arr_time", "air_time"):
        assert column in section
    assert "ROC AUC" in section


def test_html_is_the_export_of_the_committed_notebook(committed):
    assert written(HTML).is_file(), "uruchom: python -m zajecia_02_eda"
    assert HTML.read_text(encoding="utf-8") == to_html(committed), (
        "uruchom: python -m zajecia_02_eda"
    )


@pytest.mark.slow
def test_notebook_runs_from_scratch_and_reproduces_the_committed_outputs(committed, tmp_path):
    copy = tmp_path / NOTEBOOK.name
    copy.write_bytes(NOTEBOOK.read_bytes())
    try:
        fresh = execute(copy, timeout=180)
    except CellExecutionError as error:
        reraise(str(error))  # a skeleton the notebook calls: its task
        raise
    assert sum(has_figure(cell) for cell in code_cells(fresh)) >= MIN_FIGURES
    for new, old in zip(code_cells(fresh), code_cells(committed), strict=True):
        assert new.outputs == old.outputs, f"komórka się zmieniła:\n{new.source}"
