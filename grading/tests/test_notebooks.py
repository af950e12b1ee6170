"""Tests of the notebook checks (executed, HTML export, sections, figures, target, leakage,
generated figures) and of the reveal.js slides check."""

from __future__ import annotations

import base64
import json
from fractions import Fraction
from pathlib import Path

import pytest

from grading.checks.base import REGISTRY, Context
from grading.checks.notebooks import (
    notebook_executed,
    notebook_figures,
    notebook_generated_figures,
    notebook_html,
    notebook_leakage,
    notebook_sections,
    notebook_target,
    slides_html,
)
from grading.model import StudentError
from grading.repo_files import RepoFiles
from grading.tests.repos import ROOT, reference_params, write_files

NB = "zajecia_02_eda/eda.ipynb"
FILLER = " ".join(["słowo"] * 15)
PLOT = 'ax.set_title("Loty")\nax.set_xlabel("Miesiąc")\nax.set_ylabel("Liczba lotów")'
SECTIONS = [
    {"name": "Przegląd danych", "match": ["przegląd danych", "przegląd"]},
    {"name": "Braki danych", "match": ["braki", "brakujące"]},
    {"name": "Zmienna celu", "match": ["zmienna celu", "cel"]},
]


@pytest.mark.parametrize(
    "check_id",
    [
        "02.wykonany",
        "02.html",
        "02.sekcje",
        "02.wykresy",
        "02.cel",
        "02.wyciek",
        "10.slajdy",
        "10.slajdy_html",
        "10.wykresy",
    ],
)
def test_reference_repository_passes(check_id):
    kind, params = reference_params(check_id)
    outcome = REGISTRY[kind].function(Context(RepoFiles(ROOT), {}), params)
    assert outcome.score == 1, outcome.message


# --- fixtures ---------------------------------------------------------------------------


def md(text: str, **extra) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text, **extra}


def code(source: str, count: int | None = None, outputs: list | None = None) -> dict:
    return {
        "cell_type": "code",
        "execution_count": count,
        "metadata": {},
        "outputs": outputs or [],
        "source": source.splitlines(keepends=True),
    }


def stdout(text: str, name: str = "stdout") -> dict:
    return {"output_type": "stream", "name": name, "text": [text]}


def result(data: dict) -> dict:
    return {"output_type": "execute_result", "execution_count": 1, "data": data, "metadata": {}}


def image(kind: str = "image/png") -> dict:
    data = {kind: "iVBORw0KGgo=", "text/plain": ["<Figure size 640x480 with 1 Axes>"]}
    return {"output_type": "display_data", "data": data, "metadata": {}}


def error(name: str = "ZeroDivisionError") -> dict:
    return {"output_type": "error", "ename": name, "evalue": "division by zero", "traceback": []}


def context(tmp_path: Path, cells: list[dict], extra: dict[str, str] | None = None) -> Context:
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return write_files(tmp_path, {NB: json.dumps(notebook, ensure_ascii=False), **(extra or {})})


def figure(cell_code: str = PLOT, kind: str = "image/png", words: str = FILLER) -> list[dict]:
    return [code(cell_code, 1, [image(kind)]), md(f"**Wykres.** {words}")]


# --- reading ----------------------------------------------------------------------------

KINDS = [
    (notebook_executed, {"notebook": NB}),
    (notebook_sections, {"notebook": NB, "sections": SECTIONS}),
    (notebook_figures, {"notebook": NB, "min_figures": 8, "min_words": 15}),
    (notebook_target, {"notebook": NB, "target": "y", "section": ["cel"], "min_words": 1}),
    (notebook_leakage, {"notebook": NB, "columns": ["a"], "section": ["wyciek"]}),
    (notebook_generated_figures, {"notebook": NB, "min_figures": 3}),
]


