import pytest

from zajecia_01_planowanie.backlog import BacklogError, load_backlog, parse_backlog
from zajecia_01_planowanie.cli import DEFAULT_BACKLOG


def problems_of(raw):
    with pytest.raises(BacklogError) as caught:
        parse_backlog(raw)
    return [str(problem) for problem in caught.value.problems]


def test_valid_backlog_is_parsed(raw_backlog):
    backlog = parse_backlog(raw_backlog)
    assert [task.id for task in backlog.tasks] == ["T1", "T2", "T3"]
    assert backlog.tasks[1].depends_on == ("T1",)
    assert backlog.points_in_sprint(1) == 8
    assert backlog.points_in_sprint(3) == 0


def test_project_backlog_is_valid_and_covers_every_class():
    backlog = load_backlog(DEFAULT_BACKLOG)
    assert {epic.sprint for epic in backlog.epics} == set(range(1, 12))
    for sprint in range(1, 12):
        assert len(backlog.tasks_in_sprint(sprint)) >= 2, f"sprint {sprint}"


def test_missing_field_names_task_and_field(raw_backlog):
    del raw_backlog["tasks"][1]["estimate"]
    assert problems_of(raw_backlog) == ["tasks[1].estimate (zadanie T2): brak wymaganego pola"]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("estimate", "trzy", "oczekiwano: liczba całkowita, jest: 'trzy'"),
        ("estimate", True, "oczekiwano: liczba całkowita, jest: true"),
        ("estimate", 4, "story points z ciągu 1, 2, 3, 5, 8, 13, jest 4"),
        ("sprint", "1", "oczekiwano: liczba całkowita, jest: '1'"),
        ("sprint", 12, "musi być od 1 do 11, jest 12"),
        ("status", "gotowe", "dozwolone: todo, in_progress, done"),
        ("title", "  ", "nie może być puste"),
        ("acceptance_criteria", "działa", "oczekiwano: lista, jest: 'działa'"),
        ("acceptance_criteria", [], "niepusta lista zdań"),
        ("acceptance_criteria", [3], "niepusta lista zdań"),
        ("depends_on", "T1", "oczekiwano listy identyfikatorów zadań"),
    ],
)
def test_wrong_types_and_values(raw_backlog, field, value, expected):
    raw_backlog["tasks"][2][field] = value
    assert problems_of(raw_backlog) == [f"tasks[2].{field} (zadanie T3): {expected}"]


def test_all_problems_are_reported_at_once(raw_backlog):
    del raw_backlog["tasks"][0]["title"]
    raw_backlog["tasks"][2]["status"] = "?"
    raw_backlog["sprint_capacity"] = 0
    problems = problems_of(raw_backlog)
    assert len(problems) == 3
    assert "sprint_capacity: musi być dodatnia, jest 0" in problems


def test_task_without_id_is_named_by_position(raw_backlog):
    del raw_backlog["tasks"][1]["id"]
    assert problems_of(raw_backlog) == [
        "tasks[1].id: brak wymaganego pola",
        "tasks[2].depends_on[0] (zadanie T3): nieznane zadanie 'T2'",
    ]


def test_task_that_is_not_a_mapping(raw_backlog):
    raw_backlog["tasks"].append("T4 Zrobić wszystko")
    assert problems_of(raw_backlog)[0].startswith("tasks[3]: oczekiwano mapy")


def test_duplicate_ids(raw_backlog):
    raw_backlog["tasks"][2]["id"] = "T1"
    raw_backlog["tasks"][2]["depends_on"] = []
    raw_backlog["epics"][1]["id"] = "E01"
    assert problems_of(raw_backlog) == [
        "epics[1].id (epik E01): identyfikator powtarza się (pierwszy raz w epics[0])",
        "tasks[2].id (zadanie T1): identyfikator powtarza się (pierwszy raz w tasks[0])",
        "tasks[2].epic (zadanie T1): nieznany epik 'E02'",
    ]


def test_unknown_dependency_and_epic(raw_backlog):
    raw_backlog["tasks"][2]["depends_on"] = ["T9"]
    raw_backlog["tasks"][2]["epic"] = "E99"
    assert problems_of(raw_backlog) == [
        "tasks[2].epic (zadanie T3): nieznany epik 'E99'",
        "tasks[2].depends_on[0] (zadanie T3): nieznane zadanie 'T9'",
    ]


def test_dependency_on_a_later_sprint(raw_backlog):
    raw_backlog["tasks"][0]["depends_on"] = ["T3"]
    problems = problems_of(raw_backlog)
    assert (
        "tasks[0].depends_on[0] (zadanie T1): 'T3' jest w późniejszym sprincie (2 > 1)" in problems
    )


def test_dependency_cycle_is_shown_as_a_path(raw_backlog):
    raw_backlog["tasks"][0]["depends_on"] = ["T2"]
    assert problems_of(raw_backlog) == [
        "tasks[0].depends_on (zadanie T1): cykl zależności: T1 → T2 → T1"
    ]


def test_self_dependency(raw_backlog):
    raw_backlog["tasks"][0]["depends_on"] = ["T1"]
    assert problems_of(raw_backlog) == [
        "tasks[0].depends_on[0] (zadanie T1): zadanie zależy samo od siebie"
    ]


def test_sprint_over_capacity(raw_backlog):
    raw_backlog["tasks"][2]["sprint"] = 1
    raw_backlog["tasks"][2]["estimate"] = 1
    assert problems_of(raw_backlog) == [
        "tasks (sprint 1): suma 9 SP przekracza pojemność sprintu (sprint_capacity: 8 SP)"
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ([], "backlog: oczekiwano mapy z polami project, sprint_capacity, epics, tasks"),
        (None, "backlog: oczekiwano mapy z polami project, sprint_capacity, epics, tasks"),
        ({"project": "P", "sprint_capacity": 5, "epics": [], "tasks": []}, "wymagana niepusta"),
        ({"project": "P", "sprint_capacity": 5, "epics": [], "tasks": None}, "tasks: brak"),
    ],
)
def test_wrong_top_level(raw, expected):
    assert expected in problems_of(raw)[0]


def test_missing_file(tmp_path):
    with pytest.raises(BacklogError, match="plik nie istnieje"):
        load_backlog(tmp_path / "brak.yaml")


def test_a_folder_is_not_a_backlog(tmp_path):
    with pytest.raises(BacklogError, match="to folder, a nie plik backlogu"):
        load_backlog(tmp_path)


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "backlog.yaml"
    path.write_text("project: P\ntasks: [\n  - id: T1\n", encoding="utf-8")
    with pytest.raises(BacklogError, match=r"niepoprawny YAML \(linia \d+\)"):
        load_backlog(path)


def test_binary_file(tmp_path):
    path = tmp_path / "backlog.yaml"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(BacklogError, match="UTF-8"):
        load_backlog(path)
