"""The stack's secrets file: written once, completed when a value is missing, never changed."""

import json
import stat

from kurs import exit_codes
from zajecia_03_airflow_ingest.airflow_secrets import (
    ADMIN_PASSWORD,
    GENERATED,
    ensure_secrets,
    main,
    read_dotenv,
    user_names,
)


def test_secrets_are_generated_once_and_a_missing_one_is_added(tmp_path):
    path = tmp_path / "config" / "secrets.env"
    assert read_dotenv(path) == {}
    first = ensure_secrets(path)
    assert set(first) == set(GENERATED) and all(first.values())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ensure_secrets(path) == first
    kept = {k: v for k, v in first.items() if k != ADMIN_PASSWORD}
    path.write_text("# edited\n" + "".join(f"{k}={v}\n" for k, v in kept.items()))
    completed = ensure_secrets(path)
    assert {k: completed[k] for k in kept} == kept and completed[ADMIN_PASSWORD]
    assert read_dotenv(path) == completed
    assert list(tmp_path.glob("config/.*")) == []  # no temporary file left


def test_main_writes_the_password_file_and_prints_the_login(tmp_path, capsys):
    environ = {
        "MLOPS_AIRFLOW_SECRETS": str(tmp_path / "secrets.env"),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(tmp_path / "passwords.json"),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin, ola:viewer",
    }
    assert main(environ) == exit_codes.OK
    password = read_dotenv(tmp_path / "secrets.env")[ADMIN_PASSWORD]
    passwords = json.loads((tmp_path / "passwords.json").read_text())
    assert passwords == {"admin": password, "ola": password}
    assert f"admin, ola / hasło: {password}" in capsys.readouterr().out
    del environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"]
    assert main(environ) == exit_codes.ERROR
    assert "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS" in capsys.readouterr().err
    assert user_names("admin:admin,,") == ["admin"]
