"""MLflow's UI over the course's tracking store, on 127.0.0.1 (``make mlflow``).

python -m zajecia_05_model.mlflow_ui [--port 5000] [--data-dir FOLDER]

The server reads the store training writes (:func:`tracking_store.tracking_uri`: SQLite in
``$MLOPS_DATA_DIR/mlflow/``) and serves its artifacts; it listens on 127.0.0.1 only, with
one worker — a UI for one person, not a shared server. Ctrl+C stops it.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Mapping
from pathlib import Path

from kurs import exit_codes
from kurs.cli import PolishArgumentParser
from kurs.repository import data_dir
from zajecia_05_model.tracking_store import artifact_root, tracking_uri

HOST = "127.0.0.1"
DEFAULT_PORT = 5000


def server_command(data: Path, port: int) -> list[str]:
    """The ``mlflow server`` command line for the SQLite store of ``data``."""
    uri = tracking_uri(data)
    return [
        sys.executable,
        "-m",
        "mlflow",
        "server",
        "--backend-store-uri",
        uri,
        # Experiments created in the UI keep their artifacts beside the others.
        "--artifacts-destination",
        str(artifact_root(uri)),
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        "1",
    ]


def server_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The server's environment: without the job runner of MLflow's GenAI features (seven
    more processes that experiment tracking never uses), unless asked for."""
    return {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"} | dict(environ)


def port_number(text: str) -> int:
    """An argparse ``type``: a TCP port, 1–65535 (the kernel would wrap a larger one).

    Raises:
        argparse.ArgumentTypeError: anything else; argparse names the argument.
    """
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} to nie numer portu (1–65535)")
    return int(text)


def port_taken(port: int) -> bool:
    """Whether something already listens on ``127.0.0.1:port`` (checked as the server
    binds: with ``SO_REUSEADDR``, so a port a stopped server left in TIME_WAIT is free)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    parser = PolishArgumentParser(
        prog="python -m zajecia_05_model.mlflow_ui",
        description="Interfejs MLflow dla przebiegów treningu (zajęcia 05) na 127.0.0.1.",
    )
    parser.add_argument("--port", type=port_number, default=DEFAULT_PORT, help="domyślnie 5000")
    parser.add_argument("--data-dir", type=Path, default=None, help="domyślnie $MLOPS_DATA_DIR")
    args = parser.parse_args(argv)
    data = args.data_dir or data_dir()
    uri = tracking_uri(data)
    if not uri.startswith("sqlite:///"):
        print(
            f"Błąd: MLFLOW_TRACKING_URI={uri} — make mlflow pokazuje magazyn SQLite (domyślnie "
            "data/mlflow, bez tej zmiennej); serwer MLflow ma interfejs pod własnym adresem",
            file=sys.stderr,
        )
        return exit_codes.ERROR
    if port_taken(args.port):
        print(
            f"Błąd: port {args.port} na {HOST} jest zajęty (na macOS zajmuje 5000 AirPlay); "
            f"wybierz inny: make mlflow PORT={args.port + 1}",
            file=sys.stderr,
        )
        return exit_codes.ERROR
    artifact_root(uri).mkdir(parents=True, exist_ok=True)
    print(
        f"MLflow: http://{HOST}:{args.port} (magazyn {uri}); przebiegi treningu: eksperyment "
        "flights_train, widok „Model training”; Ctrl+C kończy",
        flush=True,
    )
    command = server_command(data, args.port)
    # The server replaces this process: Ctrl+C and signals reach it directly.
    os.execve(command[0], command, server_environment(os.environ))


if __name__ == "__main__":
    raise SystemExit(main())
