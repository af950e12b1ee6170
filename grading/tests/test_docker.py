"""Tests of the Docker checks: Dockerfile rules and hadolint, compose files against the
Compose Specification, the deploy script, gunicorn, the monitoring stack."""

from __future__ import annotations

import json
import time
from fractions import Fraction

import pytest

from grading.checks import docker
from grading.checks.base import REGISTRY, Context
from grading.checks.docker import (
    Dockerfile,
    compose,
    deploy_files,
    dockerfile,
    gunicorn_config,
    monitoring_stack,
    shell_text,
    substitute,
    without_pragmas,
)
from grading.model import StudentError
from grading.repo_files import RepoFiles
from grading.tests.repos import ROOT, reference_params, write_files

ALL = ["multi_stage", "pinned", "non_root", "healthcheck", "hadolint"]
GOOD_DOCKERFILE = """\
# syntax=docker/dockerfile:1
ARG PY=3.12.4-slim
FROM python:${PY} AS builder
RUN pip install --no-cache-dir --target /deps \\
    # a comment inside a continuation
    requests==2.32.3

from python:3.12.4-slim
COPY --from=builder /deps /deps
USER 10001:10001
HEALTHCHECK --interval=30s CMD ["python", "-c", "print(1)"]
CMD ["python", "-m", "http.server"]
"""
ROOT_LATEST = 'FROM python:latest\nUSER root\nCMD ["python"]\n'
COMPOSE = "services:\n  api:\n    image: python:3.12.4-slim\n    ports: ['8000:8000']\n"
SCRIPT = """\
#!/usr/bin/env bash
set -euo pipefail
docker build -t api:1 .
docker run -d --name api -p 8000:8000 api:1
curl --fail http://127.0.0.1:8000/health
"""
STACK = """\
services:
  api:
    image: api:1
  prometheus:
    image: ${PROMETHEUS_IMAGE:-prom/prometheus:v2.53.0}
  grafana:
    image: grafana/grafana:11.1.0
"""
DATASOURCE = "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n"
DASHBOARD = json.dumps({"title": "API", "panels": [{"type": "timeseries"}]})

# A quadratic reading of these inputs takes minutes; a linear one well under a second, even
# on a loaded CI machine (2 s failed there once).
LINEAR_S = 10


@pytest.mark.parametrize(
    "check_id",
    ["03.dockerfile", "07.dockerfile", "03.compose", "07.wdrozenie", "07.gunicorn", "08.stos"],
)
def test_reference_repository_scores_full(check_id):
    kind, params = reference_params(check_id)
    outcome = REGISTRY[kind].function(Context(RepoFiles(ROOT), project={}), params)
    assert outcome.score == 1, outcome.message


# Dockerfile


def test_dockerfile_parse_joins_lines_and_splits_stages():
    parsed = Dockerfile.parse(GOOD_DOCKERFILE)
    assert [i.keyword for i in parsed.preamble] == ["ARG"]
    assert [[i.keyword for i in stage] for stage in parsed.stages] == [
        ["FROM", "RUN"],
        ["FROM", "COPY", "USER", "HEALTHCHECK", "CMD"],
    ]
    run = parsed.stages[0][1]
    assert run.line == 4
    assert run.arguments == "pip install --no-cache-dir --target /deps requests==2.32.3"
    assert [(image, name) for _, image, name in parsed.base_images()] == [
        ("python:3.12.4-slim", "builder"),
        ("python:3.12.4-slim", None),
    ]


def test_dockerfile_meets_every_requirement(tmp_path):
    context = write_files(tmp_path, {"Dockerfile": GOOD_DOCKERFILE})
    outcome = dockerfile(context, {"file": "Dockerfile", "require": ALL})
    assert outcome.score == 1, outcome.message
    assert "hadolint bez uwag" in outcome.message


def test_dockerfile_root_and_latest(tmp_path):
    context = write_files(tmp_path, {"Dockerfile": ROOT_LATEST})
    outcome = dockerfile(context, {"file": "Dockerfile", "require": ALL})
    assert outcome.score == 0
    assert "jeden etap FROM" in outcome.message
    assert "`python:latest` (wiersz 1) — latest" in outcome.message
    assert "ostatni `USER` (wiersz 2) to root" in outcome.message
    assert "nie ma `HEALTHCHECK`" in outcome.message
    assert "DL3007 (wiersz 1)" in outcome.message
    assert "DL3002 (wiersz 2)" in outcome.message


