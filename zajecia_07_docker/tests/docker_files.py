"""The API image's files and what the Docker tests read from them.

No Docker engine runs on the course machines, so the image is checked through its files:
the Dockerfile with hadolint and by reading its instructions, the compose file against
the Compose specification, the requirements against uv.lock and against what the API
really imports; the image's own ``CMD`` and ``HEALTHCHECK`` are run here, outside Docker.
"""

from __future__ import annotations

import os
import re
import runpy
from pathlib import Path

from kurs.testing.docker import Dockerfile

CLASS_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = CLASS_DIR.parent
DOCKERFILE = CLASS_DIR / "Dockerfile"
COMPOSE_FILE = CLASS_DIR / "docker-compose.yml"
DEPLOY = CLASS_DIR / "deploy.sh"
REQUIREMENTS = CLASS_DIR / "requirements-api.txt"
GUNICORN_CONFIG = CLASS_DIR / "gunicorn.conf.py"
# What gunicorn loads in the image: the app, the logger class named by a string in
# gunicorn.conf.py, and the configuration file itself (run by path).
ENTRY_MODULES = ("zajecia_07_docker.wsgi", "zajecia_07_docker.access_log")
# Installed although nothing of ours imports them: gunicorn sets proc_name only with
# setproctitle, and pandas 3 keeps strings in pyarrow when it is there, as in training.
OPTIONAL_DISTRIBUTIONS = {"setproctitle", "pyarrow"}


def dockerfile() -> Dockerfile:
    return Dockerfile.read(DOCKERFILE)


def base_python_version() -> str:
    """The Python of the image, from the tag of its base image, pinned to a patch version."""
    images = dockerfile().all_arguments("FROM")
    pinned = [re.fullmatch(r"python:(3\.\d+\.\d+)-slim-bookworm( AS \w+)?", i) for i in images]
    assert all(pinned), f"not python:3.X.Y-slim-bookworm: {images}"
    versions = {match.group(1) for match in pinned}
    assert len(versions) == 1, versions
    return versions.pop()


def graceful_timeout_s(environ: dict[str, str], config: Path = GUNICORN_CONFIG) -> int:
    """A gunicorn config's ``graceful_timeout`` under the given environment variables."""
    saved = os.environ.copy()
    try:
        os.environ.update(environ)
        return runpy.run_path(str(config))["graceful_timeout"]
    finally:
        os.environ.clear()
        os.environ.update(saved)


def duration_s(value: str) -> float:
    """A compose duration (``1m30s``) in seconds."""
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", value)
    assert "".join(number + unit for number, unit in parts) == value, value
    return sum(float(number) * units[unit] for number, unit in parts)
