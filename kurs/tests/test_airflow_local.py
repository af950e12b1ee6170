import json
import os
import stat
import sys
from pathlib import Path

import pytest

from kurs import airflow_local
from kurs.airflow_env import airflow_environment, dag_folders
from kurs.airflow_local import ensure_password, standalone_environment


def test_password_is_generated_once_and_private(tmp_path):
    path = tmp_path / "airflow" / "passwords.json"
    password = ensure_password(path)
    assert len(password) >= 16
    assert ensure_password(path) == password
    assert json.loads(path.read_text()) == {"admin": password}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_standalone_listens_on_localhost_with_the_repository_dags(tmp_path):
    env = standalone_environment(tmp_path)
    assert env["AIRFLOW__API__HOST"] == "127.0.0.1" and env["AIRFLOW__API__PORT"] == "8080"
    assert "AIRFLOW__LOGGING__LOGGING_LEVEL" not in env  # students see Airflow's usual logs
    bundles = json.loads(env["AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST"])
    assert [b["kwargs"]["path"] for b in bundles] == [str(f) for f in dag_folders()]
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"


def test_batch_environment_is_quiet_and_uses_sqlite_in_the_home(tmp_path):
    env = airflow_environment(tmp_path / "home")
    assert env["AIRFLOW__LOGGING__LOGGING_LEVEL"] == "WARNING"
    assert (
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        == f"sqlite:///{tmp_path / 'home' / 'airflow.db'}"
    )
    assert (tmp_path / "home").is_dir()


def test_main_prints_the_login_and_starts_standalone(tmp_path, monkeypatch, capsys):
    started = {}
    monkeypatch.setenv("MLOPS_DATA_DIR", str(tmp_path))
    # Stands in for exec: the real `airflow standalone` is a long-running server.
    monkeypatch.setattr(
        airflow_local.os, "execve", lambda exe, argv, env: started.update(argv=argv, env=env)
    )
    airflow_local.main([])
    password = json.loads((tmp_path / "airflow" / "passwords.json").read_text())["admin"]
    assert (
        f"http://127.0.0.1:8080  (użytkownik: admin, hasło: {password})" in capsys.readouterr().out
    )
    assert started["argv"][1:] == ["-m", "airflow", "standalone"]
    assert started["env"]["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)


def test_help_describes_instead_of_starting(capsys, monkeypatch):
    monkeypatch.setattr(airflow_local.os, "execve", lambda *args: pytest.fail("started Airflow"))
    with pytest.raises(SystemExit) as exit_:
        airflow_local.main(["--help"])
    assert exit_.value.code == 0 and "127.0.0.1:8080" in capsys.readouterr().out