@pytest.mark.parametrize(("check", "params"), KINDS)
@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b'{"cells": []}\0\0\x89PNG', "binarnym"),
        (b"{'cells': [", "błąd JSON w wierszu 1"),
        (b"[1, 2, 3]", "brak listy komórek"),
        (b'{"nbformat": 4, "cells": {"a": 1}}', "brak listy komórek"),
        (b"[" * 100_000 + b"]" * 100_000, "nie jest notebookiem"),
        (b'{"cells": [], "n": ' + b"1" * 5000 + b"}", "nie jest notebookiem"),
    ],
)
def test_unreadable_notebook_fails_naming_the_file(tmp_path, check, params, content, said):
    with pytest.raises(StudentError) as raised:
        check(write_files(tmp_path, {NB: content}), params)
    assert said in raised.value.message
    assert NB in raised.value.message


def test_missing_notebook_is_named(tmp_path):
    with pytest.raises(StudentError, match=f"brak pliku {NB}"):
        notebook_executed(Context(RepoFiles(tmp_path), {}), {"notebook": NB})


def test_malformed_cells_read_as_empty(tmp_path):
    cells = [7, {"cell_type": "code", "source": 3, "outputs": "x"}, code("x = 1", 1)]
    assert notebook_executed(context(tmp_path, cells), {"notebook": NB}).score == 1


# --- notebook_executed ------------------------------------------------------------------


def test_executed_in_order_passes(tmp_path):
    cells = [md("# EDA"), code("a = 1", 1), code("   \n", None), code("a", 3, [stdout("1")])]
    outcome = notebook_executed(context(tmp_path, cells), {"notebook": NB})
    assert outcome.score == 1
    assert "komórki kodu wykonane po kolei, bez błędów: 2" in outcome.message


def test_never_executed_names_the_cells(tmp_path):
    cells = [md("# EDA"), code("a = 1"), code("b = 2"), code("c = True", True)]
    outcome = notebook_executed(context(tmp_path, cells), {"notebook": NB})
    assert outcome.score == 0
    assert "komórki kodu 2, 3, 4 nie mają numeru wykonania (nie były wykonane)" in outcome.message
    assert [e.cell for e in outcome.evidence] == [2, 3, 4]


@pytest.mark.parametrize(
    ("unexecuted", "said"),
    [
        (1, "komórka kodu 1 nie ma numeru wykonania (nie była wykonana)"),
        (6, "komórki kodu 1, 2, 3, 4, 5 (i 1 inna) nie mają numeru"),
        (7, "komórki kodu 1, 2, 3, 4, 5 (i 2 inne) nie mają numeru"),
        (10, "komórki kodu 1, 2, 3, 4, 5 (i 5 innych) nie mają numeru"),
    ],
)
def test_unexecuted_cells_are_counted_in_polish(tmp_path, unexecuted, said):
    cells = [code(f"a = {i}") for i in range(unexecuted)]
    outcome = notebook_executed(context(tmp_path, cells), {"notebook": NB})
    assert said in outcome.message


def test_out_of_order_names_the_cell(tmp_path):
    cells = [code("a = 1", 2), code("b = 2", 1), code("c = 3", 5), code("d = 4", 5)]
    outcome = notebook_executed(context(tmp_path, cells), {"notebook": NB})
    assert outcome.score == 0
    assert "komórka 2 ma numer 1 po komórce 1 z numerem 2 (takich miejsc: 2)" in outcome.message
    assert "Restart Kernel and Run All" in outcome.message


@pytest.mark.parametrize(
    ("output", "said"),
    [
        (error(), "ZeroDivisionError: division by zero"),
        (stdout("Traceback (most recent call last):\n", "stderr"), "Traceback na stderr"),
    ],
)
def test_error_output_fails(tmp_path, output, said):
    cells = [code("a = 1", 1), code("1 / 0", 2, [output])]
    outcome = notebook_executed(context(tmp_path, cells), {"notebook": NB})
    assert outcome.score == 0
    assert f"komórka 2 ma w wyjściu błąd (komórka 2: {said})" in outcome.message


