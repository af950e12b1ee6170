"""The API's compose file: valid, and running the image as its Dockerfile describes."""

import sys

from kurs.testing.docker import compose_model, run, unset_value
from zajecia_07_docker.tests.docker_files import (
    COMPOSE_FILE,
    DOCKERFILE,
    REPO_ROOT,
    dockerfile,
    duration_s,
    graceful_timeout_s,
)


def compose_services() -> dict:
    return compose_model(COMPOSE_FILE)["services"]


def test_compose_file_follows_the_specification(compose_report):
    assert compose_report.errors(COMPOSE_FILE) == []


def test_compose_runs_the_image_as_the_dockerfile_describes():
    api = compose_services()["api"]
    assert (COMPOSE_FILE.parent / api["build"]["context"]).resolve() == REPO_ROOT
    assert REPO_ROOT / api["build"]["dockerfile"] == DOCKERFILE
    assert any(str(port).endswith(":8000") for port in api["ports"])
    assert "../data:/data:ro" in api["volumes"], "the registry is mounted read-only"
    assert api["healthcheck"]["test"] == ["CMD", *dockerfile().healthcheck()]
    assert api["restart"] in {"always", "unless-stopped", "on-failure"}
    # docker kills after stop_grace_period: gunicorn must have finished its requests by then.
    environment = {name: unset_value(value) for name, value in api.get("environment", {}).items()}
    assert duration_s(api["stop_grace_period"]) > graceful_timeout_s(environment)


def test_compose_publishes_the_port_the_image_listens_on():
    """No command in compose: the image's CMD runs, on the port of API_BIND and EXPOSE
    (the healthcheck reads API_BIND too)."""
    api = compose_services()["api"]
    image = dockerfile()
    assert "command" not in api and "entrypoint" not in api
    port = {**image.environment(), **api.get("environment", {})}["API_BIND"].rsplit(":", 1)[1]
    assert image.arguments(image.final, "EXPOSE") == [port]
    assert [str(mapping).rsplit(":", 1)[1] for mapping in api["ports"]] == [port]


def test_the_data_folder_is_created_for_the_repository_owner_not_by_docker(tmp_path):
    """On a fresh clone ../data does not exist: data-init (root, before the API) creates it
    for the owner of the repository — the command as compose runs it, here on a copy."""
    services = compose_services()
    init, api = services["data-init"], services["api"]
    assert api["depends_on"]["data-init"]["condition"] == "service_completed_successfully"
    assert init["user"] == "0:0" and init["image"] == api["image"]
    assert init["build"] == api["build"]
    mounts = dict(volume.split(":")[1::-1] for volume in init["volumes"])
    assert (COMPOSE_FILE.parent / mounts["/project"]).resolve() == REPO_ROOT
    registry = next(v.split(":")[0] for v in api["volumes"] if v.split(":")[1] == "/data")
    assert mounts["/project/data"] == registry
    project = tmp_path / "project"
    project.mkdir()
    command = [word.replace("/project", str(project)) for word in init["command"]]
    assert command[:3] == ["python", "-m", "kurs.stack_folders"]
    result = run(sys.executable, *command[1:], cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    assert (project / "data").is_dir()
    assert (project / "data").stat().st_uid == project.stat().st_uid
