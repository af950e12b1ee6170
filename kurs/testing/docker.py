"""pytest plugin and helpers: Docker files checked without a Docker engine.

No Docker engine runs on the course machines, so the classes' Docker files are checked
statically: a Dockerfile with hadolint and by reading its instructions, a compose file
against the Compose specification (check-jsonschema's vendored schema). The commands a
container runs are then run here, outside Docker, by each class's tests.

* :func:`hadolint` — lint one Dockerfile;
* :class:`Dockerfile` — a Dockerfile's stages and instructions, its ``ENV``, its
  exec-form ``CMD`` and ``HEALTHCHECK``;
* ``compose_report`` (fixture) — the schema check of every ``docker-compose.yml`` of the
  repository in one run (check-jsonschema takes seconds to start);
* :func:`compose_project` — what ``docker compose`` would make of a file: the project
  name, the services (``include`` resolved), the real names of the volumes, the ports;
* :func:`unset_value` — a compose value when its ``${VAR:-default}`` variables are unset;
* :func:`container_command` — a container's command run here until it answers.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from string import Template

import pytest

from kurs.testing.due import read_text, written

BIN = Path(sys.executable).parent
Instruction = tuple[str, str]


def run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


def hadolint(path: Path) -> subprocess.CompletedProcess:
    """hadolint's verdict on a Dockerfile (``returncode`` 0: no findings)."""
    return run(str(BIN / "hadolint"), str(path))


def exec_form(args: str) -> list[str]:
    """The command of an exec-form ``CMD``/``ENTRYPOINT`` (a JSON list)."""
    command = json.loads(args)
    assert isinstance(command, list), "exec form: a JSON list"
    return command


@dataclass(frozen=True)
class Dockerfile:
    """The instructions of a Dockerfile, per build stage; comments dropped, lines joined.

    ``preamble`` holds what comes before the first ``FROM`` (the ``ARG``s it may use).
    """

    preamble: list[Instruction]
    stages: list[list[Instruction]]

    @classmethod
    def read(cls, path: Path) -> Dockerfile:
        """The Dockerfile ``path``.

        Raises:
            NotImplementedError: it is not written yet (:func:`kurs.testing.due.written`).
            AssertionError: it has no ``FROM``.
        """
        text = read_text(path)
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        preamble: list[Instruction] = []
        stages: list[list[Instruction]] = []
        for line in re.sub(r"\\\n", " ", code).splitlines():
            keyword, _, arguments = line.strip().partition(" ")
            if keyword.upper() == "FROM":
                stages.append([])
            if keyword:
                (stages[-1] if stages else preamble).append((keyword.upper(), arguments.strip()))
        # Every test of an image starts here: one message for a Dockerfile without a stage
        # (one not written yet is the task above) instead of an IndexError in each test.
        assert stages, f"{path}: no FROM — the Dockerfile has no build stage"
        return cls(preamble, stages)

    @property
    def final(self) -> list[Instruction]:
        return self.stages[-1]

    @staticmethod
    def arguments(stage: list[Instruction], keyword: str) -> list[str]:
        return [args for key, args in stage if key == keyword]

    def all_arguments(self, keyword: str) -> list[str]:
        return [args for stage in self.stages for args in self.arguments(stage, keyword)]

    def copied_sources(self, stage: list[Instruction] | None = None) -> list[str]:
        """What ``COPY`` takes from the build context (``--from`` copies left out)."""
        sources = []
        for args in self.arguments(stage, "COPY") if stage else self.all_arguments("COPY"):
            words = shlex.split(args)
            if not any(word.startswith("--from") for word in words):
                sources += [word for word in words[:-1] if not word.startswith("--")]
        return sources

    def environment(self, stage: list[Instruction] | None = None) -> dict[str, str]:
        """The ENV values of a stage (the final one by default), ARG defaults substituted;
        PATH is the container's own and left out."""
        known: dict[str, str] = {}
        env: dict[str, str] = {}
        for keyword, args in stage or self.final:
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

    def command(self) -> list[str]:
        """The final stage's ``CMD`` (exec form)."""
        return exec_form(self.arguments(self.final, "CMD")[-1])

    def healthcheck(self) -> list[str]:
        """The command of the final stage's ``HEALTHCHECK`` (exec form)."""
        (healthcheck,) = self.arguments(self.final, "HEALTHCHECK")
        return exec_form(healthcheck.split(" CMD ", 1)[1])


@dataclass(frozen=True)
class ComposeReport:
    """check-jsonschema's JSON report on several compose files."""

    report: dict
    broken: Path

    def errors(self, path: Path) -> list[dict]:
        """The schema errors of one file; parse errors count as errors too.

        Raises:
            NotImplementedError: the file is not written yet (:func:`kurs.testing.due.written`).
        """
        written(path)
        found = [e for e in self.report["parse_errors"] if e.get("filename") == str(path)]
        return found + [e for e in self.report["errors"] if e["filename"] == str(path)]


def compose_files(root: Path) -> list[Path]:
    return sorted(Path(root).glob("*/docker-compose.yml"))


