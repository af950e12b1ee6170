"""The API image's Docker files, checked without a Docker engine.

No Docker engine runs on the course machines, so the Dockerfile is linted with hadolint,
the compose file is validated against the Compose specification, the requirements are
compared with uv.lock and with what the API really imports, and the image's own ``CMD``
and ``HEALTHCHECK`` are run here, outside a container, against a real registry.
"""

import ast
import json
import os
import re
import runpy
import shlex
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path
from string import Template

import pytest
import yaml
from packaging.markers import Marker

from zajecia_05_model.registry import Registry
from zajecia_07_docker.server import REPO_ROOT, call, free_port

CLASS_DIR = REPO_ROOT / "zajecia_07_docker"
DOCKERFILE = CLASS_DIR / "Dockerfile"
COMPOSE_FILE = CLASS_DIR / "docker-compose.yml"
DEPLOY = CLASS_DIR / "deploy.sh"
REQUIREMENTS = CLASS_DIR / "requirements-api.txt"
BIN = Path(sys.executable).parent
# What gunicorn loads in the image: both apps (classes 07 and 08), the logger class named
# by a string in gunicorn.conf.py, and the configuration files themselves.
ENTRY_MODULES = ("zajecia_07_docker.wsgi", "zajecia_07_docker.access_log", "zajecia_08_deploy.wsgi")
CONFIG_FILES = (CLASS_DIR / "gunicorn.conf.py", REPO_ROOT / "zajecia_08_deploy/gunicorn.conf.py")
# Installed although nothing of ours imports them: gunicorn sets proc_name only with
# setproctitle, and pandas 3 keeps strings in pyarrow when it is there, as in training.
OPTIONAL_DISTRIBUTIONS = {"setproctitle", "pyarrow"}


def run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# --- reading the Dockerfile ---


def stages(text: str) -> list[list[tuple[str, str]]]:
    """(INSTRUCTION, arguments) per build stage; comments dropped, continuations joined."""
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    result = []
    for line in re.sub(r"\\\n", " ", code).splitlines():
        keyword, _, arguments = line.strip().partition(" ")
        if keyword.upper() == "FROM":
            result.append([])
        if keyword and result:
            result[-1].append((keyword.upper(), arguments.strip()))
    return result


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    return stages(DOCKERFILE.read_text())


def final_stage() -> list[tuple[str, str]]:
    return dockerfile_stages()[-1]


def arguments(stage: list[tuple[str, str]], keyword: str) -> list[str]:
    return [args for key, args in stage if key == keyword]


def image_environment(stage: list[tuple[str, str]]) -> dict[str, str]:
    """The ENV values of a stage, ARG defaults substituted; PATH is the container's own."""
    known: dict[str, str] = {}
    env: dict[str, str] = {}
    for keyword, args in stage:
        if keyword not in ("ARG", "ENV"):
            continue
        for item in shlex.split(args):
            name, _, value = item.partition("=")
            value = Template(value).safe_substitute(known)
            known[name] = value
            if keyword == "ENV":
                env[name] = value
    env.pop("PATH", None)
    return env


def exec_form(args: str) -> list[str]:
    command = json.loads(args)
    assert isinstance(command, list), "exec form: a JSON list"
    return command


def healthcheck_command() -> list[str]:
    (healthcheck,) = arguments(final_stage(), "HEALTHCHECK")
    return exec_form(healthcheck.split(" CMD ", 1)[1])


def base_python_version() -> str:
    """The Python of the image, from the tag of its base image, pinned to a patch version."""
    images = [args for stage in dockerfile_stages() for args in arguments(stage, "FROM")]
    pinned = [re.fullmatch(r"python:(3\.\d+\.\d+)-slim-bookworm( AS \w+)?", i) for i in images]
    assert all(pinned), f"not python:3.X.Y-slim-bookworm: {images}"
    versions = {match.group(1) for match in pinned}
    assert len(versions) == 1, versions
    return versions.pop()


# --- uv.lock and the requirements ---


def requirement_pins() -> dict[str, str]:
    text = REQUIREMENTS.read_text()
    return {
        normalized(name): version
        for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", text, re.M)
    }


