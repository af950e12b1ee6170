"""The Airflow stack's compose file against what the image and Airflow really do: shared
secrets and logs, no secret committed, health checks Airflow accepts, agreeing ports."""

import argparse
import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import yaml

from kurs.testing.due import read_text
from zajecia_03_airflow_ingest.tests.airflow_stack import (
    COMPOSE_FILE,
    ENTRYPOINT,
    airflow_services,
    env_file,
    mounts,
    services,
)

# The service of each long-running Airflow command, and the job it records in the
# metadata database (what `airflow jobs check --job-type` looks for).
SERVICES = {
    "api-server": "airflow-apiserver",
    "scheduler": "airflow-scheduler",
    "dag-processor": "airflow-dag-processor",
    "triggerer": "airflow-triggerer",
}
JOB_TYPES = {"dag-processor": "DagProcessorJob", "triggerer": "TriggererJob"}
# Reachable only inside the stack's network (no published port), as in Airflow's own file.
INTERNAL = {"POSTGRES_PASSWORD"}
SECRET_NAME = re.compile(r"SECRET|FERNET|JWT|PASSWORD|TOKEN")


def setting(section: str, key: str) -> str:
    """What the containers use: airflow.env, else Airflow's default."""
    from airflow.configuration import conf

    name = f"AIRFLOW__{section}__{key}".upper()
    return env_file().get(name) or str(conf.get_default_value(section, key))


def command_of(spec: dict) -> list[str]:
    command = spec["command"]
    return command if isinstance(command, list) else command.split()


def healthcheck_of(spec: dict) -> list[str]:
    kind, *command = spec["healthcheck"]["test"]
    assert kind == "CMD", "exec form: no shell between Docker and the check"
    return command


def test_no_secret_is_in_a_committed_file():
    """Secrets come from the file airflow-init generates, not from airflow.env or a
    ``${VAR:-default}`` in the compose file that every clone would share."""
    names = set(env_file())
    for spec in services().values():
        names |= set(spec.get("environment", {}))
    secret = {n for n in names if SECRET_NAME.search(n) and not n.endswith(("_FILE", "_SECRETS"))}
    assert secret <= INTERNAL, sorted(secret - INTERNAL)


def test_every_airflow_container_shares_the_secrets_and_the_task_logs():
    environment = env_file()
    (config,) = {
        str(PurePosixPath(environment[name]).parent)
        for name in ("MLOPS_AIRFLOW_SECRETS", "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE")
    }
    stack = airflow_services()
    assert {*SERVICES.values(), "airflow-init"} <= set(stack)
    for name, spec in stack.items():
        mounted = mounts(spec)
        # Named volumes shared by all: the API server shows what the scheduler's tasks logged.
        assert mounted[config] == "airflow-config", name
        assert mounted["/opt/airflow/logs"] == "airflow-logs", name
        assert mounted["/opt/airflow/data"] == "../data", name
        # Root only to start: entrypoint.sh prepares (init) and switches to the stack's user.
        assert spec["user"] == "0:0", name
    declared = yaml.safe_load(read_text(COMPOSE_FILE)).get("volumes") or {}
    assert {"airflow-config", "airflow-logs", "postgres-db"} <= set(declared)


def test_every_command_exists_in_the_image():
    """A service runs an Airflow command, or ``init``, which entrypoint.sh handles itself."""
    from airflow.cli.cli_config import core_commands

    airflow_commands = {command.name for command in core_commands}
    stack = airflow_services()
    assert command_of(stack["airflow-init"]) == ["init"]
    assert '"${1:-}" == init' in ENTRYPOINT.read_text()
    for command, name in SERVICES.items():
        assert command_of(stack[name]) == [command]
        assert command in airflow_commands
        init = stack[name]["depends_on"]["airflow-init"]
        assert init["condition"] == "service_completed_successfully", name


def test_healthchecks_ask_what_airflow_serves():
    """As in Airflow's own compose file: the API server's and the scheduler's health
    endpoints, and `airflow jobs check` for the DAG processor and the triggerer."""
    from airflow.cli.cli_config import core_commands

    stack = airflow_services()
    (jobs,) = [command for command in core_commands if command.name == "jobs"]
    (check,) = [command for command in jobs.subcommands if command.name == "check"]
    parser = argparse.ArgumentParser(exit_on_error=False)
    for arg in check.args:
        arg.add_to_parser(parser)
    for command, job_type in JOB_TYPES.items():
        healthcheck = healthcheck_of(stack[SERVICES[command]])
        assert healthcheck[:3] == ["airflow", "jobs", "check"]
        args = parser.parse_args(healthcheck[3:])
        assert args.job_type == job_type and args.local  # this container's own job

    api_port = int(setting("api", "port"))
    api = stack[SERVICES["api-server"]]
    assert [str(port).split(":")[-1] for port in api["ports"]] == [str(api_port)]
    assert urlsplit(healthcheck_of(api)[-1]).port == api_port
    execution = urlsplit(setting("core", "execution_api_server_url"))
    assert (execution.hostname, execution.port) == (SERVICES["api-server"], api_port)

    assert setting("scheduler", "enable_health_check").lower() == "true"
    scheduler = urlsplit(healthcheck_of(stack[SERVICES["scheduler"]])[-1])
    assert scheduler.port == int(setting("scheduler", "scheduler_health_check_server_port"))
    assert scheduler.path == "/health"


def test_airflow_connects_to_the_database_the_postgres_service_creates():
    postgres = services()["postgres"]
    environment = postgres["environment"]
    database = urlsplit(env_file()["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    assert database.hostname == "postgres"
    assert (database.username, database.password) == (
        environment["POSTGRES_USER"],
        environment["POSTGRES_PASSWORD"],
    )
    assert database.path.lstrip("/") == environment["POSTGRES_DB"]
    assert healthcheck_of(postgres) == ["pg_isready", "-U", environment["POSTGRES_USER"]]
    for name in SERVICES.values():
        assert airflow_services()[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
