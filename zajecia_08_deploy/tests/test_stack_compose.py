"""The monitoring stack's compose file: valid, its mounts and images, and the API service."""

import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from kurs.testing.docker import Dockerfile, unset_value
from zajecia_07_docker.tests import docker_files as api_image
from zajecia_08_deploy import prediction_log
from zajecia_08_deploy.tests.stack_files import (
    COMPOSE_FILE,
    DATA_DIR,
    DOCKERFILE,
    REPO_ROOT,
    api_port,
    bind_mounts,
    compose,
    host_path,
    is_pinned,
    mount_of,
    mounts,
    service,
)


def test_compose_file_follows_the_specification(compose_report):
    assert compose_report.errors(COMPOSE_FILE) == []


def test_bind_mounted_paths_exist_in_the_repository():
    for name, spec in compose()["services"].items():
        for source, mount in bind_mounts(spec):
            assert source.is_relative_to(REPO_ROOT), f"{name}: {source} is outside the repo"
            if source.is_relative_to(DATA_DIR):
                continue  # written by the pipelines, not kept in git
            assert source.exists(), f"{name}: {mount['source']} does not exist"
            # Configuration comes from the repository; a container must not change it.
            assert mount["read_only"], f"{name}: {mount['source']} should be mounted :ro"


def test_named_volumes_are_declared():
    stack = compose()
    used = {
        m["source"]
        for spec in stack["services"].values()
        for m in mounts(spec)
        if m["type"] == "volume"
    }
    assert used
    assert used <= set(stack.get("volumes") or {})


def test_pulled_images_are_pinned_to_exact_versions():
    images = [spec["image"] for spec in compose()["services"].values() if "build" not in spec]
    assert len(images) >= 2
    for image in images:
        assert is_pinned(image), image


@pytest.mark.parametrize(
    ("image", "pinned"),
    [
        ("grafana/grafana:12.4.3", True),
        ("prom/prometheus:v3.13.2", True),
        ("grafana/grafana:latest", False),
        ("grafana/grafana", False),
        ("prom/prometheus:v3", False),
        ("localhost:5000/grafana", False),
    ],
)
def test_pin_check(image, pinned):
    assert is_pinned(image) is pinned


def test_api_runs_the_production_image_built_on_the_class_07_image():
    base, api = service("api-image"), service("api")
    assert base["build"]["dockerfile"] == "zajecia_07_docker/Dockerfile"
    assert base["scale"] == 0, "the base image is built, never started"
    assert api["build"]["dockerfile"] == "zajecia_08_deploy/Dockerfile"
    assert (COMPOSE_FILE.parent / api["build"]["context"]).resolve() == REPO_ROOT
    context = api["build"]["args"]["API_IMAGE"]
    assert api["build"]["additional_contexts"][context] == "service:api-image"
    assert "command" not in api, "the image's CMD runs the production app"
    command = Dockerfile.read(DOCKERFILE).command()
    assert command[:3] == ["gunicorn", "--config", "zajecia_08_deploy/gunicorn.conf.py"]
    assert (REPO_ROOT / command[2]).is_file()
    module, attribute = command[3].split(":")
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin
    tree = ast.parse(Path(spec.origin).read_text())
    assigned = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert attribute in assigned


def test_api_port_is_the_same_everywhere():
    """Every replica listens on API_BIND's port, where its healthcheck asks; the proxy
    publishes that port on the host (test_proxy.py: and forwards to it)."""
    api = service("api")
    port = api_port()
    assert api["environment"]["API_BIND"] == f"0.0.0.0:{port}"
    assert f"127.0.0.1:{port}/health" in " ".join(api["healthcheck"]["test"])
    assert service("proxy")["ports"] == [f"127.0.0.1:{port}:{port}"]


def test_metric_files_live_inside_a_tmpfs():
    # gunicorn.conf.py deletes and recreates the folder at start: a mount point itself
    # cannot be deleted, so the folder must be below the tmpfs, not the tmpfs.
    api = service("api")
    folder = PurePosixPath(api["environment"]["PROMETHEUS_MULTIPROC_DIR"])
    tmpfs = api["tmpfs"] if isinstance(api["tmpfs"], list) else [api["tmpfs"]]
    assert any(folder.is_relative_to(t) and folder != PurePosixPath(t) for t in tmpfs)


def test_registry_is_read_only_and_the_prediction_log_writable():
    api = service("api")
    environment = api["environment"]
    registry = mount_of(api, environment["MLOPS_DATA_DIR"])
    assert registry["read_only"]
    assert host_path(api, environment["MLOPS_DATA_DIR"]) == DATA_DIR
    log = environment["PREDICTION_LOG_PATH"]
    assert not mount_of(api, log)["read_only"]
    # On the host the log is where the live quality job looks for it by default.
    assert host_path(api, log) == prediction_log.log_path(DATA_DIR, environ={})


def test_a_fresh_clone_starts_with_no_manual_step():
    """data-init (root, before the API) creates every host folder a container writes and
    lets the API's group write the log; nothing has to exist or be set beforehand."""
    stack = compose()
    init, api = stack["services"]["data-init"], service("api")
    assert init["user"] == "0:0" and init["restart"] == "no"
    assert api["depends_on"]["data-init"]["condition"] == "service_completed_successfully"
    assert init["build"] == api["build"] and init["image"] == api["image"]
    command = [unset_value(word) for word in init["command"]]
    assert command[:3] == ["python", "-m", "kurs.stack_folders"]
    module = Path(*command[2].split(".")).with_suffix(".py")
    images = api_image.dockerfile(), Dockerfile.read(DOCKERFILE)
    copied = [source.rstrip("/") for image in images for source in image.copied_sources()]
    assert (REPO_ROOT / module).is_file()
    assert any(module.is_relative_to(source) for source in copied), "not in the image"
    _, gid = unset_value(api["user"]).split(":")
    shared = command.index("--shared")
    assert command[shared + 1] == gid != "0"
    prepared = {host_path(init, folder) for folder in command[3:] if folder.startswith("/")}
    written = {
        source
        for spec in stack["services"].values()
        for source, mount in bind_mounts(spec)
        if not mount["read_only"] and spec is not init
    }
    assert written and written <= prepared, written - prepared
    assert host_path(init, command[shared + 2]) == host_path(api, "/prediction_log")
    assert host_path(init, command[command.index("--owner-of") + 1]) == REPO_ROOT


def test_the_init_command_runs_as_written(tmp_path):
    """The module and arguments data-init runs, with its mounts as temporary folders."""
    init = service("data-init")
    project = tmp_path / "project"
    project.mkdir()
    command = [unset_value(word).replace("/project", str(project)) for word in init["command"][1:]]
    gid = os.getegid() if os.geteuid() else int(command[command.index("--shared") + 1])
    command[command.index("--shared") + 1] = str(gid)
    result = subprocess.run(
        [sys.executable, *command], capture_output=True, text=True, cwd=REPO_ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    log = project / "data" / "prediction_log"
    assert log.is_dir() and log.stat().st_gid == gid and log.stat().st_mode & 0o020
    assert (project / "data").stat().st_uid == project.stat().st_uid
