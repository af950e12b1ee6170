"""The Airflow stack's files (Dockerfile, entrypoint.sh, docker-compose.yml, airflow.env,
the CeleryExecutor override docker-compose.celery.yml) and how the tests read them."""

from __future__ import annotations

import os
from pathlib import Path

from kurs.testing.docker import compose_model, unset_value

CLASS_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = CLASS_DIR.parent
DOCKERFILE = CLASS_DIR / "Dockerfile"
COMPOSE_FILE = CLASS_DIR / "docker-compose.yml"
CELERY_FILE = CLASS_DIR / "docker-compose.celery.yml"
ENTRYPOINT = CLASS_DIR / "entrypoint.sh"
ENV_FILE = CLASS_DIR / "airflow.env"
# The image's own user (apache/airflow), for a repository owned by root.
IMAGE_UID = 50000


def env_file(path: Path = ENV_FILE) -> dict[str, str]:
    lines = Path(path).read_text().splitlines()
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


# --- Several compose files laid over each other, as `docker compose -f A -f B` does ---
#
# Compose merges the files in order: mappings key by key, these sequences replaced, the
# other sequences joined (volumes, ports, env_file…); `extends` takes a service of another
# file as the base of one. Relative paths of the files given with -f count from the folder
# of the first one (the project's); those of an extended service from its own file's.

REPLACED = {"command", "entrypoint", "test"}


def merge(base: object, override: object, key: str = "") -> object:
    """``override`` laid over ``base`` the way Compose merges two models."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for name, value in override.items():
            merged[name] = merge(base[name], value, name) if name in base else value
        return merged
    if isinstance(base, list) and isinstance(override, list) and key not in REPLACED:
        return base + [item for item in override if item not in base]
    return override


def _absolute(path: str, folder: Path) -> str:
    return os.path.normpath(folder / path)


def resolve_paths(spec: dict, folder: Path) -> dict:
    """A service with its relative paths (build context, env files, bind mounts, an
    extended file) made absolute from ``folder``."""
    spec = dict(spec)
    if isinstance(spec.get("build"), str):
        spec["build"] = _absolute(spec["build"], folder)
    if "env_file" in spec:
        files = spec["env_file"] if isinstance(spec["env_file"], list) else [spec["env_file"]]
        spec["env_file"] = [_absolute(name, folder) for name in files]
    volumes = []
    for volume in spec.get("volumes", []):
        source, _, rest = volume.partition(":")
        if source.startswith("."):
            source = _absolute(source, folder)
        volumes.append(f"{source}:{rest}")
    if volumes:
        spec["volumes"] = volumes
    if isinstance(spec.get("extends"), dict) and "file" in spec["extends"]:
        spec["extends"] = {**spec["extends"], "file": _absolute(spec["extends"]["file"], folder)}
    return spec


def _extended(spec: dict) -> dict:
    """A service with its ``extends`` applied: the base service, from its own file and with
    its paths from that file's folder, under the service's own keys."""
    if "extends" not in spec:
        return spec
    extends = spec["extends"]
    path = Path(extends["file"])
    base = resolve_paths(compose_model(path)["services"][extends["service"]], path.parent)
    merged = merge(base, {k: v for k, v in spec.items() if k != "extends"})
    assert isinstance(merged, dict)
    return merged


def merged_services(base: Path, *overrides: Path, project_dir: Path | None = None) -> dict:
    """The services of ``docker compose -f base -f overrides[0] …`` run in ``project_dir``
    (by default the base file's folder), paths made absolute. The base file's paths count
    from its own folder, as when a compose file in ``project_dir`` includes it."""
    project_dir = project_dir or Path(base).parent
    services: dict[str, dict] = {}
    for path, folder in [(base, Path(base).parent), *((o, project_dir) for o in overrides)]:
        for name, spec in compose_model(path)["services"].items():
            spec = _extended(resolve_paths(spec, folder))
            services[name] = merge(services[name], spec) if name in services else spec
    return services


def container_environment(spec: dict) -> dict[str, str]:
    """What a container's environment starts with: its env files, then ``environment``
    (which wins), values as on a fresh clone (no ``.env``)."""
    found: dict[str, str] = {}
    for path in spec.get("env_file", []):
        found.update(env_file(Path(path)))
    environment = spec.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    found.update({name: unset_value(value) for name, value in environment.items()})
    return found
