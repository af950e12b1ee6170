"""The Airflow stack's files (Dockerfile, entrypoint.sh, docker-compose.yml, airflow.env)
and how the tests read them."""

from __future__ import annotations

from pathlib import Path

from kurs.testing.docker import compose_model

CLASS_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = CLASS_DIR.parent
DOCKERFILE = CLASS_DIR / "Dockerfile"
COMPOSE_FILE = CLASS_DIR / "docker-compose.yml"
ENTRYPOINT = CLASS_DIR / "entrypoint.sh"
ENV_FILE = CLASS_DIR / "airflow.env"
# The image's own user (apache/airflow), for a repository owned by root.
IMAGE_UID = 50000


def env_file() -> dict[str, str]:
    lines = ENV_FILE.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def services() -> dict[str, dict]:
    return compose_model(COMPOSE_FILE)["services"]


def airflow_services() -> dict[str, dict]:
    """The services that run the course's Airflow image (built from the Dockerfile)."""
    return {name: spec for name, spec in services().items() if "build" in spec}


def mounts(spec: dict) -> dict[str, str]:
    """Container path -> source (a named volume or a host path) of a service's volumes."""
    found = {}
    for volume in spec.get("volumes", []):
        source, target = volume.split(":")[:2]
        found[target] = source
    return found