def locked_tree(roots: set[str], python: str) -> dict[str, str]:
    """Name -> version of ``roots`` and all their dependencies in uv.lock, on Linux."""
    lock = tomllib.loads((REPO_ROOT / "uv.lock").read_text())
    by_name: dict[str, list[dict]] = {}
    for package in lock["package"]:
        by_name.setdefault(package["name"], []).append(package)
    environment = {
        "python_version": python.rsplit(".", 1)[0],
        "python_full_version": python,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "os_name": "posix",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": "x86_64",
        "extra": "",
    }

    def applies(marker: str | None) -> bool:
        return marker is None or Marker(marker).evaluate(environment)

    def package(name: str, version: str | None = None) -> dict:
        # A package locked in several versions (one per Python range) names the version
        # in its dependents, and its own resolution markers say which one a root is.
        candidates = [
            p
            for p in by_name[name]
            if (version or p["version"]) == p["version"]
            and (version or any(map(applies, p.get("resolution-markers", [None]))))
        ]
        assert len(candidates) == 1, (name, version)
        return candidates[0]

    tree: dict[str, str] = {}
    todo = [package(name) for name in roots]
    while todo:
        current = todo.pop()
        if current["name"] in tree:
            continue
        tree[current["name"]] = current["version"]
        todo += [
            package(d["name"], d.get("version"))
            for d in current.get("dependencies", [])
            if applies(d.get("marker"))
        ]
    return tree


# --- what the API imports ---


def module_files(name: str) -> list[Path]:
    """The files Python runs to import a first-party module: packages, then the module."""
    parts = name.split(".")
    files = []
    for depth in range(1, len(parts) + 1):
        base = REPO_ROOT.joinpath(*parts[:depth])
        for candidate in (base / "__init__.py", base.with_suffix(".py")):
            if candidate.is_file():
                files.append(candidate)
    return files


def imported_names(path: Path) -> set[str]:
    """Every absolute import in a file, at any depth (a function's imports run too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
            # `from package import module` imports a module too.
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def api_imports() -> tuple[set[Path], set[str]]:
    """First-party files reached from the image's entry points, and third-party modules."""
    first_party = {p.name for p in REPO_ROOT.glob("zajecia_*") if p.is_dir()}
    files: set[Path] = set()
    third_party: set[str] = set()
    todo = [name for path in CONFIG_FILES for name in imported_names(path)]
    todo += ENTRY_MODULES
    while todo:
        name = todo.pop()
        top = name.split(".")[0]
        if top in first_party:
            for path in set(module_files(name)) - files:
                files.add(path)
                todo += imported_names(path)
        elif top not in sys.stdlib_module_names and top != "__future__":
            third_party.add(top)
    return files, third_party


def distributions_of(modules: set[str]) -> set[str]:
    installed = packages_distributions()
    missing = sorted(m for m in modules if m not in installed)
    assert not missing, f"not installed in .venv: {missing}"
    return {normalized(dist) for module in modules for dist in installed[module]}


def graceful_timeout_s(environ: dict[str, str]) -> int:
    """gunicorn.conf.py's graceful_timeout under the given environment variables."""
    saved = os.environ.copy()
    try:
        os.environ.update(environ)
        return runpy.run_path(str(CLASS_DIR / "gunicorn.conf.py"))["graceful_timeout"]
    finally:
        os.environ.clear()
        os.environ.update(saved)


def duration_s(value: str) -> float:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", value)
    assert "".join(number + unit for number, unit in parts) == value, value
    return sum(float(number) * units[unit] for number, unit in parts)


# --- the tests ---


