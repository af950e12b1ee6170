"""The API image's Dockerfile: linted, multi-stage, non-root, no data, no later code."""

import re
from pathlib import PurePosixPath

from kurs.repository import class_folders, class_number
from kurs.testing.docker import hadolint
from zajecia_07_docker.tests.docker_files import (
    CLASS_DIR,
    DOCKERFILE,
    REPO_ROOT,
    base_python_version,
    dockerfile,
)


def test_dockerfile_passes_hadolint():
    result = hadolint(DOCKERFILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_builds_a_small_non_root_image_without_data():
    image = dockerfile()
    assert len(image.stages) >= 2, "multi-stage: the build tools stay in the builder"
    final = image.final
    assert re.fullmatch(r"3\.11\.\d+", base_python_version())
    users = image.arguments(final, "USER")
    assert users, "the final stage sets USER"
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert len(image.arguments(final, "HEALTHCHECK")) == 1
    assert image.arguments(final, "EXPOSE") == ["8000"]
    env = image.environment()
    assert env["API_BIND"] == "0.0.0.0:8000"
    assert env["MLOPS_DATA_DIR"] == "/data"
    assert "MLOPS_CODE_VERSION" in env
    assert any(args.startswith("MLOPS_CODE_VERSION") for args in image.arguments(final, "ARG"))
    assert image.command() == [
        "gunicorn",
        "--config",
        "zajecia_07_docker/gunicorn.conf.py",
        "zajecia_07_docker.wsgi:app",
    ]
    sources = image.copied_sources()
    assert not [s for s in sources if re.match(r"(\./)?(data|notebooks?)(/|$)", s)], sources
    assert not [s for s in sources if s.endswith(".ipynb")], sources


def test_the_image_holds_no_code_of_a_later_class():
    own = class_number(CLASS_DIR)
    copied = {PurePosixPath(source).parts[0] for source in dockerfile().copied_sources()}
    classes = {folder.name: class_number(folder) for folder in class_folders()}
    assert {name for name in copied if name in classes and classes[name] > own} == set()
    assert "kurs" in copied  # the shared package the classes import


def test_dockerignore_keeps_data_and_local_state_out():
    ignored = (REPO_ROOT / ".dockerignore").read_text().split()
    assert {"data", ".git", ".venv", "**/tests"} <= set(ignored)
