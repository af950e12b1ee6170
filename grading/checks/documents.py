"""Checks of Markdown documents: required sections, terms and tables, images saved in the
repository, reports of retraining decisions.

They grade the business goal (class 01), the model card (05), the retraining decisions
(09), the final report (10) and the retrospective (11). Headings match by the rule of
:mod:`grading.checks.text` (case, Polish diacritics, numbering and punctuation ignored); a
term is found the same way, at the start of a word, so ``challenger`` is found in
``challengera``.
"""

from __future__ import annotations

import glob
import posixpath
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from grading.checks.base import Context, static_check
from grading.checks.markdown import Document, Section
from grading.checks.text import heading_matches, normalize, numbers, words
from grading.model import Evidence, Outcome, StudentError
from grading.polish import plural
from grading.repo_files import RepoFiles

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_LISTED = 10


def contains(text: str, phrase: str) -> bool:
    """Whether ``phrase`` starts at a word of ``text``, both normalised (case, diacritics,
    punctuation and whitespace ignored)."""
    wanted = normalize(phrase)
    return bool(wanted) and f" {wanted}" in f" {normalize(text)}"


def _alternatives(phrases: list[str]) -> str:
    quoted = [f"„{phrase}”" for phrase in phrases]
    return " albo ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)


def _listed(items: list[str]) -> str:
    """Items as Markdown list lines, at most :data:`MAX_LISTED` of them."""
    shown = items[:MAX_LISTED]
    if len(items) > MAX_LISTED:
        shown.append(f"… pominięte pozycje: {len(items) - MAX_LISTED}")
    return "".join(f"\n- {item}" for item in shown)


@static_check("markdown_sections", required=("file", "sections", "min_words"))
def markdown_sections(context: Context, params: Mapping[str, Any]) -> Outcome:
    """Rubric 01.cel_biznesowy, 05.karta, 10.raport, 11.raport: a section counts when a
    heading matches one of its phrases and its text (subsections included) has at least
    ``min_words`` words and, when the section sets ``min_numbers``, that many numbers;
    the score is the share of sections that count."""
    path, min_words = params["file"], params["min_words"]
    document = Document.parse(context.files.read_text(path))
    found, fixes, evidence = [], [], []
    for spec in params["sections"]:
        name, phrases, min_numbers = spec["name"], spec["match"], spec.get("min_numbers", 0)
        candidates = [s for s in document.headings if heading_matches(s.heading, phrases)]
        good = [
            s
            for s in candidates
            if words(s.text) >= min_words and len(numbers(s.text)) >= min_numbers
        ]
        if good:
            found.append(f"{name} (linia {good[0].line})")
            evidence.append(Evidence(file=path, line=good[0].line, excerpt=good[0].heading))
        elif not candidates:
            fixes.append(
                f"„{name}”: brak nagłówka z frazą {_alternatives(phrases)} — dodaj sekcję "
                f"z co najmniej {plural(min_words, 'słowem', 'słowami', 'słowami')} treści"
                + (
                    f" i {plural(min_numbers, 'liczbą', 'liczbami', 'liczbami')}"
                    if min_numbers
                    else ""
                )
            )
        else:
            fixes.append(_too_short(name, candidates, min_words, min_numbers))
    total = len(params["sections"])
    if not fixes:
        return Outcome.passed(f"{path}: wszystkie sekcje z treścią: {', '.join(found)}", *evidence)
    return Outcome.share(
        len(found),
        total,
        f"{path}: sekcje z treścią {len(found)} z {total}"
        + (f" ({', '.join(found)})" if found else "")
        + ". Do poprawy:\n"
        + "\n".join(f"- {fix}" for fix in fixes),
        *(evidence or [Evidence(file=path)]),
    )


def _too_short(name: str, candidates: list[Section], min_words: int, min_numbers: int) -> str:
    best = max(candidates, key=lambda s: (words(s.text), len(numbers(s.text))))
    lacks = []
    if words(best.text) < min_words:
        lacks.append(f"słów treści {words(best.text)}, potrzeba co najmniej {min_words}")
    if len(numbers(best.text)) < min_numbers:
        lacks.append(
            f"liczb {len(numbers(best.text))}, potrzeba co najmniej {min_numbers} "
            "(np. wartość docelowa i punkt odniesienia)"
        )
    return f"„{name}” — sekcja „{best.heading}” (linia {best.line}): {'; '.join(lacks)}"