def test_warning_on_stderr_is_not_an_error(tmp_path):
    cells = [code("a = 1", 1, [stdout("FutureWarning: x\n", "stderr")])]
    assert notebook_executed(context(tmp_path, cells), {"notebook": NB}).score == 1


def test_notebook_without_code_is_not_executed(tmp_path):
    outcome = notebook_executed(context(tmp_path, [md("## Tylko tekst")]), {"notebook": NB})
    assert outcome.score == 0
    assert "nie ma komórek kodu" in outcome.message


# --- notebook_html ----------------------------------------------------------------------

HTML = "zajecia_02_eda/eda.html"


def test_html_contains_every_heading(tmp_path):
    cells = [md("# Tytuł"), md("## 1. Przegląd `A & B`\n\ntekst"), md("## 2.  Braki\ndanych")]
    page = (
        '<h2 id="1.-Przegl%C4%85d">1. Przegląd <code>A &amp; B</code><a class="anchor-link">'
        "¶</a></h2>\n<h2>2. Braki</h2>"
    )
    outcome = notebook_html(context(tmp_path, cells, {HTML: page}), {"notebook": NB, "html": HTML})
    assert outcome.score == 1, outcome.message


def test_html_missing_heading_is_named(tmp_path):
    cells = [md("## Przegląd"), md("## Wnioski")]
    ctx = context(tmp_path, cells, {HTML: "<h2>Przegląd</h2><script>Wnioski</script>"})
    outcome = notebook_html(ctx, {"notebook": NB, "html": HTML})
    assert outcome.score == 0
    assert "„Wnioski” (komórka 2)" in outcome.message
    assert outcome.evidence[0].cell == 2


def test_html_of_a_notebook_without_sections_fails(tmp_path):
    ctx = context(tmp_path, [md("# Tytuł")], {HTML: "<h1>Tytuł</h1>"})
    outcome = notebook_html(ctx, {"notebook": NB, "html": HTML})
    assert outcome.score == 0
    assert "nie ma nagłówków `##`" in outcome.message


# --- notebook_sections ------------------------------------------------------------------


def test_sections_in_order_with_content_pass(tmp_path):
    cells = [
        md("# EDA"),
        md("## 1) PRZEGLAD DANYCH"),
        code("flights.shape", 1),
        md("## Braki danych\n\nBraki to informacja."),
        md("## 3. Zmienna celu"),
        md("Definicja."),
    ]
    outcome = notebook_sections(context(tmp_path, cells), {"notebook": NB, "sections": SECTIONS})
    assert outcome.score == 1, outcome.message
    assert [e.cell for e in outcome.evidence] == [2, 4, 5]


def test_empty_section_scores_the_others(tmp_path):
    cells = [md("## Przegląd danych\n\ntekst"), md("## Braki"), md("## Zmienna celu\n\ntekst")]
    outcome = notebook_sections(context(tmp_path, cells), {"notebook": NB, "sections": SECTIONS})
    assert outcome.score == Fraction(2, 3)
    assert "Braki danych: sekcja „Braki” (komórka 2) nie ma treści" in outcome.message


def test_level_one_heading_ends_a_section(tmp_path):
    cells = [md("## Przegląd danych\n\n# Część 2\n\nto nie należy do przeglądu"), code("x", 1)]
    params = {"notebook": NB, "sections": SECTIONS[:1]}
    assert notebook_sections(context(tmp_path, cells), params).score == 0


def test_subsection_in_the_heading_cell_is_content(tmp_path):
    cells = [md("## Przegląd danych\n### Tabele")]
    params = {"notebook": NB, "sections": SECTIONS[:1]}
    assert notebook_sections(context(tmp_path, cells), params).score == 1


