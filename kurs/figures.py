"""Matplotlib figures as PNG files that stay byte-identical between runs.

matplotlib writes its version into a PNG's "Software" field; without it, the same figure
gives the same bytes, so a regenerated report or a committed chart does not change when
nothing in it did.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from matplotlib.figure import Figure

from kurs.atomic_io import write_bytes_atomic


def png_bytes(figure: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes, without metadata that changes from run to run."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def save_png(figure: Figure, path: Path, dpi: int = 100) -> Path:
    """Write the figure to ``path`` atomically; return ``path``."""
    return write_bytes_atomic(path, png_bytes(figure, dpi))


def png_data_uri(figure: Figure, dpi: int = 100) -> str:
    """The figure as a ``data:`` URI, for an HTML report that is a single file."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(figure, dpi)).decode()
