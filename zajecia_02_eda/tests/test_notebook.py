import nbformat
import pytest
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from zajecia_02_eda import cli
from zajecia_02_eda.notebook import execute, execute_in_place, to_html


def write_notebook(path, *sources):
    cells = [new_markdown_cell("# Notatnik testowy")]
    cells += [new_code_cell(source) for source in sources]
    nbformat.write(new_notebook(cells=cells), path)
    return path


def test_execute_runs_cells_in_the_notebook_folder(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb", "import os\nprint(os.getcwd())", "21 * 2")
    executed = execute(path, timeout=60)
    stream, result = executed.cells[1].outputs[0], executed.cells[2].outputs[0]
    assert stream.text.strip() == str(tmp_path)
    assert result.data["text/plain"] == "42"
    assert [cell.get("execution_count") for cell in executed.cells[1:]] == [1, 2]
    assert "execution" not in executed.cells[1].metadata


def test_prints_of_a_cell_are_one_output_however_the_kernel_flushed_them(tmp_path):
    source = "import sys, time\nprint('a', flush=True)\ntime.sleep(0.5)\nprint('b')"
    executed = execute(write_notebook(tmp_path / "nb.ipynb", source), timeout=60)
    assert [(o.output_type, o.text) for o in executed.cells[1].outputs] == [("stream", "a\nb\n")]


def test_execute_in_place_writes_notebook_and_html(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb", "print('wynik')")
    html = tmp_path / "nb.html"
    assert execute_in_place(path, html, timeout=60) == [path, html]
    assert nbformat.read(path, as_version=4).cells[1].outputs[0].text == "wynik\n"
    assert "Notatnik testowy" in html.read_text(encoding="utf-8")


def test_failing_cell_changes_no_file(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb", "1 / 0")
    before = path.read_bytes()
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        execute_in_place(path, tmp_path / "nb.html", timeout=60)
    assert path.read_bytes() == before
    assert not (tmp_path / "nb.html").exists()


def test_cell_over_the_time_limit_is_stopped(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb", "import time\ntime.sleep(30)")
    with pytest.raises(CellTimeoutError):
        execute(path, timeout=2)


def test_to_html_embeds_outputs(tmp_path):
    executed = execute(write_notebook(tmp_path / "nb.ipynb", "'zawartość komórki'"), timeout=60)
    assert "zawartość komórki" in to_html(executed)


def test_cli_reports_a_failing_notebook(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "NOTEBOOK", write_notebook(tmp_path / "eda.ipynb", "raise KeyError"))
    monkeypatch.setattr(cli, "HTML", tmp_path / "eda.html")
    assert cli.main(["--timeout", "60"]) == 1
    assert "nie wykonał się; pliki bez zmian" in capsys.readouterr().err
    assert not (tmp_path / "eda.html").exists()