def test_two_sections_in_one_cell(tmp_path):
    cells = [md("## Przegląd\n\ntekst\n\n## Braki\n\ntekst\n\n## Cel\n\ntekst")]
    outcome = notebook_sections(context(tmp_path, cells), {"notebook": NB, "sections": SECTIONS})
    assert outcome.score == 1, outcome.message


def test_sections_out_of_order_count_once(tmp_path):
    cells = [md("## Braki\n\ntekst"), md("## Przegląd\n\ntekst"), md("## Zmienna celu\n\ntekst")]
    outcome = notebook_sections(context(tmp_path, cells), {"notebook": NB, "sections": SECTIONS})
    assert outcome.score == Fraction(2, 3)
    assert "nagłówek „Braki” (komórka 1) stoi przed sekcją „Przegląd”" in outcome.message


def test_missing_section_names_its_phrases(tmp_path):
    cells = [md("## Przegląd\n\ntekst"), md("## Wnioski\n\ntekst")]
    outcome = notebook_sections(context(tmp_path, cells), {"notebook": NB, "sections": SECTIONS})
    assert outcome.score == Fraction(1, 3)
    assert "Braki danych: brak nagłówka `##` z frazą „braki” albo „brakujące” po sekcji " in (
        outcome.message
    )


def test_heading_inside_code_fence_is_not_a_section(tmp_path):
    cells = [md("```\n## Przegląd\n```"), code("x", 1)]
    params = {"notebook": NB, "sections": SECTIONS[:1]}
    assert notebook_sections(context(tmp_path, cells), params).score == 0


# --- notebook_figures -------------------------------------------------------------------

FIGURES = {"notebook": NB, "min_figures": 2, "min_words": 15}


@pytest.mark.parametrize(
    "cell_code",
    [
        PLOT,
        'plt.title("a")\nplt.xlabel("b")\nplt.ylabel("c")\nplt.show()',
        'df.plot(title="a", xlabel="b", ylabel="c")',
        'ax.set(title="a", xlabel="b", ylabel="c")',
        'fig.suptitle("a")\nfig.supxlabel("b")\nfig.supylabel("c")',
        'g = sns.catplot(data=d)\ng.set_axis_labels("b", "c")\ng.ax.set_title(label=name)',
        '%matplotlib inline\n!echo\nax.set_title(f"{x}")\nax.set_xlabel(lx)\nax.set_ylabel(ly)',
    ],
)
def test_figure_with_title_labels_and_reading_counts(tmp_path, cell_code):
    outcome = notebook_figures(context(tmp_path, figure(cell_code)), FIGURES)
    assert outcome.score == Fraction(1, 2), outcome.message
    assert "komórki z wykresem: 1, z nich z tytułem" in outcome.message
    assert "w następnej komórce: 1 (potrzeba 2)" in outcome.message


def test_enough_figures_score_one(tmp_path):
    cells = figure() + figure(kind="image/svg+xml") + figure()
    assert notebook_figures(context(tmp_path, cells), FIGURES).score == 1


@pytest.mark.parametrize(
    ("cell_code", "missing"),
    [
        ('ax.set_xlabel("b")\nax.set_ylabel("c")', "brak tytułu"),
        ('ax.set_title("a")\nax.set_xlabel("b")\nax.set_ylabel("")', "brak etykiety osi Y"),
        ('ax.set_title("a")\nax.set_xlabel(None)\nax.set_ylabel("c")', "brak etykiety osi X"),
        ('ax.set(title="a", xlabel=" ", ylabel="c")', "brak etykiety osi X"),
        ('g.set_axis_labels("b")\nplt.title("a")', "brak etykiety osi Y"),
        ('"abc".title()\nax.set_xlabel("b")\nax.set_ylabel("c")', "brak tytułu"),
        ("ax.set_title('a'\nax.set_xlabel('b')", "(kod komórki nie parsuje się jako Python)"),
    ],
)
def test_figure_without_title_or_labels_does_not_count(tmp_path, cell_code, missing):
    outcome = notebook_figures(context(tmp_path, figure(cell_code)), FIGURES)
    assert outcome.score == 0
    assert missing in outcome.message
    assert outcome.evidence[0].cell == 1