def test_dockerfile_passes_hadolint():
    result = run(str(BIN / "hadolint"), str(DOCKERFILE))
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_does_catch_problems(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:3.11-slim\nRUN pip install flask\nUSER root\n")
    assert run(str(BIN / "hadolint"), str(bad)).returncode != 0


def test_dockerfile_builds_a_small_non_root_image_without_data():
    all_stages = dockerfile_stages()
    final = all_stages[-1]
    assert len(all_stages) >= 2, "multi-stage: the build tools stay in the builder"
    assert re.fullmatch(r"3\.11\.\d+", base_python_version())
    users = arguments(final, "USER")
    assert users, "the final stage sets USER"
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert len(arguments(final, "HEALTHCHECK")) == 1
    assert arguments(final, "EXPOSE") == ["8000"]
    env = image_environment(final)
    assert env["API_BIND"] == "0.0.0.0:8000"
    assert env["MLOPS_DATA_DIR"] == "/data"
    assert "MLOPS_CODE_VERSION" in env
    assert any(args.startswith("MLOPS_CODE_VERSION") for args in arguments(final, "ARG"))
    cmd = exec_form(arguments(final, "CMD")[-1])
    assert cmd == [
        "gunicorn",
        "--config",
        "zajecia_07_docker/gunicorn.conf.py",
        "zajecia_07_docker.wsgi:app",
    ]
    copied = [shlex.split(args) for stage in all_stages for args in arguments(stage, "COPY")]
    sources = [word for words in copied for word in words[:-1] if not word.startswith("--")]
    assert not [s for s in sources if re.match(r"(\./)?(data|notebooks?)(/|$)", s)], sources
    assert not [s for s in sources if s.endswith(".ipynb")], sources


def test_dockerignore_keeps_data_and_local_state_out():
    ignored = (REPO_ROOT / ".dockerignore").read_text().split()
    assert {"data", ".git", ".venv", "**/tests"} <= set(ignored)


def test_compose_file_follows_the_specification():
    result = run(
        str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_the_image_as_the_dockerfile_describes():
    api = yaml.safe_load(COMPOSE_FILE.read_text())["services"]["api"]
    assert (COMPOSE_FILE.parent / api["build"]["context"]).resolve() == REPO_ROOT
    assert REPO_ROOT / api["build"]["dockerfile"] == DOCKERFILE
    assert any(str(port).endswith(":8000") for port in api["ports"])
    assert "../data:/data:ro" in api["volumes"], "the registry is mounted read-only"
    assert api["healthcheck"]["test"] == ["CMD", *healthcheck_command()]
    assert api["restart"] in {"always", "unless-stopped", "on-failure"}
    # docker kills after stop_grace_period: gunicorn must have finished its requests by then.
    # A variable's value is its default, ${NAME:-default}, as compose uses it when unset.
    environment = {
        name: re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value))
        for name, value in api.get("environment", {}).items()
    }
    assert duration_s(api["stop_grace_period"]) > graceful_timeout_s(environment)


def test_requirements_pin_the_locked_versions():
    pins = requirement_pins()
    locked = locked_tree(set(pins), base_python_version())
    assert pins
    for name, version in pins.items():
        assert locked[name] == version, name


def test_requirements_cover_every_import_of_the_api_and_its_dependencies():
    _, modules = api_imports()
    needed = distributions_of(modules) | OPTIONAL_DISTRIBUTIONS
    pins = requirement_pins()
    assert not needed - set(pins), "imported by the API, missing in requirements-api.txt"
    # Installed with --no-deps: the file must hold the whole tree, and nothing more.
    assert set(pins) == set(locked_tree(needed, base_python_version()))


def test_api_path_imports_no_airflow_and_the_image_has_all_of_its_code():
    files, modules = api_imports()
    assert "airflow" not in modules
    builder_copies = [shlex.split(args)[:-1] for args in arguments(dockerfile_stages()[0], "COPY")]
    sources = [Path(word.rstrip("/")) for words in builder_copies for word in words]
    not_copied = [
        path.relative_to(REPO_ROOT)
        for path in files
        if not any(path.relative_to(REPO_ROOT).is_relative_to(source) for source in sources)
    ]
    assert not not_copied, "imported by the API, not copied into the image"


def test_deploy_script_builds_runs_and_smoke_tests():
    assert run("bash", "-n", str(DEPLOY)).returncode == 0
    assert os.access(DEPLOY, os.X_OK)
    script = DEPLOY.read_text()
    assert "set -euo pipefail" in script
    for step in ("docker build", "up --detach", "/ready", "/health", "/model", "/predict"):
        assert step in script, step