def test_dockerfile_partial_score_is_a_share_of_requirements(tmp_path):
    text = ROOT_LATEST.replace("python:latest", "python:3.12.4-slim").replace(
        "USER root", "USER app"
    )
    context = write_files(tmp_path, {"Dockerfile": text})
    outcome = dockerfile(context, {"file": "Dockerfile", "require": ALL})
    # pinned and non_root hold; one stage, no HEALTHCHECK, hadolint's DL3066 on `USER app`.
    assert outcome.score == Fraction(2, 5)
    assert "DL3066" in outcome.message


@pytest.mark.parametrize(
    "pragma",
    [
        "# hadolint global ignore=DL3007,DL3002,DL3006\n",
        "#hadolint global ignore=DL3007,DL3002,DL3006\n",
        "# hadolint ignore=DL3007,DL3002\n",
    ],
)
def test_hadolint_pragmas_do_not_switch_rules_off(tmp_path, pragma):
    text = pragma + ROOT_LATEST.replace("USER root", pragma + "USER root")
    context = write_files(tmp_path, {"Dockerfile": text})
    outcome = dockerfile(context, {"file": "Dockerfile", "require": ["hadolint"]})
    assert outcome.score == 0
    shift = pragma.count("\n")
    assert f"DL3007 (wiersz {1 + shift})" in outcome.message
    assert f"DL3002 (wiersz {2 + 2 * shift})" in outcome.message


@pytest.mark.parametrize(
    "pragma", ["# hadolint shell=powershell\n", "# shellcheck disable=SC2086\n"]
)
def test_shell_pragmas_do_not_switch_shellcheck_off(tmp_path, pragma):
    text = f"FROM python:3.12.4-slim\n{pragma}RUN echo $HOME\nUSER 10001\n"
    context = write_files(tmp_path, {"Dockerfile": text})
    outcome = dockerfile(context, {"file": "Dockerfile", "require": ["hadolint"]})
    assert outcome.score == 0
    assert "SC2086 (wiersz 3)" in outcome.message


def test_without_pragmas_keeps_the_lines():
    text = "# hadolint ignore=DL3008\nFROM x\nRUN a \\\n  #  HADOLINT shell=pwsh\n  b\n"
    cleaned = without_pragmas(text)
    assert cleaned.count("\n") == text.count("\n")
    assert "hadolint" not in cleaned.lower()
    assert "# no-pragma ignore=DL3008" in cleaned


@pytest.mark.parametrize(
    ("text", "pinned"),
    [
        ("FROM python\n", False),
        ("FROM localhost:5000/python\n", False),
        ("FROM python:latest AS base\n", False),
        ("ARG PY\nFROM python:${PY}\n", False),
        ("ARG PY=3.12\nFROM python:$PY\n", True),
        ("ARG PY=latest\nFROM python:${PY}\n", False),
        ("FROM python@sha256:" + "a" * 64 + "\n", True),
        ("FROM --platform=linux/amd64 python:3.12 AS Base\nFROM base\nFROM scratch\n", True),
        ("FROM localhost:5000/python:3.12\n", True),
    ],
)
def test_dockerfile_pinned(tmp_path, text, pinned):
    context = write_files(tmp_path, {"Dockerfile": text})
    outcome = dockerfile(context, {"file": "Dockerfile", "require": ["pinned"]})
    assert outcome.score == int(pinned), outcome.message


@pytest.mark.parametrize(
    ("users", "non_root"),
    [
        ("", False),
        ("USER 0:0\n", False),
        ("USER root:root\n", False),
        ("USER app\nUSER 0\n", False),
        ("USER 0\nUSER 10001\n", True),
        ("ARG APP=app\nUSER ${APP}\n", True),
        ("USER $UNKNOWN\n", False),
    ],
)
def test_dockerfile_non_root(tmp_path, users, non_root):
    text = f"FROM python:3.12 AS build\nUSER 10001\nFROM python:3.12\n{users}"
    context = write_files(tmp_path, {"Dockerfile": text})
    outcome = dockerfile(context, {"file": "Dockerfile", "require": ["non_root"]})
    assert outcome.score == int(non_root), outcome.message


def test_dockerfile_healthcheck_none_does_not_count(tmp_path):
    text = 'FROM python:3.12\nHEALTHCHECK CMD ["true"]\nHEALTHCHECK NONE\n'
    context = write_files(tmp_path, {"Dockerfile": text})
    outcome = dockerfile(context, {"file": "Dockerfile", "require": ["healthcheck"]})
    assert outcome.score == 0