@pytest.mark.parametrize(
    "after",
    [[], [code("x", 2)], [md("**Wykres.** za krótko")], [md(f"## {FILLER}")]],
)
def test_figure_without_reading_does_not_count(tmp_path, after):
    cells = [code(PLOT, 1, [image()]), *after]
    outcome = notebook_figures(context(tmp_path, cells), FIGURES)
    assert outcome.score == 0
    assert "brak komórki Markdown z co najmniej 15 słowami zaraz po wykresie" in outcome.message


def test_other_images_and_text_are_not_figures(tmp_path):
    cells = [code(PLOT, 1, [image("image/jpeg"), stdout("1")]), md(FILLER)]
    outcome = notebook_figures(context(tmp_path, cells), FIGURES)
    assert outcome.score == 0
    assert "komórki z wykresem: 0" in outcome.message


def test_several_images_of_one_cell_are_one_figure(tmp_path):
    cells = [code(PLOT, 1, [image(), image("image/svg+xml"), image()]), md(FILLER)]
    outcome = notebook_figures(context(tmp_path, cells), FIGURES)
    assert outcome.score == Fraction(1, 2)
    assert "komórki z wykresem: 1," in outcome.message


def test_reference_notebook_has_eight_figures_one_per_cell():
    kind, params = reference_params("02.wykresy")
    assert (kind, params["min_figures"]) == ("notebook_figures", 8)
    outcome = notebook_figures(Context(RepoFiles(ROOT), {}), params)
    assert outcome.score == 1, outcome.message


@pytest.mark.parametrize(
    "cell_code",
    [
        "ax.set_title('a')\0",
        "ax.set_title('\ud800')",
        "x = " + " + ".join(["a"] * 3000),
        "x = " + " + ".join(["a"] * 300),
    ],
    ids=["nul", "surrogate", "deeper-than-the-parser", "deeper-than-the-walks"],
)
def test_code_that_does_not_parse_has_no_labels(tmp_path, cell_code):
    cells = [code(cell_code, 1, [image()]), md(FILLER)]
    # JSON escapes (\\u0000, \\ud800) carry what UTF-8 text cannot.
    notebook = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    checked = write_files(tmp_path, {NB: notebook})
    outcome = notebook_figures(checked, FIGURES)
    assert outcome.score == 0
    assert "(kod komórki nie parsuje się jako Python)" in outcome.message
    generated = notebook_generated_figures(checked, {**GENERATED, "min_figures": 1})
    assert generated.score == 1, generated.message


# --- notebook_target --------------------------------------------------------------------

JUSTIFICATION = " ".join(["uzasadnienie"] * 40)
TARGET = {"notebook": NB, "target": "arr_delay >= 15", "section": ["zmienna celu", "cel"]}


def test_target_defined_counted_and_justified(tmp_path):
    cells = [
        md("## Przegląd\n\narr_delay >= 15 poza sekcją"),
        md(f"## 3. ZMIENNA CELU\n\n{JUSTIFICATION}"),
        code("y = flights.arr_delay>=15\nprint(y.mean())", 1, [stdout("0.265\n")]),
        md("## Braki"),
    ]
    outcome = notebook_target(context(tmp_path, cells), {**TARGET, "min_words": 40})
    assert outcome.score == 1, outcome.message
    assert "definicja celu `arr_delay >= 15` w komórce 3" in outcome.message
    assert "wyjście kodu z liczbą w komórce 3" in outcome.message


