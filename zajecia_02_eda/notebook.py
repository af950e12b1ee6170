"""Executing a deliverable notebook from scratch and exporting it to HTML.

Deliverable notebooks are committed executed, so re-running them must not create a
diff when nothing changed: cell timing metadata is not recorded, and both files are
written atomically only after the whole notebook ran without an error.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from nbconvert.preprocessors.coalescestreams import CoalesceStreamsPreprocessor
from traitlets.config import Config

from kurs.atomic_io import write_text_atomic

KERNEL_NAME = "python3"


def execute(
    path: Path,
    timeout: int = 600,
    kernel_name: str = KERNEL_NAME,
    environment: Mapping[str, str] | None = None,
) -> nbformat.NotebookNode:
    """Run every cell of the notebook at ``path`` in a fresh kernel; return the result.

    The kernel's working directory is the notebook's folder, as in JupyterLab.

    Args:
        path: the ``.ipynb`` file; it is not modified.
        timeout: the limit for a single cell, in seconds.
        kernel_name: the Jupyter kernel; ``python3`` is the project's environment when
            run from it (``make lab``, ``make run``).
        environment: the kernel's environment variables; ``None`` = this process's.

    Raises:
        nbclient.exceptions.CellExecutionError: a cell raised; the message names it.
        nbclient.exceptions.CellTimeoutError: a cell ran longer than ``timeout``.
    """
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
        # A local kernel talks over Unix sockets (IPC) in a private folder rather than
        # unencrypted TCP ports, which any local user could connect to.
        ipc = Config({"KernelManager": {"transport": "ipc", "ip": str(Path(sockets) / "ipc")}})
        client = NotebookClient(
            notebook,
            config=ipc,
            kernel_name=kernel_name,
            timeout=timeout,
            record_timing=False,
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute(env=dict(os.environ if environment is None else environment))
    # How a cell's prints are split into outputs depends on when the kernel flushed them
    # (a busy machine flushes more often); merged, the committed notebook is the same.
    notebook, _ = CoalesceStreamsPreprocessor().preprocess(notebook, {})
    return notebook


def to_html(notebook: nbformat.NotebookNode) -> str:
    """The notebook as a standalone HTML page (figures embedded)."""
    body, _ = HTMLExporter().from_notebook_node(notebook)
    return body


def execute_in_place(path: Path, html_path: Path, timeout: int = 600) -> list[Path]:
    """Execute the notebook, then overwrite it with its outputs and export the HTML.

    Returns:
        The written files: the executed notebook and the HTML page.
    """
    notebook = execute(path, timeout=timeout)
    write_text_atomic(path, nbformat.writes(notebook) + "\n")
    write_text_atomic(html_path, to_html(notebook))
    return [Path(path), Path(html_path)]
