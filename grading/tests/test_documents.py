"""Tests of the Markdown document checks: sections, terms, images, decision reports."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest

from grading.checks.base import REGISTRY, Context
from grading.checks.documents import (
    contains,
    decision_reports,
    markdown_images,
    markdown_sections,
    markdown_terms,
)
from grading.model import StudentError
from grading.polish import kind_name, plural, shown
from grading.repo_files import RepoFiles
from grading.tests.repos import ROOT, reference_params, write_files

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>\n'
FILLER = " ".join(["słowo"] * 15)
SECTIONS = [
    {"name": "Problem", "match": ["problem"]},
    {"name": "Użytkownicy i decyzja", "match": ["użytkownicy", "kto używa", "decyzja"]},
    {"name": "KPI i metryka ML", "match": ["kpi"], "min_numbers": 2},
]


@pytest.mark.parametrize(
    "check_id",
    [
        "01.cel_biznesowy",
        "05.karta",
        "05.karta_metryki",
        "05.karta_wykresy",
        "09.decyzje",
        "10.raport",
        "11.raport",
    ],
)
def test_reference_repository_scores_full(check_id):
    kind, params = reference_params(check_id)
    outcome = REGISTRY[kind].function(Context(RepoFiles(ROOT), {}), params)
    assert outcome.score == 1, outcome.message


def _sections(file: str = "doc.md", min_words: int = 15) -> dict:
    return {"file": file, "sections": SECTIONS, "min_words": min_words}


def test_sections_all_present(tmp_path):
    text = (
        f"# Cel\n\n## Problem\n\n{FILLER}\n\n## Kto używa prognozy\n\n{FILLER}\n\n"
        f"## KPI i metryka ML\n\n{FILLER} cel 20% i baseline 0,75\n"
    )
    outcome = markdown_sections(write_files(tmp_path, {"doc.md": text}), _sections())
    assert outcome.score == 1
    assert "Problem (linia 3)" in outcome.message


def test_sections_without_diacritics_numbered_and_upper_case_pass(tmp_path):
    text = (
        f"## 1. PROBLEM:\n\n{FILLER}\n\n## 2) Uzytkownicy i decyzja\n\n{FILLER}\n\n"
        f"## III. Kpi\n\n### Wartosci\n\n{FILLER} 12 i 0.8\n"
    )
    outcome = markdown_sections(write_files(tmp_path, {"doc.md": text}), _sections())
    assert outcome.score == 1, outcome.message


def test_sections_partial_scores_and_say_what_to_fix(tmp_path):
    text = f"## Problem\n\n{FILLER}\n\n## Decyzja\n\nza krótko\n\n## KPI\n\n{FILLER} 12\n"
    outcome = markdown_sections(write_files(tmp_path, {"doc.md": text}), _sections())
    assert outcome.score == Fraction(1, 3)
    assert (
        "„Użytkownicy i decyzja” — sekcja „Decyzja” (linia 5): słów treści 2, potrzeba"
        in outcome.message
    )
    assert "liczb 1, potrzeba co najmniej 2" in outcome.message


def test_sections_missing_heading_named_with_its_phrases(tmp_path):
    text = f"## Problem\n\n{FILLER}\n\n## KPI\n\n{FILLER} 1 2\n"
    outcome = markdown_sections(write_files(tmp_path, {"doc.md": text}), _sections())
    assert outcome.score == Fraction(2, 3)
    assert "brak nagłówka z frazą „użytkownicy”, „kto używa” albo „decyzja”" in outcome.message


@pytest.mark.parametrize(
    ("min_words", "min_numbers", "said"),
    [
        (1, 1, "z co najmniej 1 słowem treści i 1 liczbą"),
        (2, 3, "z co najmniej 2 słowami treści i 3 liczbami"),
        (15, 0, "z co najmniej 15 słowami treści\n"),
    ],
)
def test_sections_missing_heading_counts_in_polish(tmp_path, min_words, min_numbers, said):
    params = {
        "file": "doc.md",
        "sections": [
            {"name": "Problem", "match": ["problem"]},
            {"name": "KPI", "match": ["kpi"], "min_numbers": min_numbers},
        ],
        "min_words": min_words,
    }
    outcome = markdown_sections(write_files(tmp_path, {"doc.md": "## Problem\n\ntak\n"}), params)
    assert said in outcome.message + "\n"


@pytest.mark.parametrize(
    ("n", "said"),
    [
        (0, "0 komórek"),
        (1, "1 komórka"),
        (2, "2 komórki"),
        (4, "4 komórki"),
        (5, "5 komórek"),
        (12, "12 komórek"),
        (14, "14 komórek"),
        (22, "22 komórki"),
        (24, "24 komórki"),
        (25, "25 komórek"),
        (112, "112 komórek"),
        (122, "122 komórki"),
    ],
)
def test_plural(n, said):
    assert plural(n, "komórka", "komórki", "komórek") == said


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (datetime.date(2013, 1, 1), "2013-01-01"),
        (datetime.datetime(2013, 1, 1, 6, 30), "2013-01-01 06:30:00"),
        (True, "true"),
        (None, "null"),
        ("trzy", "'trzy'"),
        ("a\nb", "'a\\nb'"),
        (3.5, "3.5"),
        ([1, 2], "lista (2 elem.)"),
        ({"a": 1}, "mapa (1 elem.)"),
        ("x" * 100, "'" + "x" * 58 + "…"),
    ],
)
def test_shown_writes_values_as_yaml_does(value, said):
    assert shown(value) == said


@pytest.mark.parametrize(
    ("value", "said"),
    [(None, "pusty plik"), ([], "lista"), ({}, "mapa"), ("", "tekst"), (1, "liczba"),
     (False, "wartość logiczna"), (datetime.date(2013, 1, 1), "data")],
)  # fmt: skip
def test_kind_name(value, said):
    assert kind_name(value) == said


def test_sections_placeholder_words_do_not_count(tmp_path):
    text = "## Problem\n\n" + "TODO " * 20 + "\n"
    outcome = markdown_sections(write_files(tmp_path, {"doc.md": text}), _sections())
    assert outcome.score == 0
    assert "słów treści 0" in outcome.message


def test_sections_later_matching_heading_with_content_counts(tmp_path):
    text = f"## Problem\n\nkrótko\n\n## Opis: problem biznesowy\n\n{FILLER}\n"
    outcome = markdown_sections(write_files(tmp_path, {"doc.md": text}), _sections())
    assert outcome.score == Fraction(1, 3)
    assert "Problem (linia 5)" in outcome.message


def test_sections_empty_file_scores_zero(tmp_path):
    outcome = markdown_sections(write_files(tmp_path, {"doc.md": ""}), _sections())
    assert outcome.score == 0
    assert outcome.message.count("brak nagłówka") == 3


def test_sections_headings_in_code_blocks_do_not_count(tmp_path):
    text = f"```\n## Problem\n{FILLER}\n```\n"
    outcome = markdown_sections(write_files(tmp_path, {"doc.md": text}), _sections())
    assert outcome.score == 0


def test_sections_missing_file_raises_student_error(tmp_path):
    with pytest.raises(StudentError, match=r"brak pliku doc\.md"):
        markdown_sections(write_files(tmp_path, {}), _sections())


def test_sections_symlink_out_of_repository_raises_student_error(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text(f"## Problem\n\n{FILLER}\n", encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "doc.md").symlink_to(outside)
    with pytest.raises(StudentError, match="poza repozytorium"):
        markdown_sections(Context(RepoFiles(repo), {}), _sections())


def test_contains_ignores_case_whitespace_punctuation_and_diacritics():
    assert contains("Wyniki: roc-auc 0,78 i PR\n AUC", "ROC AUC")
    assert contains("Wyniki: roc-auc 0,78 i PR\n AUC", "pr auc")
    assert contains("decyzja: BEZ ZMIANY", "bez zmian")
    assert contains("Źródło", "zrodlo")
    assert not contains("pre-challenger", "hallenger")


def _terms(table: bool = True) -> dict:
    return {"file": "card.md", "terms": ["ROC AUC", "PR AUC", "Brier"], "table": table}


def test_terms_table_and_every_term(tmp_path):
    text = "| Miara | Wartość |\n|---|---|\n| roc auc | 0,78 |\n| PR-AUC | 0,4 |\n| BRIER | 1 |\n"
    outcome = markdown_terms(write_files(tmp_path, {"card.md": text}), _terms())
    assert outcome.score == 1


def test_terms_partial_quarter_per_part(tmp_path):
    text = "ROC AUC wynosi 0,78, a Brier score 0,13.\n"
    outcome = markdown_terms(write_files(tmp_path, {"card.md": text}), _terms())
    assert outcome.score == Fraction(2, 4)
    assert "tabela Markdown" in outcome.message
    assert "„PR AUC”" in outcome.message


def test_terms_without_table_requirement(tmp_path):
    outcome = markdown_terms(write_files(tmp_path, {"card.md": "ROC\nAUC, pr auc"}), _terms(False))
    assert outcome.score == Fraction(2, 3)


def test_terms_empty_file_scores_zero(tmp_path):
    outcome = markdown_terms(write_files(tmp_path, {"card.md": ""}), _terms())
    assert outcome.score == 0


def test_terms_missing_file_raises_student_error(tmp_path):
    with pytest.raises(StudentError):
        markdown_terms(write_files(tmp_path, {}), _terms())


def _images(min_images: int = 2) -> dict:
    return {"file": "karta/card.md", "min_images": min_images}


def test_images_png_and_svg_relative_to_document(tmp_path):
    files = {
        "karta/card.md": "![ROC](figures/roc.png)\n\n![Kalibracja](../wspolne/kal%20ibracja.svg)\n",
        "karta/figures/roc.png": PNG,
        "wspolne/kal ibracja.svg": SVG,
    }
    outcome = markdown_images(write_files(tmp_path, files), _images())
    assert outcome.score == 1
    assert "obrazy zapisane w repozytorium: 2" in outcome.message


def test_images_that_do_not_count_are_named(tmp_path):
    files = {
        "karta/card.md": (
            "![a](https://example.com/a.png) ![b](brak.png) ![c](../../poza.png) "
            "![d](wykres.jpg) ![e](/abs.png) ![f](ok.png)\n"
        ),
        "karta/wykres.jpg": b"\xff\xd8\xff\xe0 jpeg",
        "karta/ok.png": PNG,
    }
    outcome = markdown_images(write_files(tmp_path, files), _images())
    assert outcome.score == Fraction(1, 2)
    assert "`https://example.com/a.png`: to adres URL" in outcome.message
    assert "brak pliku karta/brak.png" in outcome.message
    assert "`../../poza.png`: ścieżka" in outcome.message
    assert "karta/wykres.jpg nie jest obrazem PNG ani SVG" in outcome.message
    assert "`/abs.png`: potrzebna ścieżka względna" in outcome.message


def test_images_same_file_counts_once(tmp_path):
    files = {"karta/card.md": "![a](x.png)\n![b](./x.png)\n", "karta/x.png": PNG}
    outcome = markdown_images(write_files(tmp_path, files), _images())
    assert outcome.score == Fraction(1, 2)


def test_images_symlink_out_of_repository_does_not_count(tmp_path):
    repo = tmp_path / "repo"
    (tmp_path / "secret.png").write_bytes(PNG)
    context = write_files(repo, {"karta/card.md": "![a](x.png)\n![b](y.png)\n", "karta/y.png": PNG})
    (repo / "karta" / "x.png").symlink_to(tmp_path / "secret.png")
    outcome = markdown_images(context, _images())
    assert outcome.score == Fraction(1, 2)
    assert "dowiązanie symboliczne" in outcome.message


def test_images_empty_document_scores_zero(tmp_path):
    outcome = markdown_images(write_files(tmp_path, {"karta/card.md": ""}), _images())
    assert outcome.score == 0
    assert "Dodaj wykresy" in outcome.message


def test_images_symlinked_document_raises_student_error(tmp_path):
    (tmp_path / "card.md").write_text("![a](x.png)", encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / "karta").mkdir(parents=True)
    (repo / "karta" / "card.md").symlink_to(tmp_path / "card.md")
    with pytest.raises(StudentError):
        markdown_images(Context(RepoFiles(repo), {}), _images())


DECISIONS = {
    "folder": "wyniki/decyzje",
    "terms": ["champion", "challenger"],
    "decisions": ["promowany", "promocja", "odrzucony", "bez zmian"],
}
GOOD_REPORT = (
    "# Decyzja\n\n**Wynik: BEZ ZMIANY.** Challenger nie jest lepszy od championa.\n\n"
    "| | champion | challenger |\n|---|---|---|\n| ROC AUC | 0,70 | 0,69 |\n"
)


def test_decision_report_with_terms_table_and_decision(tmp_path):
    files = {"wyniki/decyzje/2013-10.md": GOOD_REPORT, "wyniki/decyzje/notatka.txt": "x"}
    outcome = decision_reports(write_files(tmp_path, files), DECISIONS)
    assert outcome.score == 1
    assert "decyzja „bez zmian”" in outcome.message


def test_decision_one_good_report_is_enough(tmp_path):
    files = {"wyniki/decyzje/a.md": "champion", "wyniki/decyzje/b.md": GOOD_REPORT}
    assert decision_reports(write_files(tmp_path, files), DECISIONS).score == 1


def test_decision_reports_name_what_is_missing(tmp_path):
    files = {
        "wyniki/decyzje/a.md": "Champion i challenger; model promowany.\n",
        "wyniki/decyzje/b.md": "| a | b |\n|---|---|\n| champion | 1 |\n",
        "wyniki/decyzje/c.md": "",
    }
    outcome = decision_reports(write_files(tmp_path, files), DECISIONS)
    assert outcome.score == 0
    assert "wyniki/decyzje/a.md: brak tabeli Markdown" in outcome.message
    assert "wyniki/decyzje/b.md: brak słowa „challenger”, decyzji (" in outcome.message
    assert "wyniki/decyzje/c.md: brak słowa „champion”" in outcome.message


def test_decision_missing_or_empty_folder_fails(tmp_path):
    outcome = decision_reports(write_files(tmp_path, {}), DECISIONS)
    assert outcome.score == 0 and "brak folderu wyniki/decyzje" in outcome.message
    outcome = decision_reports(write_files(tmp_path, {"wyniki/decyzje/x.txt": ""}), DECISIONS)
    assert outcome.score == 0 and "nie ma raportów Markdown" in outcome.message


def test_decision_folder_outside_repository_raises_student_error(tmp_path):
    repo = tmp_path / "repo"
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "r.md").write_text(GOOD_REPORT, encoding="utf-8")
    (repo / "wyniki").mkdir(parents=True)
    (repo / "wyniki" / "decyzje").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(StudentError):
        decision_reports(Context(RepoFiles(repo), {}), DECISIONS)
    with pytest.raises(StudentError):
        decision_reports(Context(RepoFiles(repo), {}), {**DECISIONS, "folder": "../elsewhere"})


def test_decision_binary_report_is_named(tmp_path):
    files = {"wyniki/decyzje/a.md": b"\0\0champion"}
    outcome = decision_reports(write_files(tmp_path, files), DECISIONS)
    assert outcome.score == 0
    assert "plikiem binarnym" in outcome.message


def test_decision_many_failing_reports_are_listed_up_to_ten(tmp_path):
    files = {f"wyniki/decyzje/{month:02}.md": "champion" for month in range(1, 13)}
    outcome = decision_reports(write_files(tmp_path, files), DECISIONS)
    assert outcome.score == 0
    assert "wyniki/decyzje/10.md" in outcome.message
    assert "wyniki/decyzje/11.md" not in outcome.message
    assert "… pominięte pozycje: 2" in outcome.message
