"""The API's compose file: valid, and running the image as its Dockerfile describes."""

import re

import yaml

from zajecia_07_docker.tests.docker_files import (
    COMPOSE_FILE,
    DOCKERFILE,
    REPO_ROOT,
    dockerfile,
    duration_s,
    graceful_timeout_s,
)


def test_compose_file_follows_the_specification(compose_report):
    assert compose_report.errors(COMPOSE_FILE) == []


def test_compose_runs_the_image_as_the_dockerfile_describes():
    api = yaml.safe_load(COMPOSE_FILE.read_text())["services"]["api"]
    assert (COMPOSE_FILE.parent / api["build"]["context"]).resolve() == REPO_ROOT
    assert REPO_ROOT / api["build"]["dockerfile"] == DOCKERFILE
    assert any(str(port).endswith(":8000") for port in api["ports"])
    assert "../data:/data:ro" in api["volumes"], "the registry is mounted read-only"
    assert api["healthcheck"]["test"] == ["CMD", *dockerfile().healthcheck()]
    assert api["restart"] in {"always", "unless-stopped", "on-failure"}
    # docker kills after stop_grace_period: gunicorn must have finished its requests by then.
    # A variable's value is its default, ${NAME:-default}, as compose uses it when unset.
    environment = {
        name: re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value))
        for name, value in api.get("environment", {}).items()
    }
    assert duration_s(api["stop_grace_period"]) > graceful_timeout_s(environment)