def test_dockerfile_without_hadolint_is_the_graders_error(tmp_path, monkeypatch):
    monkeypatch.setattr(docker, "HADOLINT", tmp_path / "no-hadolint")
    context = write_files(tmp_path, {"Dockerfile": GOOD_DOCKERFILE})
    with pytest.raises(RuntimeError, match="hadolint not found"):
        dockerfile(context, {"file": "Dockerfile", "require": ["hadolint"]})


def test_dockerfile_behind_an_escaping_symlink(tmp_path):
    outside = tmp_path / "Dockerfile.outside"
    outside.write_text(GOOD_DOCKERFILE, encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "Dockerfile").symlink_to(outside)
    with pytest.raises(StudentError, match="poza repozytorium"):
        dockerfile(Context(RepoFiles(repo), project={}), {"file": "Dockerfile", "require": ALL})


def test_dockerfile_without_from(tmp_path):
    context = write_files(tmp_path, {"Dockerfile": "# nothing yet\n"})
    outcome = dockerfile(context, {"file": "Dockerfile", "require": ALL})
    assert outcome.score == 0
    assert "nie ma instrukcji FROM" in outcome.message


# compose


def test_compose_valid(tmp_path):
    outcome = compose(write_files(tmp_path, {"c.yml": COMPOSE}), {"file": "c.yml"})
    assert outcome.score == 1


def test_compose_unknown_top_level_key(tmp_path):
    context = write_files(tmp_path, {"c.yml": COMPOSE + "servics: {}\n"})
    outcome = compose(context, {"file": "c.yml"})
    assert outcome.score == 0
    assert "$: Additional properties are not allowed ('servics' was unexpected)" in outcome.message
    assert "błędy schematu (1)" in outcome.message


def test_compose_typo_in_a_service_names_its_path(tmp_path):
    context = write_files(tmp_path, {"c.yml": COMPOSE.replace("image:", "imgae:")})
    outcome = compose(context, {"file": "c.yml"})
    assert outcome.score == 0
    assert "$.services.api:" in outcome.message
    assert "'imgae' was unexpected" in outcome.message


@pytest.mark.parametrize(
    ("text", "shown"),
    [("services: [api\n", "nie jest poprawnym YAML-em"), ("", '$: null is not of type "object"')],
)
def test_compose_not_a_compose_file(tmp_path, text, shown):
    outcome = compose(write_files(tmp_path, {"c.yml": text}), {"file": "c.yml"})
    assert outcome.score == 0
    assert shown in outcome.message


def test_compose_missing_file(tmp_path):
    outcome = compose(write_files(tmp_path, {}), {"file": "c.yml"})
    assert outcome.score == 0
    assert "brak pliku c.yml" in outcome.message


# deploy_files

DEPLOY = {"compose": "c.yml", "script": "deploy.sh"}


def test_deploy_files_full(tmp_path):
    context = write_files(tmp_path, {"c.yml": COMPOSE, "deploy.sh": SCRIPT})
    assert deploy_files(context, DEPLOY).score == 1


def test_deploy_files_compose_through_a_variable(tmp_path):
    script = (
        'COMPOSE=(docker compose -f "$DIR/docker-compose.yml")\n'
        '"${COMPOSE[@]}" build\n"${COMPOSE[@]}" up --detach\ncurl "$URL/health"\n'
    )
    context = write_files(tmp_path, {"c.yml": COMPOSE, "deploy.sh": script})
    assert deploy_files(context, DEPLOY).score == 1


def test_deploy_files_commands_only_in_comments(tmp_path):
    script = "# docker build .\n# docker run api\necho hi  # curl /health\n"
    context = write_files(tmp_path, {"c.yml": COMPOSE, "deploy.sh": script})
    outcome = deploy_files(context, DEPLOY)
    assert outcome.score == Fraction(1, 2)
    assert "brak: `docker build`" in outcome.message
    assert "`docker run` (albo `docker compose up`), sprawdzenia `/health`" in outcome.message


def test_deploy_files_invalid_compose(tmp_path):
    context = write_files(tmp_path, {"c.yml": "nope: 1\n", "deploy.sh": SCRIPT})
    outcome = deploy_files(context, DEPLOY)
    assert outcome.score == Fraction(1, 2)
    assert "niezgodny ze specyfikacją Compose" in outcome.message


def test_deploy_files_missing_both(tmp_path):
    outcome = deploy_files(write_files(tmp_path, {}), DEPLOY)
    assert outcome.score == 0
    assert "brak pliku c.yml" in outcome.message
    assert "brak pliku deploy.sh" in outcome.message


