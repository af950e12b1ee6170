"""The validator reports every problem of a backlog in one run, unknown keys included."""

import pytest

from kurs.exit_codes import ERROR
from zajecia_01_planowanie.backlog import BacklogError, load_backlog, parse_backlog
from zajecia_01_planowanie.cli import main

EVERY_KIND = [
    "tasks[0].depend_on (zadanie T1): nieznany klucz 'depend_on' — czy chodziło o 'depends_on'?",
    "tasks[1].status (zadanie T2): dozwolone: todo, in_progress, done",
    "tasks[3].estimate (zadanie T1): oczekiwano: liczba całkowita, jest: 'trzy'",
    "tasks[3].id (zadanie T1): identyfikator powtarza się (pierwszy raz w tasks[0])",
    "tasks[0].depends_on[0] (zadanie T1): 'T3' jest w późniejszym sprincie (2 > 1)",
    "tasks[2].epic (zadanie T3): nieznany epik 'E09'",
    "tasks[2].depends_on[1] (zadanie T3): nieznane zadanie 'T7'",
    "tasks[0].depends_on (zadanie T1): cykl zależności: T1 → T3 → T2 → T1",
    "tasks (sprint 2): suma 13 SP przekracza pojemność sprintu (sprint_capacity: 8 SP)",
]


def break_in_every_way(raw):
    """Break the small valid backlog in one way per kind of rule."""
    tasks = raw["tasks"]
    tasks[0]["depend_on"] = ["T2"]
    tasks[0]["depends_on"] = ["T3"]
    tasks[1]["status"] = "gotowe"
    tasks[2]["epic"] = "E09"
    tasks[2]["depends_on"] = ["T2", "T7"]
    tasks.append({**tasks[2], "id": "T1", "epic": "E02", "depends_on": [], "estimate": "trzy"})
    tasks.append({**tasks[2], "id": "T4", "epic": "E02", "depends_on": [], "estimate": 5})
    return raw


def test_every_kind_of_problem_is_reported_in_one_run(raw_backlog):
    with pytest.raises(BacklogError) as caught:
        parse_backlog(break_in_every_way(raw_backlog))
    assert [str(problem) for problem in caught.value.problems] == EVERY_KIND


@pytest.mark.parametrize(
    ("place", "key", "expected"),
    [
        (None, "projekt", "projekt: nieznany klucz 'projekt' — czy chodziło o 'project'?"),
        (
            ("epics", 1),
            "titel",
            "epics[1].titel (epik E02): nieznany klucz 'titel' — czy chodziło o 'title'?",
        ),
        (
            ("tasks", 2),
            "priorytet",
            "tasks[2].priorytet (zadanie T3): nieznany klucz 'priorytet' — dozwolone: id, epic, "
            "title, estimate, sprint, status, acceptance_criteria, depends_on",
        ),
    ],
)
def test_unknown_key_is_an_error_at_every_level(raw_backlog, place, key, expected):
    item = raw_backlog if place is None else raw_backlog[place[0]][place[1]]
    item[key] = "x"
    with pytest.raises(BacklogError) as caught:
        parse_backlog(raw_backlog)
    assert [str(problem) for problem in caught.value.problems] == [expected]


def test_key_repeated_in_one_mapping_is_an_error(raw_backlog, write_backlog):
    path = write_backlog(raw_backlog)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  estimate: 8\n", "  estimate: 8\n  estimate: 2\n"), "utf-8")
    line = text.splitlines().index("  estimate: 8") + 2
    with pytest.raises(BacklogError) as caught:
        load_backlog(path)
    assert [str(problem) for problem in caught.value.problems] == [
        f"linia {line}: klucz 'estimate' powtarza się w tej samej mapie "
        "(YAML zostawiłby tylko ostatnią wartość) — zostaw jeden"
    ]


def test_command_line_prints_every_problem_and_fails(raw_backlog, write_backlog, capsys):
    path = write_backlog(break_in_every_way(raw_backlog))
    assert main(["validate", str(path)]) == ERROR
    err = capsys.readouterr().err
    assert f"ma błędy ({len(EVERY_KIND)})" in err
    for problem in EVERY_KIND:
        assert f"  - {problem}\n" in err