def test_target_without_number_or_words_scores_half(tmp_path):
    cells = [md("## Zmienna celu\n\n`arr_delay >= 15` i krótko"), code("plot()", 1, [image()])]
    outcome = notebook_target(context(tmp_path, cells), {**TARGET, "min_words": 40})
    assert outcome.score == Fraction(1, 2)
    assert "brak wyjścia kodu z liczbą" in outcome.message
    assert "5 słów uzasadnienia — potrzeba co najmniej 40" in outcome.message


@pytest.mark.parametrize(
    ("words", "said"),
    [(1, "1 słowo uzasadnienia"), (5, "5 słów uzasadnienia"), (22, "22 słowa uzasadnienia")],
)
def test_justification_words_are_counted_in_polish(tmp_path, words, said):
    cells = [md("## Zmienna celu\n\n" + " ".join(["wyraz"] * words)), code("x", 1, [stdout("1")])]
    outcome = notebook_target(context(tmp_path, cells), {**TARGET, "min_words": 1})
    assert said in outcome.message


def test_counted_target_without_definition_scores_half(tmp_path):
    cells = [
        md(f"## Zmienna celu\n\n{JUSTIFICATION}"),
        code("counts", 1, [result({"text/html": "<table><td>26,5%</td></table>"})]),
    ]
    outcome = notebook_target(context(tmp_path, cells), {**TARGET, "min_words": 40})
    assert outcome.score == Fraction(1, 2)
    assert "nie zawiera definicji celu `arr_delay >= 15`" in outcome.message


def test_target_section_missing_fails(tmp_path):
    cells = [md("## Opóźnienia\n\narr_delay >= 15"), code("x", 1, [stdout("1")])]
    outcome = notebook_target(context(tmp_path, cells), {**TARGET, "min_words": 1})
    assert outcome.score == 0
    assert "brak sekcji z nagłówkiem `##` zawierającym frazę „zmienna celu” albo „cel”" in (
        outcome.message
    )


# --- notebook_leakage -------------------------------------------------------------------

LEAKAGE = {
    "notebook": NB,
    "columns": ["dep_time", "dep_delay", "arr_time", "air_time"],
    "section": ["wyciek"],
}


def test_leakage_named_and_shown(tmp_path):
    cells = [
        md("## 6. Wyciek danych\n\n`dep_time` i `dep_delay` są znane po odlocie."),
        code('auc(["arr_time", "air_time"])', 1, [result({"text/plain": "0.89"})]),
    ]
    outcome = notebook_leakage(context(tmp_path, cells), LEAKAGE)
    assert outcome.score == 1, outcome.message


def test_leakage_partial_columns_without_numbers(tmp_path):
    cells = [
        md("## Wyciek\n\n`dep_time`, `dep_delay_min` i arr_times"),
        code("x", 1, [stdout("warning line 12\n", "stderr"), image()]),
        md("## Dryf\n\nair_time, dep_delay"),
    ]
    outcome = notebook_leakage(context(tmp_path, cells), LEAKAGE)
    assert outcome.score == Fraction(1, 8)
    assert "wymienione kolumny: 1 z 4 — brakuje `dep_delay`, `arr_time`, `air_time`" in (
        outcome.message
    )
    assert "brak wyjścia kodu z liczbą" in outcome.message


def test_leakage_section_missing_fails(tmp_path):
    cells = [md("## Przecieki\n\ndep_time dep_delay arr_time air_time"), code("x", 1)]
    outcome = notebook_leakage(context(tmp_path, cells), LEAKAGE)
    assert outcome.score == 0
    assert "frazę „wyciek”" in outcome.message


# --- notebook_generated_figures ---------------------------------------------------------

GENERATED = {"notebook": NB, "min_figures": 3}
PNG_TEXT = base64.b64encode(bytes(range(256)) * 6).decode()
WRAPPED = "\n".join(repr(PNG_TEXT[i : i + 76]) for i in range(0, len(PNG_TEXT), 76))


