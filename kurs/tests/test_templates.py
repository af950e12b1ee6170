import jinja2
import pytest

from kurs.templates import environment, render


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A package ``raport_testowy`` with its own templates, importable for the loader."""
    folder = tmp_path / "raport_testowy"
    (folder / "templates").mkdir(parents=True)
    (folder / "__init__.py").touch()
    templates = {
        "liczby.md.j2": (
            "{{ n | integer }} lotów, AUC {{ auc | decimal(3) }}, {{ p | percent(1) }}, "
            "{{ d | signed }} {{ -d | signed(2) }}\n"
        ),
        "strona.html.j2": (
            '{% extends "page.html.j2" %}{% block title %}{{ tytul }}{% endblock %}'
            "{% block body %}<p>{{ tekst }}</p>{% endblock %}\n"
        ),
        "brak.md.j2": "{{ nie_ma }}\n",
        "tekst.md.j2": "{{ tekst }}\n",
    }
    for name, text in templates.items():
        (folder / "templates" / name).write_text(text, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "raport_testowy"
    environment.cache_clear()


def test_numbers_are_written_the_polish_way(package):
    assert render(package, "liczby.md.j2", n=336776, auc=0.78249, p=0.2521, d=0.0123) == (
        "336 776 lotów, AUC 0,782, 25,2%, +0,0123 −0,01\n"
    )


def test_html_pages_share_the_course_stylesheet_and_escape_values(package):
    page = render(package, "strona.html.j2", tytul="Raport", tekst="<b>a & b</b>")
    assert page.startswith('<!DOCTYPE html>\n<html lang="pl">')
    assert "<title>Raport</title>" in page and "border-collapse:collapse" in page
    assert "<p>&lt;b&gt;a &amp; b&lt;/b&gt;</p>" in page


def test_markdown_is_not_escaped(package):
    assert render(package, "tekst.md.j2", tekst="**a & b**") == "**a & b**\n"


def test_a_missing_value_is_an_error_not_an_empty_string(package):
    with pytest.raises(jinja2.UndefinedError, match="nie_ma"):
        render(package, "brak.md.j2")
