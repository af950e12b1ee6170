"""Secrets of the Airflow stack (docker-compose.yml): generated once, shared by every container.

Airflow generates in each process whatever secret is not configured: ``[api] secret_key``
(signs the requests for task logs to the log server), ``[api_auth] jwt_secret`` (tokens of
the API and the task SDK), ``[core] fernet_key`` (encrypts connections and variables) and
the admin password of the simple auth manager. In containers each one gets its own, and
new ones when it is re-created: the UI answers 403 for task logs, tokens and encrypted
values stop working, the password changes.

So ``airflow-init`` runs this module on every start of the stack (``entrypoint.sh init``):
it writes the secrets once to a dotenv file on the stack's config volume (mode 600),
keeps them on later starts, and writes the simple auth manager's password file from it.
``entrypoint.sh`` exports the file in every container. The volume lives as long as the
metadata database (``docker compose down -v`` removes both), so the Fernet key is never
separated from the values it encrypted. Nothing secret is in a committed file.

Standard library only: it runs as root in the image before the Airflow user takes over.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from kurs import exit_codes

ADMIN_PASSWORD = "MLOPS_AIRFLOW_ADMIN_PASSWORD"
# Variable -> generator. Airflow signs its JWTs with HS512, whose key should be at least as
# long as the hash (64 bytes): 48 random bytes are 64 characters in URL-safe base64. A
# Fernet key is 32 random bytes, URL-safe base64. All values are safe in a shell file.
GENERATED: dict[str, Callable[[], str]] = {
    "AIRFLOW__CORE__FERNET_KEY": lambda: base64.urlsafe_b64encode(os.urandom(32)).decode(),
    "AIRFLOW__API__SECRET_KEY": lambda: secrets.token_urlsafe(48),
    "AIRFLOW__API_AUTH__JWT_SECRET": lambda: secrets.token_urlsafe(48),
    ADMIN_PASSWORD: lambda: secrets.token_urlsafe(12),
}
HEADER = "# Written by airflow-init (zajecia_03_airflow_ingest/airflow_secrets.py).\n"


def read_dotenv(path: Path) -> dict[str, str]:
    """``KEY=value`` lines of a dotenv file (comments and blank lines skipped); {} if missing."""
    if not Path(path).is_file():
        return {}
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def _write_private(path: Path, text: str) -> None:
    """Write atomically with mode 600 from the start (mkstemp's mode): no moment when
    another user could read the secret."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def ensure_secrets(path: Path) -> dict[str, str]:
    """The stack's secrets from ``path``; the missing ones generated and saved (once)."""
    path = Path(path)
    values = read_dotenv(path)
    missing = [name for name in GENERATED if not values.get(name)]
    if missing:
        values.update({name: GENERATED[name]() for name in missing})
        _write_private(path, HEADER + "".join(f"{key}={value}\n" for key, value in values.items()))
    return values


def write_passwords(path: Path, users: list[str], password: str) -> None:
    """The simple auth manager's password file: the stack's admin password for each user."""
    _write_private(Path(path), json.dumps(dict.fromkeys(users, password)) + "\n")


def user_names(users_setting: str) -> list[str]:
    """Names from ``[core] simple_auth_manager_users`` (``admin:admin,ola:viewer``)."""
    return [item.split(":")[0].strip() for item in users_setting.split(",") if item.strip()]


def main(environ: Mapping[str, str] = os.environ) -> int:
    try:
        secrets_path = Path(environ["MLOPS_AIRFLOW_SECRETS"])
        passwords_path = Path(environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
        users = user_names(environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"])
    except KeyError as error:
        print(f"Brak zmiennej {error.args[0]} (airflow.env)", file=sys.stderr)
        return exit_codes.ERROR
    values = ensure_secrets(secrets_path)
    write_passwords(passwords_path, users, values[ADMIN_PASSWORD])
    print(f"Sekrety stosu: {secrets_path} (zachowane między restartami kontenerów).")
    print(f"Logowanie do Airflow: {', '.join(users)} / hasło: {values[ADMIN_PASSWORD]}")
    return exit_codes.OK


if __name__ == "__main__":
    raise SystemExit(main())