@pytest.mark.parametrize(
    ("script", "build", "run"),
    [
        ("docker compose -f c.yml build && docker compose up -d", True, True),
        ("docker-compose --project-name x build\ndocker-compose up", True, True),
        ("docker compose -f c.yml; build; up", False, False),
        ("docker compose config | up", False, False),
        ("sudo docker buildx build -t x . && /usr/bin/docker container run x", True, True),
    ],
)
def test_deploy_script_commands(tmp_path, script, build, run):
    context = write_files(tmp_path, {"c.yml": COMPOSE, "deploy.sh": script + "\ncurl /health\n"})
    outcome = deploy_files(context, DEPLOY)
    assert ("`docker build` (albo" not in outcome.message) is build
    assert ("`docker run` (albo" not in outcome.message) is run


@pytest.mark.parametrize(
    "script",
    [
        "docker compose x " * 20_000,
        "docker compose\tx;" * 20_000,
        "docker " * 50_000,
        "${A:-" * 50_000,
        "A=" + "x" * 100_000 + "\n" + "$A " * 100_000,
    ],
    ids=["compose-words", "compose-commands", "docker-words", "unclosed", "expansion"],
)
def test_deploy_script_is_read_in_linear_time(tmp_path, script):
    context = write_files(tmp_path, {"c.yml": COMPOSE, "deploy.sh": script})
    start = time.perf_counter()
    outcome = deploy_files(context, DEPLOY)
    assert time.perf_counter() - start < LINEAR_S
    assert outcome.score == Fraction(1, 2)
    assert "brak: `docker build`" in outcome.message


def test_shell_text_expands_variables_within_a_budget():
    script = "A=" + "x" * 100_000 + "\n" + "$A " * 100_000
    text = shell_text(script)
    assert len(text) <= len(script) + docker.MAX_EXPANSION
    assert "$A" in text and "x" * 100_000 in text


@pytest.mark.parametrize("text", ["${A-" * 50_000, "${A:+${B:-" * 50_000, "$" * 100_000])
def test_substitute_is_linear_on_unclosed_variables(text):
    start = time.perf_counter()
    assert substitute(text, {"A": "a"}) == text
    assert time.perf_counter() - start < LINEAR_S


def test_substitute_defaults_may_name_variables():
    assert substitute("${A:-$B}/${C:-x}", {"B": "b"}) == "$B/x"


def test_monitoring_stack_image_default_is_linear(tmp_path):
    stack = "services:\n  p:\n    image: '" + "${A:-" * 50_000 + "'\n"
    files = {"c.yml": stack, "grafana/ds.yaml": DATASOURCE, "grafana/d.json": DASHBOARD}
    start = time.perf_counter()
    outcome = monitoring_stack(write_files(tmp_path, files), STACK_PARAMS)
    assert time.perf_counter() - start < LINEAR_S
    assert "brak usług z obrazem prom/prometheus i grafana/grafana" in outcome.message


def test_shell_text_drops_comments_and_joins_lines():
    text = shell_text("#!/bin/bash\nIMAGE=api\ndocker \\\n  build -t $IMAGE .  # tag\n")
    assert "docker    build -t api ." in text
    assert "#" not in text


# gunicorn_config

GUNICORN = {
    "file": "gunicorn.conf.py",
    "command": ".venv/bin/gunicorn --config gunicorn.conf.py app:app",
}


def test_gunicorn_config_full(tmp_path):
    context = write_files(tmp_path, {"gunicorn.conf.py": "workers = 2\ntimeout: int = 30\n"})
    assert gunicorn_config(context, GUNICORN).score == 1


@pytest.mark.parametrize(
    ("command", "runs"),
    [
        ("python -m gunicorn -c gunicorn.conf.py app:app", True),
        ("/usr/bin/python3.12 -m gunicorn --config=./gunicorn.conf.py app:app", True),
        ("gunicorn app:app", False),
        ("gunicorn -c other.conf.py app:app", False),
        ("uvicorn app:app", False),
        ("python app.py gunicorn", False),
        ("", False),
    ],
)
def test_gunicorn_config_command(tmp_path, command, runs):
    context = write_files(tmp_path, {"gunicorn.conf.py": "workers = 2\ntimeout = 30\n"})
    outcome = gunicorn_config(context, {**GUNICORN, "command": command})
    assert outcome.score == Fraction(1 + int(runs), 2)


def test_gunicorn_config_command_needs_the_file_to_exist(tmp_path):
    outcome = gunicorn_config(write_files(tmp_path, {}), GUNICORN)
    assert outcome.score == 0
    assert "brak pliku gunicorn.conf.py" in outcome.message


