"""``make airflow``: Airflow on this machine for students (standalone, 127.0.0.1:8080).

Runs ``airflow standalone`` (API server with the UI, scheduler, DAG processor,
triggerer) with the metadata database in ``$MLOPS_DATA_DIR/airflow`` and only this
repository's DAG folders. DAGs start paused: switch ``flights_ingest`` on and catch-up
runs January…December; each finished month triggers ``flights_preprocess``.

Login: user ``admin``; the password is generated once into
``$MLOPS_DATA_DIR/airflow/passwords.json`` and printed at start.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path

from kurs.airflow_env import airflow_environment
from kurs.repository import data_dir

HOST, PORT, USER = "127.0.0.1", 8080, "admin"


def ensure_password(path: Path) -> str:
    """The admin password from ``path``; generate and store one (owner-only) if missing."""
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))[USER]
    password = secrets.token_urlsafe(12)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps({USER: password}) + "\n", encoding="utf-8")
    return password


def standalone_environment(home: Path) -> dict[str, str]:
    return {
        **airflow_environment(home, quiet=False),
        "AIRFLOW__API__HOST": HOST,
        "AIRFLOW__API__PORT": str(PORT),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
    }


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(
        prog="python -m kurs.airflow_local",
        description=(
            "Airflow na tym komputerze (make airflow): UI na http://127.0.0.1:8080, baza "
            "metadanych w $MLOPS_DATA_DIR/airflow, DAG-i wszystkich zajęć."
        ),
    ).parse_args(argv)
    home = data_dir() / "airflow"
    password = ensure_password(home / "passwords.json")
    print(
        f"Airflow: http://{HOST}:{PORT}  (użytkownik: {USER}, hasło: {password})\n"
        f"Baza metadanych i logi: {home}\n"
        "DAG-i startują wstrzymane: włącz flights_ingest, a catch-up wykona 12 miesięcy 2013.\n"
        "Zatrzymanie: Ctrl+C.\n",
        flush=True,
    )
    # standalone starts its parts as `airflow …` commands: the venv's bin must come first.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    environment = {**os.environ, **standalone_environment(home), "PATH": path}
    os.execve(sys.executable, [sys.executable, "-m", "airflow", "standalone"], environment)


if __name__ == "__main__":
    main()