@static_check("markdown_terms", required=("file", "terms", "table"))
def markdown_terms(context: Context, params: Mapping[str, Any]) -> Outcome:
    """Rubric 05.karta_metryki: an equal share for a Markdown table (when ``table``) and
    for each term written in the document (case and whitespace ignored)."""
    path = params["file"]
    text = context.files.read_text(path)
    missing = [f"nazwa „{term}”" for term in params["terms"] if not contains(text, term)]
    parts = len(params["terms"])
    if params["table"]:
        parts += 1
        if not Document.parse(text).tables:
            missing.insert(0, "tabela Markdown (wiersz nagłówka i wiersz `|---|`)")
    if not missing:
        table = "jest tabela Markdown i " if params["table"] else ""
        return Outcome.passed(
            f"{path}: {table}są nazwy {', '.join(params['terms'])}", Evidence(file=path)
        )
    return Outcome.share(
        parts - len(missing),
        parts,
        f"{path}: brakuje: {', '.join(missing)} — dopisz je do dokumentu",
        Evidence(file=path),
    )


@static_check("markdown_images", required=("file", "min_images"))
def markdown_images(context: Context, params: Mapping[str, Any]) -> Outcome:
    """Rubric 05.karta_wykresy: images ``![…](path)`` whose path, relative to the
    document's folder, is a PNG or SVG file in the repository (a URL does not count; each
    file counts once); the score is min(1, good images / ``min_images``)."""
    path, wanted = params["file"], params["min_images"]
    document = Document.parse(context.files.read_text(path))
    folder = posixpath.dirname(path)
    good: list[str] = []
    bad: list[str] = []
    for source in dict.fromkeys(document.images):
        target, problem = _image_file(context.files, folder, source)
        if problem:
            bad.append(f"`{source}`: {problem}")
        elif target not in good:
            good.append(target)
    message = f"{path}: obrazy zapisane w repozytorium: {len(good)} (potrzeba {wanted})"
    if bad:
        message += ". Nie liczą się:" + _listed(bad)
    if len(good) < wanted:
        message += (
            f"\nDodaj wykresy jako pliki PNG lub SVG w repozytorium i wstaw je do {path} "
            "jako `![opis](ścieżka względem pliku)`"
        )
    return Outcome.share(
        len(good), wanted, message, Evidence(file=path), *(Evidence(file=g) for g in good)
    )


def _image_file(files: RepoFiles, folder: str, source: str) -> tuple[str, str]:
    """The repository path of an image and, when it does not count, why."""
    parts = urlsplit(source)
    if parts.scheme or parts.netloc:
        return "", "to adres URL, a obraz ma być plikiem w repozytorium"
    target = unquote(parts.path)
    if not target or target.startswith("/"):
        return "", "potrzebna ścieżka względna wobec folderu dokumentu"
    target = posixpath.normpath(posixpath.join(folder, target))
    try:
        data = files.read_bytes(target)
    except StudentError as error:
        return target, error.message
    if data.startswith(PNG_SIGNATURE) or b"<svg" in data.lower():
        return target, ""
    return target, f"{target} nie jest obrazem PNG ani SVG"


@static_check("decision_reports", required=("folder", "terms", "decisions"))
def decision_reports(context: Context, params: Mapping[str, Any]) -> Outcome:
    """Rubric 09.decyzje: at least one Markdown report (``*.md``) in ``folder`` has every
    term, a Markdown table and one of the decision words."""
    folder = posixpath.normpath(params["folder"])
    context.files.path(folder)  # raises StudentError for a path leaving the repository
    if not context.files.is_dir(folder):
        return Outcome.failed(
            f"brak folderu {folder} — zapisz w nim raporty decyzji (pliki .md)",
            Evidence(file=folder),
        )
    reports = context.files.glob(f"{glob.escape(folder)}/*.md")
    if not reports:
        return Outcome.failed(
            f"w {folder} nie ma raportów Markdown (*.md) — zapisz tam raport decyzji",
            Evidence(file=folder),
        )
    gaps = []
    for report in reports:
        lacks, decision = _report_lacks(context.files, report, params)
        if not lacks:
            return Outcome.passed(
                f"{report}: są słowa {', '.join(params['terms'])}, tabela Markdown "
                f"i decyzja „{decision}”",
                Evidence(file=report),
            )
        gaps.append(f"{report}: brak {', '.join(lacks)}")
    return Outcome.failed(
        f"żaden raport w {folder} nie ma wszystkiego, czego potrzeba (słowa "
        f"{', '.join(params['terms'])}, tabela, decyzja {_alternatives(params['decisions'])}):"
        + _listed(gaps),
        *(Evidence(file=report) for report in reports[:MAX_LISTED]),
    )


def _report_lacks(
    files: RepoFiles, report: str, params: Mapping[str, Any]
) -> tuple[list[str], str]:
    """What a report lacks and the decision word it names."""
    try:
        text = files.read_text(report)
    except StudentError as error:
        return [f"czytelnej treści ({error.message})"], ""
    lacks = [f"słowa „{term}”" for term in params["terms"] if not contains(text, term)]
    if not Document.parse(text).tables:
        lacks.append("tabeli Markdown")
    decision = next((d for d in params["decisions"] if contains(text, d)), "")
    if not decision:
        lacks.append(f"decyzji ({_alternatives(params['decisions'])})")
    return lacks, decision
