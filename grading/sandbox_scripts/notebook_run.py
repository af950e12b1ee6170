"""Execute a notebook from scratch in a fresh kernel; write what happened as JSON.

Run inside the sandbox by the ``notebook_fresh_run`` check:
``python notebook_run.py NOTEBOOK CELL_TIMEOUT_S RESULT_JSON``. The kernel is the
sandbox's own ``python3`` (not the kernel named in the notebook, which may not exist
here), started in the notebook's folder. The executed notebook is not saved.
"""

import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def first_error(notebook) -> int | None:
    """The 1-based number of the first code cell with an error output."""
    for number, cell in enumerate(notebook.cells, start=1):
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            return number
    return None


def main() -> None:
    path, cell_timeout, result = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=cell_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    error, cell = "", None
    try:
        client.execute()
    except CellExecutionError as raised:
        error, cell = f"{raised.ename}: {raised.evalue}", first_error(notebook)
    except CellTimeoutError:
        error = f"komórka działała dłużej niż {cell_timeout} s"
    except DeadKernelError as raised:
        error = f"jądro przestało działać: {raised}"
    outcome = {"ok": not error, "error": error, "cell": cell, "cells": len(notebook.cells)}
    result.write_text(json.dumps(outcome), encoding="utf-8")


if __name__ == "__main__":
    main()
