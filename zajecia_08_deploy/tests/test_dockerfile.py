"""The production image: the class 07 image plus this class's app and its one dependency."""

import os
import sys
from pathlib import Path

import pytest

from kurs.repository import class_folders, class_number
from kurs.testing.docker import Dockerfile, container_command, hadolint
from kurs.testing.imports import distributions_of, reachable
from kurs.testing.lockfile import locked_tree, requirement_pins
from zajecia_07_docker.server import call, free_port
from zajecia_07_docker.tests import docker_files as api_image
from zajecia_07_docker.tests.flights import flights_of
from zajecia_08_deploy.tests.stack_files import CLASS_DIR, DOCKERFILE, REPO_ROOT

REQUIREMENTS = CLASS_DIR / "requirements-production.txt"
ENTRY_MODULES = ("zajecia_08_deploy.wsgi", *api_image.ENTRY_MODULES)
CONFIGS = [CLASS_DIR / "gunicorn.conf.py", api_image.GUNICORN_CONFIG]


def image() -> Dockerfile:
    return Dockerfile.read(DOCKERFILE)


def test_dockerfile_passes_hadolint():
    result = hadolint(DOCKERFILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_built_on_the_api_image_and_run_as_its_user():
    production = image()
    (base,) = production.all_arguments("FROM")
    assert base == "${API_IMAGE}"
    assert production.arguments(production.preamble, "ARG") == [
        "API_IMAGE=kurs-mlops/flights-api:latest"
    ]
    assert "IMAGE=kurs-mlops/flights-api\n" in api_image.DEPLOY.read_text()
    users = production.arguments(production.final, "USER")
    assert users[-1] == api_image.dockerfile().arguments(api_image.dockerfile().final, "USER")[-1]
    assert production.command() == [
        "gunicorn",
        "--config",
        "zajecia_08_deploy/gunicorn.conf.py",
        "zajecia_08_deploy.wsgi:app",
    ]


def test_copies_only_this_class_on_top_of_the_base():
    folders = {Path(source).parts[0] for source in image().copied_sources()}
    classes = {folder.name: class_number(folder) for folder in class_folders()}
    assert {name for name in folders if name in classes} == {CLASS_DIR.name}


def test_requirements_pin_the_locked_versions_and_cover_what_the_base_lacks():
    pins = requirement_pins(REQUIREMENTS)
    base_pins = requirement_pins(api_image.REQUIREMENTS)
    python = api_image.base_python_version()
    assert pins and not set(pins) & set(base_pins)
    for name, version in pins.items():
        assert locked_tree({name}, python)[name] == version, name
    _, modules = reachable(ENTRY_MODULES, CONFIGS)
    needed = distributions_of(modules) | api_image.OPTIONAL_DISTRIBUTIONS
    assert not needed - set(pins) - set(base_pins), "imported, but in no requirements file"
    assert set(pins) | set(base_pins) == set(locked_tree(needed, python))


def test_the_two_images_together_hold_all_of_the_code():
    assert all(config.is_file() for config in CONFIGS), f"no gunicorn configuration: {CONFIGS}"
    files, _ = reachable(ENTRY_MODULES, CONFIGS)
    base = api_image.dockerfile()
    sources = base.copied_sources(base.stages[0]) + image().copied_sources()
    copied = [Path(source.rstrip("/")) for source in sources]
    missing = [
        path.relative_to(REPO_ROOT)
        for path in files
        if not any(path.relative_to(REPO_ROOT).is_relative_to(source) for source in copied)
    ]
    assert not missing, "imported by the production API, not copied into an image"


@pytest.mark.slow
def test_image_command_runs_outside_docker(two_versions, tmp_path):
    """The CMD with the environment of the base image serves the model and its metrics —
    and, given a prediction log folder it cannot create (its parent is a file: not even
    root can), answers predictions, counts the lost ones and is not ready."""
    command = image().command()
    command[0] = str(Path(sys.executable).parent / "gunicorn")
    port = free_port()
    blocked = tmp_path / "prediction_log"
    blocked.write_text("nie katalog")
    env = {
        **os.environ,
        **api_image.dockerfile().environment(),
        "API_BIND": f"127.0.0.1:{port}",
        "MLOPS_DATA_DIR": str(two_versions),
        "PREDICTION_LOG_PATH": str(blocked / "predictions.sqlite3"),
    }
    base_url = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    with container_command(command, env, REPO_ROOT, f"{base_url}/health", log) as process:
        status, ready = call(base_url, "GET", "/ready")
        assert status == 503 and env["PREDICTION_LOG_PATH"] in ready["reason"]
        assert call(base_url, "POST", "/predict", flights_of(two_versions, rows=1)[0])[0] == 200
        status, exposition = call(base_url, "GET", "/metrics")
        assert status == 200 and 'api_model_in_service{version="v0001"} 1.0' in exposition
        assert "api_prediction_log_failures_total 1.0" in exposition
        process.terminate()
        assert process.wait(timeout=30) == 0, log.read_text()
