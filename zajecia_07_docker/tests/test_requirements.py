"""The API image's requirements: the locked versions, and every import of the API covered."""

from pathlib import Path

from kurs.testing.imports import distributions_of, reachable
from kurs.testing.lockfile import locked_tree, requirement_pins
from zajecia_07_docker.tests.docker_files import (
    ENTRY_MODULES,
    GUNICORN_CONFIG,
    OPTIONAL_DISTRIBUTIONS,
    REPO_ROOT,
    REQUIREMENTS,
    base_python_version,
    dockerfile,
)


def test_requirements_pin_the_locked_versions():
    pins = requirement_pins(REQUIREMENTS)
    locked = locked_tree(set(pins), base_python_version())
    assert pins
    for name, version in pins.items():
        assert locked[name] == version, name


def test_requirements_cover_every_import_of_the_api_and_its_dependencies():
    assert GUNICORN_CONFIG.is_file(), f"no gunicorn configuration: {GUNICORN_CONFIG}"
    _, modules = reachable(ENTRY_MODULES, [GUNICORN_CONFIG])
    needed = distributions_of(modules) | OPTIONAL_DISTRIBUTIONS
    pins = requirement_pins(REQUIREMENTS)
    assert not needed - set(pins), "imported by the API, missing in requirements-api.txt"
    # Installed with --no-deps: the file must hold the whole tree, and nothing more.
    assert set(pins) == set(locked_tree(needed, base_python_version()))


def test_api_path_imports_no_airflow_and_the_image_has_all_of_its_code():
    assert GUNICORN_CONFIG.is_file(), f"no gunicorn configuration: {GUNICORN_CONFIG}"
    files, modules = reachable(ENTRY_MODULES, [GUNICORN_CONFIG])
    assert "airflow" not in modules
    image = dockerfile()
    sources = [Path(word.rstrip("/")) for word in image.copied_sources(image.stages[0])]
    not_copied = [
        path.relative_to(REPO_ROOT)
        for path in files
        if not any(path.relative_to(REPO_ROOT).is_relative_to(source) for source in sources)
    ]
    assert not not_copied, "imported by the API, not copied into the image"
