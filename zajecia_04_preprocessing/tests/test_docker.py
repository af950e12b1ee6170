"""The compose file of class 04: the class 03 Airflow stack, included rather than copied,
and resolved to the same project — one Airflow for the course, not a second one."""

from pathlib import Path

import pytest
import yaml

from kurs.testing.docker import compose_project
from kurs.testing.due import read_text

COMPOSE_FILE = Path(__file__).resolve().parents[1] / "docker-compose.yml"
CLASS_03_FILE = COMPOSE_FILE.parents[1] / "zajecia_03_airflow_ingest" / "docker-compose.yml"


def test_compose_file_follows_the_specification(compose_report):
    assert compose_report.errors(COMPOSE_FILE) == []


def test_the_class_03_stack_is_included_instead_of_copied():
    compose = yaml.safe_load(read_text(COMPOSE_FILE))
    assert compose["include"] == ["../zajecia_03_airflow_ingest/docker-compose.yml"]
    assert set(compose) == {"name", "include"}


def test_both_class_folders_start_one_and_the_same_airflow():
    ours, theirs = compose_project(COMPOSE_FILE), compose_project(CLASS_03_FILE)
    assert theirs.services, f"{CLASS_03_FILE}: no services"
    assert ours.name == theirs.name
    # The same containers ({project}-{service}-1) and the same metadata database volume.
    assert ours.services.keys() == theirs.services.keys()
    assert ours.volumes == theirs.volumes
    assert theirs.volumes["postgres-db"] == f"{theirs.name}_postgres-db"
    # Every host port is published by one container, whichever folder started it.
    owners: dict[int, set] = {}
    for project in (ours, theirs):
        for port, owner in project.published_ports().items():
            owners.setdefault(port, set()).add(owner)
    assert 8080 in owners
    assert all(len(found) == 1 for found in owners.values()), owners


def test_an_include_without_a_name_is_a_project_of_its_own(tmp_path):
    """What Compose does with the included file's ``name`` — the fault this file avoids."""
    base = tmp_path / "Base.Stack"
    base.mkdir()
    (base / "docker-compose.yml").write_text(
        "name: shared\nservices:\n  web:\n    image: nginx\n    ports: ['8080:80']\n"
        "volumes:\n  db:\n  cache:\n    external: true\n"
    )
    user = tmp_path / "user_Folder"
    user.mkdir()
    (user / "docker-compose.yml").write_text("include:\n  - ../Base.Stack/docker-compose.yml\n")
    project = compose_project(user / "docker-compose.yml")
    assert project.name == "user_folder"
    assert project.volumes == {"db": "user_folder_db", "cache": "cache"}
    assert project.published_ports() == {8080: ("user_folder", "web")}
    (user / "docker-compose.yml").write_text(
        "include:\n  - ../Base.Stack/docker-compose.yml\nservices:\n  web:\n    image: x\n"
    )
    with pytest.raises(ValueError, match="web"):
        compose_project(user / "docker-compose.yml")
