"""Command line of class 02: execute ``eda.ipynb`` from scratch and export ``eda.html``.

python -m zajecia_02_eda [--timeout SECONDS]
"""

from __future__ import annotations

import sys
from pathlib import Path

from nbclient.exceptions import CellExecutionError, CellTimeoutError

from kurs import exit_codes
from kurs.cli import PolishArgumentParser
from zajecia_02_eda.notebook import execute_in_place

CLASS_DIR = Path(__file__).resolve().parent
NOTEBOOK = CLASS_DIR / "eda.ipynb"
HTML = CLASS_DIR / "eda.html"


def run_eda(timeout: int = 600) -> list[Path]:
    """Execute the EDA notebook in place and export it; return the written files."""
    return execute_in_place(NOTEBOOK, HTML, timeout=timeout)


def main(argv: list[str] | None = None) -> int:
    parser = PolishArgumentParser(
        prog="python -m zajecia_02_eda",
        description="Wykonuje eda.ipynb od zera i eksportuje eda.html (zajęcia 02).",
    )
    parser.add_argument("--timeout", type=int, default=600, help="limit na komórkę [s]")
    args = parser.parse_args(argv)
    try:
        written = run_eda(args.timeout)
    except (CellExecutionError, CellTimeoutError) as error:
        print(
            f"Notebook {NOTEBOOK.name} nie wykonał się; pliki bez zmian.\n{error}", file=sys.stderr
        )
        return exit_codes.ERROR
    for path in written:
        print(f"Zapisano {path}")
    return exit_codes.OK
