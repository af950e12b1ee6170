"""entrypoint.sh as the containers run it, outside Docker: airflow-init, then the others
(a Celery worker of docker-compose.celery.yml among them).

The image's own entry point is replaced by a script that records what it was started
with (user, arguments, process id, environment); the shared volumes are folders of a
temporary directory. Run as root (as the containers start), the script must also switch to the
stack's user — so the recording script and its output are readable by any user.
"""

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import jwt
import pytest
from cryptography.fernet import Fernet

from kurs.airflow_env import dag_folders
from zajecia_03_airflow_ingest.airflow_secrets import ADMIN_PASSWORD, GENERATED, read_dotenv
from zajecia_03_airflow_ingest.tests.airflow_stack import (
    CELERY_FILE,
    CLASS_DIR,
    COMPOSE_FILE,
    ENTRYPOINT,
    IMAGE_UID,
    REPO_ROOT,
    container_environment,
    env_file,
    merged_services,
)

AIRFLOW_SECRETS = [name for name in GENERATED if name.startswith("AIRFLOW__")]


def stack_uid() -> int:
    """Who the containers run Airflow as: the repository's owner (root: the image's user);
    a test run that is not root cannot switch and stays itself."""
    if os.geteuid() != 0:
        return os.geteuid()
    return REPO_ROOT.stat().st_uid or IMAGE_UID