def test_gunicorn_config_missing_setting(tmp_path):
    # The declared command alone earns nothing: the starter declares it before any work.
    text = "def timeout():\n    return 1\n\nworkers = 2\n"
    outcome = gunicorn_config(write_files(tmp_path, {"gunicorn.conf.py": text}), GUNICORN)
    assert outcome.score == 0
    assert "nie ustawia na poziomie modułu: timeout" in outcome.message
    assert "ale ten plik go nie konfiguruje" in outcome.message


def test_gunicorn_config_syntax_error(tmp_path):
    context = write_files(tmp_path, {"gunicorn.conf.py": "workers = (\n"})
    outcome = gunicorn_config(context, GUNICORN)
    assert outcome.score == 0
    assert "nie parsuje się jako Python" in outcome.message


# monitoring_stack

STACK_PARAMS = {"compose": "c.yml", "provisioning": "grafana"}
PROVISIONING = {
    "grafana/provisioning/datasources/prometheus.yml": DATASOURCE,
    "grafana/dashboards/api.json": DASHBOARD,
}


def test_monitoring_stack_full(tmp_path):
    context = write_files(tmp_path, {"c.yml": STACK, **PROVISIONING})
    outcome = monitoring_stack(context, STACK_PARAMS)
    assert outcome.score == 1, outcome.message


def test_monitoring_stack_without_grafana(tmp_path):
    text = STACK.replace("grafana/grafana:11.1.0", "nginx:1.27")
    outcome = monitoring_stack(write_files(tmp_path, {"c.yml": text, **PROVISIONING}), STACK_PARAMS)
    assert outcome.score == Fraction(1, 2)
    assert "brak usług z obrazem grafana/grafana" in outcome.message


def test_monitoring_stack_without_a_dashboard(tmp_path):
    files = {
        "c.yml": STACK,
        "grafana/provisioning/datasources/prometheus.yml": DATASOURCE,
        "grafana/dashboards/api.json": json.dumps({"title": "no panels"}),
        "grafana/dashboards/broken.json": "{",
    }
    outcome = monitoring_stack(write_files(tmp_path, files), STACK_PARAMS)
    assert outcome.score == Fraction(1, 2)
    assert "brak pliku JSON dashboardu" in outcome.message
    assert "broken.json nie jest poprawnym JSON-em" in outcome.message


def test_monitoring_stack_missing_everything(tmp_path):
    outcome = monitoring_stack(write_files(tmp_path, {}), STACK_PARAMS)
    assert outcome.score == 0
    assert "brak folderu grafana" in outcome.message


def test_compose_yaml_keys_and_dates_read_as_json(tmp_path):
    text = "services:\n  1:\n    image: x\n  api:\n    image: 2013-01-01\n"
    assert compose(write_files(tmp_path, {"c.yml": text}), {"file": "c.yml"}).score == 1


def test_compose_recursive_anchor(tmp_path):
    outcome = compose(write_files(tmp_path, {"c.yml": "x-a: &a [*a]\n"}), {"file": "c.yml"})
    assert outcome.score == 0
    assert "do siebie" in outcome.message


def test_compose_data_holding_itself_is_the_students_error():
    data: dict = {"services": {}}
    data["services"]["x"] = [data]
    with pytest.raises(StudentError, match="odwołują się same do siebie"):
        docker._json_data(data, "c.yml")


def test_compose_shared_values_are_converted_once():
    shared = {"image": "x"}
    converted = docker._json_data({"services": {"a": shared, "b": shared, 1: [shared]}}, "c")
    assert converted == {"services": {"a": {"image": "x"}, "b": {"image": "x"}, "1": [shared]}}
    assert converted["services"]["a"] is converted["services"]["b"]


@pytest.mark.parametrize("depth", [200, 400])
def test_compose_nested_too_deeply_fails(tmp_path, depth):
    text = "x-a: " + "[" * depth + "]" * depth + "\n"
    outcome = compose(write_files(tmp_path, {"c.yml": text}), {"file": "c.yml"})
    assert outcome.score == 0
    assert "zagnieżdżona zbyt głęboko" in outcome.message


def test_compose_aliases_nesting_too_deeply_together_fail():
    inner: list = []
    for _ in range(40):
        inner = [inner]
    outer = inner
    for _ in range(40):
        outer = [outer]
    data = {"x-a": inner, "x-b": outer}  # 41 and 81 levels: the second through the first
    with pytest.raises(StudentError, match="zagnieżdżona zbyt głęboko"):
        docker._json_data(data, "c.yml")