def run_deploy(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess, str]:
    """deploy.sh with a `docker` that records its calls; `compose exec` runs here instead."""
    stub = tmp_path / "bin" / "docker"
    stub.parent.mkdir()
    stub.write_text(
        f"#!{sys.executable}\n"
        "import os, subprocess, sys\n"
        "args = sys.argv[1:]\n"
        "with open(os.environ['DOCKER_CALLS'], 'a') as calls:\n"
        "    calls.write(' '.join(args) + '\\n')\n"
        "if 'exec' in args:\n"
        "    command = args[args.index('python') + 1:]\n"
        f"    sys.exit(subprocess.call([sys.executable, *command], cwd={str(REPO_ROOT)!r}))\n"
    )
    stub.chmod(0o755)
    calls = tmp_path / "docker-calls.txt"
    calls.touch()
    environ = {
        **os.environ,
        "PATH": f"{stub.parent}{os.pathsep}{os.environ['PATH']}",
        "DOCKER_CALLS": str(calls),
        **env,
    }
    return run("bash", str(DEPLOY), env=environ, timeout=180), calls.read_text()


needs_curl = pytest.mark.skipif(shutil.which("curl") is None, reason="deploy.sh needs curl")


@pytest.mark.slow
@needs_curl
def test_deploy_script_smoke_tests_a_running_api(server, tmp_path):
    result, calls = run_deploy(tmp_path, API_URL=server.base_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^build .*--tag kurs-mlops/flights-api:[0-9a-f]{12}", calls, re.M)
    assert "--tag kurs-mlops/flights-api:latest" in calls
    assert "--build-arg MLOPS_CODE_VERSION=" in calls
    assert re.search(r"^compose -f \S+docker-compose.yml up --detach", calls, re.M)
    assert "POST /predict: OK" in result.stdout
    assert " logs " not in calls


@pytest.mark.slow
@needs_curl
def test_deploy_script_shows_the_logs_and_fails_when_the_api_is_not_ready(tmp_path):
    api_url = f"http://127.0.0.1:{free_port()}"
    result, calls = run_deploy(tmp_path, API_URL=api_url, READY_TIMEOUT_S="1")
    assert result.returncode != 0
    assert "nie jest gotowe" in result.stderr
    assert re.search(r"^compose -f \S+ logs .*api$", calls, re.M)


@pytest.mark.slow
def test_image_command_and_healthcheck_run_outside_docker(real_data, flights, tmp_path):
    """The final stage's CMD, with its ENV, serves the registry and stops gracefully."""
    stage = final_stage()
    command = exec_form(arguments(stage, "CMD")[-1])
    assert command[0] == "gunicorn"
    command[0] = str(BIN / "gunicorn")  # what PATH finds in the image's venv
    port = free_port()
    env = {
        **os.environ,
        **image_environment(stage),
        "API_BIND": f"127.0.0.1:{port}",
        "MLOPS_DATA_DIR": str(real_data),
    }
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 120  # a busy 2-core machine loads two workers slowly
        while True:
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            try:
                if call(base_url, "GET", "/ready", timeout=2)[0] == 200:
                    break
            except OSError:
                pass  # not listening yet
            time.sleep(0.1)
        assert call(base_url, "GET", "/health") == (200, {"status": "ok"})
        status, model = call(base_url, "GET", "/model")
        assert status == 200
        assert model["version"] == Registry(real_data).resolve("production")
        status, answer = call(base_url, "POST", "/predict", flights[0])
        assert status == 200, answer
        assert 0 <= answer["probability"] <= 1
        assert call(base_url, "GET", "/openapi.json")[0] == 200

        healthcheck = healthcheck_command()
        assert healthcheck[0] == "python"
        healthcheck[0] = sys.executable
        assert run(*healthcheck, env=env, timeout=10).returncode == 0
        closed = {**env, "API_BIND": f"127.0.0.1:{free_port()}"}
        assert run(*healthcheck, env=closed, timeout=10).returncode != 0

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=graceful_timeout_s(env)) == 0, log_path.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