@pytest.fixture(scope="session")
def compose_report(tmp_path_factory: pytest.TempPathFactory) -> ComposeReport:
    """The Compose-specification check of every compose file of the repository, plus a
    copy of the first one broken by a typo (``comand``, ``imgae``) that it must catch."""
    from kurs.repository import REPO_ROOT

    files = compose_files(REPO_ROOT)
    broken = tmp_path_factory.mktemp("compose") / "docker-compose.yml"
    broken.write_text("services:\n  api:\n    imgae: python:3.11\n    comand: [run]\n")
    result = run(
        str(BIN / "check-jsonschema"),
        "--output-format",
        "json",
        "--builtin-schema",
        "vendor.compose-spec",
        *map(str, [*files, broken]),
    )
    return ComposeReport(json.loads(result.stdout), broken)


@dataclass(frozen=True)
class ComposeProject:
    """A compose file as the Compose specification resolves it, without a Docker engine."""

    name: str
    services: dict[str, dict]
    # Volume key in the file -> the volume's name on the engine.
    volumes: dict[str, str]

    def published_ports(self) -> dict[int, tuple[str, str]]:
        """Host port -> (project, service) that publishes it."""
        ports = {}
        for service, spec in self.services.items():
            for mapping in spec.get("ports", []):
                if isinstance(mapping, dict):
                    host = mapping.get("published")
                else:
                    parts = str(mapping).split(":")
                    host = parts[-2] if len(parts) > 1 else None
                if host:
                    ports[int(host)] = (self.name, service)
        return ports


def unset_value(value: object) -> str:
    """A compose value as Compose uses it on a fresh clone, no ``.env``: every
    ``${NAME:-default}`` is its default, every other ``${NAME}`` empty."""
    return re.sub(r"\$\{\w+(?::?-([^}]*))?\}", lambda m: m.group(1) or "", str(value))


def project_name(folder: Path) -> str:
    """The default project name of a compose file's folder: its name, lower case, only
    ``a-z0-9_-`` (Compose's normalisation)."""
    return re.sub(r"[^a-z0-9_-]", "", Path(folder).name.lower())


def compose_model(path: Path) -> dict:
    """A compose file's content, which must declare its services: one message for a file
    without them instead of a KeyError in each test.

    Raises:
        NotImplementedError: the file is not written yet (:func:`kurs.testing.due.written`).
        AssertionError: it declares no services.
    """
    import yaml

    model = yaml.safe_load(read_text(path)) or {}
    services = model.get("services")
    assert isinstance(services, dict) and services, f"{Path(path).name}: no services"
    return model


def _merged(base: dict, override: dict) -> dict:
    """``override`` over ``base`` as Compose merges files: mappings key by key, any other
    value replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            value = _merged(merged[key], value)
        merged[key] = value
    return merged


def _model(path: Path) -> tuple[dict, dict, dict]:
    """A compose file's own model, its services and its volumes, included files merged.

    An ``include`` entry with several paths is one model: the first file, and each later
    one merged over it (Compose's override files).

    Raises:
        NotImplementedError: one of the files is not written yet.
    """
    import yaml

    model = yaml.safe_load(read_text(path))
    services = dict(model.get("services") or {})
    volumes = dict(model.get("volumes") or {})
    for entry in model.get("include", []):
        paths = entry if isinstance(entry, str) else entry["path"]
        first, *overrides = [paths] if isinstance(paths, str) else paths
        _, their_services, their_volumes = _model((path.parent / first).resolve())
        for override in overrides:
            changes = yaml.safe_load(read_text(path.parent / override)) or {}
            their_services = _merged(their_services, changes.get("services") or {})
            their_volumes = _merged(their_volumes, changes.get("volumes") or {})
        for kind, ours, theirs in (
            ("usługi", services, their_services),
            ("wolumeny", volumes, their_volumes),
        ):
            if twice := ours.keys() & theirs.keys():
                raise ValueError(f"{kind} zdefiniowane dwa razy ({first}): {sorted(twice)}")
            ours.update(theirs)
    return model, services, volumes


def compose_project(path: Path) -> ComposeProject:
    """Resolve a compose file as ``docker compose -f path`` would (no ``-p``, no
    ``COMPOSE_PROJECT_NAME``): the project is named by the file's top-level ``name`` or
    else by its folder — an included file's ``name`` does not count — and the services
    and volumes of included files join the project.

    Raises:
        ValueError: a service or volume defined twice (Compose refuses such a model).
        NotImplementedError: the file, or one it includes, is not written yet.
    """
    path = Path(path).resolve()
    model, services, volume_specs = _model(path)
    name = model.get("name") or project_name(path.parent)
    volumes = {}
    for key, spec in volume_specs.items():
        spec = spec or {}
        volumes[key] = spec.get("name") or (key if spec.get("external") else f"{name}_{key}")
    return ComposeProject(name, services, volumes)


def answers(url: str, timeout: float = 2.0) -> int | None:
    """The HTTP status of ``GET url``, or ``None`` when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@contextmanager
def container_command(
    command: list[str], env: dict[str, str], cwd: Path, ready_url: str, log_path: Path
) -> Iterator[subprocess.Popen]:
    """Run a container's command here, outside Docker, until ``ready_url`` answers 200.

    The process is killed on the way out if the test did not stop it itself.
    """
    with Path(log_path).open("wb") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120  # a busy 2-core machine loads two workers slowly
        while answers(ready_url) != 200:
            assert process.poll() is None, Path(log_path).read_text()
            assert time.monotonic() < deadline, Path(log_path).read_text()
            time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
