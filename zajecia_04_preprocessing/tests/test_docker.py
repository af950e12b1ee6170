"""The compose file of class 04: the class 03 Airflow stack, included rather than copied."""

from pathlib import Path

import yaml

COMPOSE_FILE = Path(__file__).resolve().parents[1] / "docker-compose.yml"


def test_compose_file_follows_the_specification(compose_report):
    assert compose_report.errors(COMPOSE_FILE) == []


def test_the_class_03_stack_is_included_instead_of_copied():
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    assert compose == {"include": ["../zajecia_03_airflow_ingest/docker-compose.yml"]}