@pytest.fixture
def stack(tmp_path):
    """Run ``entrypoint.sh COMMAND`` like a container; return (run, shared folders)."""
    settings = env_file()
    # Readable by the stack's user after the switch: not under pytest's private tmp_path.
    recorder_dir = Path(tempfile.mkdtemp(prefix="entrypoint-"))
    recorder_dir.chmod(0o755)
    recorder = recorder_dir / "official-entrypoint"
    recorder.write_text(
        '#!/bin/sh\n{ echo "$(id -u) $(id -g)"; echo "$*"; echo "$$"; env; } > "$CAPTURE"\n'
    )
    recorder.chmod(0o755)
    capture = recorder_dir / "capture.txt"
    shared = tmp_path / "volumes"
    config_dir = shared / "config"
    base = {
        **os.environ,
        **settings,
        "MLOPS_PROJECT_DIR": str(REPO_ROOT),
        "PYTHONPATH": str(REPO_ROOT),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "MLOPS_DATA_DIR": str(shared / "data"),
        "MLOPS_AIRFLOW_SECRETS": str(config_dir / Path(settings["MLOPS_AIRFLOW_SECRETS"]).name),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(
            config_dir / Path(settings["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]).name
        ),
        "AIRFLOW_UID": "",  # what docker-compose.yml passes when .env does not set it
        "AIRFLOW_IMAGE_ENTRYPOINT": str(recorder),
        "CAPTURE": str(capture),
    }

    def run(
        *command: str, home: str = "home", **extra: str
    ) -> tuple[subprocess.CompletedProcess, dict]:
        capture.write_text("")
        capture.chmod(0o666)
        env = {**base, "AIRFLOW_HOME": str(shared / home), **extra}
        process = subprocess.Popen(
            ["bash", str(ENTRYPOINT), *command],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        stdout, stderr = process.communicate()
        result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        ids, args, pid, *lines = capture.read_text().splitlines() or ["", "", ""]
        recorded = dict(line.split("=", 1) for line in lines if "=" in line)
        # The process Docker started (dumb-init's child) is the one that runs the command.
        same = pid == str(process.pid)
        return result, {"ids": ids, "args": args, "env": recorded, "same_process": same}

    yield run, shared, base
    shutil.rmtree(recorder_dir)


def test_airflow_init_shares_stable_secrets_with_every_container(stack):
    run, _, base = stack
    result, init = run("init")
    assert result.returncode == 0, result.stderr
    assert init["args"] == "db migrate"  # then the image's entry point migrates the database
    secrets_file = Path(base["MLOPS_AIRFLOW_SECRETS"])
    saved = read_dotenv(secrets_file)
    assert f"hasło: {saved[ADMIN_PASSWORD]}" in result.stdout  # docker compose logs airflow-init
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600

    key = saved["AIRFLOW__CORE__FERNET_KEY"]
    assert Fernet(key).decrypt(Fernet(key).encrypt(b"polaczenie")) == b"polaczenie"
    jwt_secret = saved["AIRFLOW__API_AUTH__JWT_SECRET"]
    assert len(jwt_secret.encode()) >= 32
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # PyJWT warns when a key is short for its algorithm
        jwt.encode({"sub": "admin"}, jwt_secret, algorithm="HS512")
    assert len(saved["AIRFLOW__API__SECRET_KEY"].encode()) >= 32
    passwords = Path(base["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
    assert json.loads(passwords.read_text()) == {"admin": saved[ADMIN_PASSWORD]}

    # Two other containers, each with its own home: the same keys, so the API server's
    # signed request for a task log is accepted by the log server of the scheduler.
    for command in ("scheduler", "api-server"):
        result, container = run(command, home=command)
        assert result.returncode == 0, result.stderr
        assert container["args"] == command
        assert {name: container["env"][name] for name in AIRFLOW_SECRETS} == {
            name: saved[name] for name in AIRFLOW_SECRETS
        }
        assert ADMIN_PASSWORD not in container["env"]  # in the password file only
        bundles = json.loads(container["env"]["AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST"])
        assert [(b["name"], b["kwargs"]["path"]) for b in bundles] == [
            (f.parent.name, str(f)) for f in dag_folders()
        ]
        assert ("zajecia_03_airflow_ingest", str(CLASS_DIR / "dags")) in [
            (b["name"], b["kwargs"]["path"]) for b in bundles
        ]

    # A re-created airflow-init keeps them: re-created containers sign as before.
    assert run("init")[0].returncode == 0
    assert read_dotenv(secrets_file) == saved


def test_a_celery_worker_starts_like_every_container_and_is_the_process_docker_signals(stack):
    """docker-compose.celery.yml's worker: `celery worker` reaches the image's entry point
    as it is (which runs `airflow celery worker`), with the shared secrets and the bundles.
    entrypoint.sh replaces itself by that command (exec, also through setpriv), so with
    DUMB_INIT_SETSID=0 dumb-init's SIGTERM reaches Celery itself: a warm shutdown."""
    run, _, base = stack
    assert run("init")[0].returncode == 0
    stack_file = merged_services(COMPOSE_FILE, CELERY_FILE)
    worker = stack_file["airflow-worker"]
    celery = {
        name: value
        for name, value in container_environment(worker).items()
        if name.startswith("AIRFLOW__CELERY__") or name in {"AIRFLOW__CORE__EXECUTOR"}
    }
    result, container = run(*worker["command"], home="worker", **celery)
    assert result.returncode == 0, result.stderr
    assert container["args"] == "celery worker"
    assert container["same_process"]
    saved = read_dotenv(Path(base["MLOPS_AIRFLOW_SECRETS"]))
    for name in AIRFLOW_SECRETS:
        assert container["env"][name] == saved[name], name
    for name, value in celery.items():
        assert container["env"][name] == value, name
    assert json.loads(container["env"]["AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST"])
    # The other long-running containers are their command's process too.
    for command in ("scheduler", "api-server"):
        assert run(command, home=command)[1]["same_process"], command


def test_every_shared_secret_is_an_airflow_setting():
    """A misspelt variable would be ignored by Airflow, which would generate its own."""
    from airflow.configuration import conf

    for name in AIRFLOW_SECRETS:
        _, section, key = name.lower().split("__")
        assert key in conf.configuration_description[section]["options"], name
    assert env_file()["MLOPS_PROJECT_DIR"] == "/opt/airflow/project"
    assert "AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST" not in env_file()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can hand folders to another user")
def test_init_hands_what_the_stack_writes_to_its_user(stack):
    """Docker created ../data as root (a fresh clone): airflow-init gives it to the user
    Airflow runs as, and Airflow does run as that user, with group 0 as the image expects."""
    run, shared, base = stack
    data = Path(base["MLOPS_DATA_DIR"])
    (data / "raw").mkdir(parents=True)
    (data / "raw" / "old.parquet").write_bytes(b"")
    os.chown(data, 0, 0)
    result, init = run("init")
    assert result.returncode == 0, result.stderr
    uid = stack_uid()
    assert init["ids"] == f"{uid} 0"
    folders = [data, data / "raw", data / "raw" / "old.parquet", shared / "home" / "logs"]
    config = Path(base["MLOPS_AIRFLOW_SECRETS"])
    for path in [*folders, config.parent, config]:
        assert path.stat().st_uid == uid, path
    result, scheduler = run("scheduler")
    assert scheduler["ids"] == f"{uid} 0"
    assert scheduler["env"]["HOME"] == "/home/airflow"


def test_a_container_started_before_airflow_init_says_what_is_missing(stack):
    run, _, _ = stack
    result, container = run("scheduler")
    assert result.returncode == 1
    assert "airflow-init" in result.stderr and container["args"] == ""
