"""The rubric: valid, the plan's points, and equal to every class README's table."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import yaml

from grading.rubric import RUBRIC_PATH, RubricError, load_rubric, parse_rubric
from grading.tests.repos import ROOT

PLAN = [5, 20, 20, 5, 20, 5, 10, 5, 5, 10, 5]
MODES = {"statycznie": "static", "`--run`": "run"}


def readme_table(folder: str) -> tuple[Decimal, list[tuple[str, str, Decimal, str, str]]]:
    """The heading's points and the rows of the "Punktacja" table of a class README."""
    text = (ROOT / folder / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Punktacja \((\d+) pkt\)\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert section, f"{folder}/README.md: brak sekcji „## Punktacja (N pkt)”"
    rows = []
    for line in section.group(2).splitlines():
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 5 and re.match(r"^\d\d\.", cells[0]):
            check_id, description, points, mode, how = cells
            points_value = Decimal(points.replace(",", "."))
            rows.append((check_id, description, points_value, MODES[mode], how))
    return Decimal(section.group(1)), rows


def test_the_rubric_has_the_plans_points_as_exact_decimals():
    rubric = load_rubric()
    assert [c.points for c in rubric.classes] == [Decimal(p) for p in PLAN]
    # The plan calls its sum 100, but its class points add up to 110 (see rubric.py).
    assert rubric.total == Decimal(110) == sum(Decimal(p) for p in PLAN)
    assert [c.id for c in rubric.classes] == [f"{n:02d}" for n in range(1, 12)]
    assert all(isinstance(k.points, Decimal) for c in rubric.classes for k in c.checks)
    assert len(rubric.sha256) == 64


@pytest.mark.parametrize("index", range(11))
def test_each_readme_table_equals_the_rubric_both_ways(index):
    spec = load_rubric().classes[index]
    points, rows = readme_table(spec.folder)
    expected = [(k.id, k.description, k.points, k.mode, k.how) for k in spec.checks]
    assert points == spec.points
    missing = [row for row in expected if row not in rows]
    extra = [row for row in rows if row not in expected]
    assert not missing and not extra, (
        f"{spec.folder}/README.md i grading/rubric.yaml się różnią:\n"
        f"tylko w rubryce: {missing}\ntylko w README: {extra}"
    )
    assert [row[0] for row in rows] == [row[0] for row in expected], "kolejność wierszy"


def test_the_rubric_reads_only_entries_the_project_file_declares():
    from grading.project import validate

    project = yaml.safe_load((ROOT / "projekt.yaml").read_text(encoding="utf-8"))
    assert validate(project) == {}
    for reference in load_rubric().project_references():
        node = project
        for key in reference.split("."):
            assert key in node, f"rubryka czyta `{reference}`, którego nie ma w projekt.yaml"
            node = node[key]


def raw_rubric() -> dict:
    return yaml.safe_load(RUBRIC_PATH.read_text(encoding="utf-8"))


def problems_of(raw: dict) -> list[str]:
    with pytest.raises(RubricError) as caught:
        parse_rubric(raw)
    return caught.value.problems


def test_an_unknown_kind_is_named_with_a_hint():
    raw = raw_rubric()
    raw["classes"][0]["checks"][0]["kind"] = "markdown_section"
    [problem] = problems_of(raw)
    assert "classes[0].checks[0] (01.cel_biznesowy).kind" in problem
    assert "'markdown_sections'" in problem


def test_wrong_sums_duplicate_ids_and_bad_points_are_each_named():
    raw = raw_rubric()
    raw["classes"][1]["checks"][0]["points"] = 2.5
    raw["classes"][1]["checks"][1]["id"] = raw["classes"][1]["checks"][2]["id"]
    raw["classes"][2]["checks"][0]["points"] = True
    raw["classes"][3]["points"] = 6
    problems = problems_of(raw)
    assert any("zajęcia 02): sprawdzenia dają 19.5 pkt, a zajęcia 20" in p for p in problems)
    assert "powtórzony identyfikator sprawdzenia: 02.sekcje" in problems
    assert any("classes[2].checks[0] (03.dag).points: True" in p for p in problems)
    assert any("suma punktów zajęć to 111, a `total` rubryki to 110" in p for p in problems)


def test_parameters_and_modes_are_checked_against_the_kind():
    raw = raw_rubric()
    check = raw["classes"][0]["checks"][0]
    check["mode"] = "run"
    del check["params"]["file"]
    check["params"]["plik"] = "x.md"
    problems = problems_of(raw)
    assert any("rodzaj markdown_sections działa w trybie static" in p for p in problems)
    assert any("brak parametru `file`" in p for p in problems)
    assert any("nieznany parametr `plik`" in p for p in problems)


def test_an_id_outside_its_class_and_unknown_keys_are_refused():
    raw = raw_rubric()
    raw["classes"][0]["checks"][0]["id"] = "02.cel_biznesowy"
    raw["classes"][0]["punkty"] = 5
    problems = problems_of(raw)
    assert any("id musi zaczynać się od `01.`" in p for p in problems)
    assert any("nieznany klucz 'punkty'" in p for p in problems)


def test_a_rubric_that_is_not_a_mapping_is_refused():
    assert problems_of(["classes"]) == ["oczekiwany słownik z listą `classes`"]


@pytest.mark.parametrize(
    ("run", "entry"),
    [
        (
            {"periods": ["2013-02", "2013-01"], "train": "2013-02", "monitor": "2013-03"},
            "run.periods",
        ),
        ({"periods": ["2013-01"], "train": "2013-13", "monitor": "2013-03"}, "run.train"),
        ({"periods": ["2013-01"], "train": "2013-01", "monitr": "2013-03"}, "run.monitr"),
        ({"periods": ["2013-02-31"], "train": "2013-02", "monitor": "2013-03"}, "run.periods"),
        ({"periods": ["2013-01"], "train": "2013-01", "retrain": "sierpień"}, "run.retrain"),
        ({"periods": ["2013-01"], "train": "2013-01", "retrain": "2013-02"}, "run.retrain"),
    ],
    ids=[
        "not-ascending",
        "no-such-month",
        "typo",
        "no-such-day",
        "retrain-not-a-period",
        "retrain-not-in-periods",
    ],
)
def test_the_run_periods_are_validated(run, entry):
    from grading.project import validate

    project = yaml.safe_load((ROOT / "projekt.yaml").read_text(encoding="utf-8"))
    assert entry in validate({**project, "run": run})


@pytest.mark.parametrize(
    ("change", "entry", "problem"),
    [
        ({"source": {"folder": "plik.csv", "file": "a.csv"}}, "run.source.folder", "to plik"),
        ({"source": {"folder": "zrodlo", "file": "../a.csv"}}, "run.source.file", "nazwa pliku"),
        ({"source": {"folder": "zrodlo", "plik": "a.csv"}}, "run.source.plik", "znane: folder"),
        ({"quarantine": "/tmp/kwarantanna"}, "run.quarantine", "ścieżka względna"),
        ({"source": None}, "run.source", "brak wpisu"),
    ],
    ids=["file-not-folder", "climbs-out", "typo", "absolute", "missing"],
)
def test_the_run_source_and_quarantine_are_validated(tmp_path, change, entry, problem):
    from grading.project import validate
    from grading.repo_files import RepoFiles

    (tmp_path / "zrodlo").mkdir()
    (tmp_path / "zrodlo" / "a.csv").write_text("x\n1\n")
    (tmp_path / "plik.csv").write_text("x\n1\n")
    project = yaml.safe_load((ROOT / "projekt.yaml").read_text(encoding="utf-8"))
    run = {**project["run"], "source": {"folder": "zrodlo", "file": "a.csv"}, **change}
    missing: list[str] = []
    problems = validate(
        {**project, "run": {k: v for k, v in run.items() if v is not None}},
        RepoFiles(tmp_path),
        missing,
    )
    assert problem in problems[entry]


def test_a_declared_source_file_not_there_yet_is_listed_as_missing(tmp_path):
    from grading.project import validate
    from grading.repo_files import RepoFiles

    (tmp_path / "zrodlo").mkdir()
    project = yaml.safe_load((ROOT / "projekt.yaml").read_text(encoding="utf-8"))
    missing: list[str] = []
    run = {**project["run"], "source": {"folder": "zrodlo", "file": "a.csv"}}
    problems = validate({**project, "run": run}, RepoFiles(tmp_path), missing)
    assert not [entry for entry in problems if entry.startswith("run.")]
    assert "`run.source.file`: zrodlo/a.csv" in missing
