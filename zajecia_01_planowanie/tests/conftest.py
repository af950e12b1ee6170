import copy

import pytest
import yaml

VALID = {
    "project": "Projekt testowy",
    "sprint_capacity": 8,
    "epics": [
        {"id": "E01", "title": "Planowanie", "sprint": 1},
        {"id": "E02", "title": "EDA", "sprint": 2},
    ],
    "tasks": [
        {
            "id": "T1",
            "epic": "E01",
            "title": "Cel biznesowy",
            "estimate": 3,
            "sprint": 1,
            "status": "done",
            "acceptance_criteria": ["opisany KPI"],
        },
        {
            "id": "T2",
            "epic": "E01",
            "title": "Backlog",
            "estimate": 5,
            "sprint": 1,
            "status": "in_progress",
            "acceptance_criteria": ["zadania mają estymaty"],
            "depends_on": ["T1"],
        },
        {
            "id": "T3",
            "epic": "E02",
            "title": "Notebook EDA",
            "estimate": 8,
            "sprint": 2,
            "status": "todo",
            "acceptance_criteria": ["co najmniej 8 wykresów"],
            "depends_on": ["T2"],
        },
    ],
}


@pytest.fixture
def raw_backlog():
    """A small valid backlog as parsed YAML; tests break one thing at a time."""
    return copy.deepcopy(VALID)


@pytest.fixture
def write_backlog(tmp_path):
    def write(raw, name="backlog.yaml"):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        return path

    return write