def test_generated_figures_pass(tmp_path):
    cells = [md("# Slajdy"), *(code(f"show({i})", i, [image()]) for i in range(1, 4))]
    outcome = notebook_generated_figures(context(tmp_path, cells), GENERATED)
    assert outcome.score == 1
    assert "komórki kodu z wykresem w wyjściu: 3 (potrzeba 3)" in outcome.message


def test_too_few_figures_score_proportionally(tmp_path):
    cells = [code("show(1)", 1, [image("image/jpeg"), image()]), code("x = 'a' * 2000", 2)]
    outcome = notebook_generated_figures(context(tmp_path, cells), GENERATED)
    assert outcome.score == Fraction(1, 3)
    assert "dodaj wykresy" in outcome.message


@pytest.mark.parametrize(
    "pasted",
    [
        md("![wykres](attachment:wykres.png)", attachments={"wykres.png": {"image/png": "iV"}}),
        md("![wykres](ATTACHMENT:wykres.png)"),
        md('<img src="data:image/png;base64,iVBORw0KGgo=">'),
        code('Image(data="data:image/png;base64,iVBORw0KGgo=")', 4),
        code(f'Image(data=base64.b64decode("{PNG_TEXT}"))', 4),
        code(f"png = (\n{WRAPPED}\n)", 4),
        code(f'Image(b"{PNG_TEXT}")', 4),
        code(f"Image(b64decode('{PNG_TEXT}'))\nthis is not python", 4),
    ],
)
def test_pasted_image_scores_zero(tmp_path, pasted):
    cells = [*(code(f"show({i})", i, [image()]) for i in range(1, 4)), pasted]
    outcome = notebook_generated_figures(context(tmp_path, cells), GENERATED)
    assert outcome.score == 0
    assert "komórka 4 zawiera wklejony obraz" in outcome.message
    assert outcome.evidence[0].cell == 4


def test_long_prose_literal_is_not_an_image(tmp_path):
    prose = "Dane, wyniki i wnioski. " * 80
    cells = [*(code(f"show({i})", i, [image()]) for i in range(1, 4)), code(f"t = {prose!r}", 4)]
    assert notebook_generated_figures(context(tmp_path, cells), GENERATED).score == 1


# --- slides_html ------------------------------------------------------------------------

SLIDES = "zajecia_10_prezentacja/prezentacja.slides.html"


def slides(tmp_path: Path, page: str | bytes) -> Context:
    return write_files(tmp_path, {SLIDES: page})


@pytest.mark.parametrize(
    "script",
    [
        '<script src="https://cdn.jsdelivr.net/npm/reveal.js@5/dist/Reveal.js"></script>',
        "<script>/*! reveal.js 5.2.0 */ var a = 1;</script>",
        "<script>Reveal.initialize({});</script>",
    ],
)
def test_reveal_slides_pass(tmp_path, script):
    page = f'<div class="reveal slides-x"><div>{"<section>s</section>" * 5}</div></div>{script}'
    outcome = slides_html(slides(tmp_path, page), {"file": SLIDES, "min_slides": 5})
    assert outcome.score == 1, outcome.message
    assert "elementy `<section>`: 5" in outcome.message


def test_slides_without_reveal_or_enough_sections_fail(tmp_path):
    page = (
        '<div class="revealed">' + "<section>s</section>" * 4 + "</div>"
        "<script src='slides.js'>document.write('<section>x</section>')</script>"
    )
    outcome = slides_html(slides(tmp_path, page), {"file": SLIDES, "min_slides": 5})
    assert outcome.score == 0
    assert "żaden `<script>` nie ładuje reveal.js" in outcome.message
    assert "brak elementu z klasą `reveal`" in outcome.message
    assert "elementy `<section>` (slajdy): 4, potrzeba 5" in outcome.message


def test_binary_slides_raise_student_error(tmp_path):
    with pytest.raises(StudentError, match="binarnym"):
        slides_html(slides(tmp_path, b"<html>\0"), {"file": SLIDES, "min_slides": 5})
