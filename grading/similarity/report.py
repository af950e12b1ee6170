"""The instructor's outputs (Polish): every pair in a CSV file, the pairs to check in a
Markdown report, and one line for the terminal."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from grading.polish import pl, plural
from grading.similarity.categories import CATEGORIES, Category
from grading.similarity.model import MIN_SHINGLES, Pair, Repository, Similarity

CSV_FILE = "podobienstwo.csv"
MARKDOWN_FILE = "podobienstwo.md"
# The Markdown file lists the pairs to check and then this many of the highest others.
CLOSEST_SHOWN = 10


def as_csv(similarity: Similarity) -> str:
    """One row per pair, in the order of :attr:`Similarity.pairs`; scores with a decimal
    point and 3 decimals (empty: not compared); Polish column names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            *("repozytorium_a", "repozytorium_b", "do_sprawdzenia", "ogolem"),
            *(c.column for c in CATEGORIES),
            *("wspolne_dowody", "uwagi"),
        ]
    )
    notes = {r.name: "; ".join(r.notes) for r in similarity.repositories}
    for pair in similarity.pairs:
        writer.writerow(
            [
                pair.a,
                pair.b,
                "tak" if pair.flagged else "nie",
                _machine(pair.overall),
                *(_machine(pair.scores[c.id]) for c in CATEGORIES),
                "; ".join(pair.evidence),
                "; ".join(f"{n}: {notes[n]}" for n in (pair.a, pair.b) if notes[n]),
            ]
        )
    return buffer.getvalue()


def _machine(score: float | None) -> str:
    return "" if score is None else f"{score:.3f}"


def _shown(score: float | None, threshold: float) -> str:
    if score is None:
        return "—"
    text = pl(Decimal(f"{score:.2f}"))
    return f"**{text}**" if score >= threshold else text


def as_markdown(similarity: Similarity) -> str:
    """The instructor's report (Polish): what was compared and what a score means, the
    pairs to check, the closest others, and what was read in each repository."""
    flagged = [p for p in similarity.pairs if p.flagged]
    others = [p for p in similarity.pairs if not p.flagged and p.overall is not None]
    count = plural(len(similarity.repositories), "repozytorium", "repozytoria", "repozytoriów")
    out = [f"# Podobieństwo prac — {count}", ""]
    out += [_explanation(similarity), ""]
    if similarity.reference.empty:
        out += [
            f"> **Uwaga:** we wzorcu `{similarity.reference.root}` nie ma plików zajęć — nic "
            "nie zostało odjęte, więc tekst startowy też się liczy. Podaj `--reference`.",
            "",
        ]
    out += [f"## Do sprawdzenia ({len(flagged)} z {len(similarity.pairs)} par)", ""]
    out += _pair_table(flagged, similarity.threshold) if flagged else ["Żadna para.", ""]
    if others:
        out += ["## Najbliższe pozostałe pary", ""]
        out += _pair_table(others[:CLOSEST_SHOWN], similarity.threshold)
    out += ["## Co porównano w repozytoriach", ""]
    out += [
        "Liczba plików kategorii / własnych fragmentów (k-gramów po odjęciu wzorca); "
        f"przy mniej niż {MIN_SHINGLES} fragmentach kategoria nie jest porównywana.",
        "",
        "| Repozytorium | " + " | ".join(c.label for c in CATEGORIES) + " | Uwagi |",
        "|---|" + "---:|" * len(CATEGORIES) + "---|",
    ]
    for repository in similarity.repositories:
        cells = [_read_cell(repository, c) for c in CATEGORIES]
        notes = _cell("; ".join(repository.notes))
        out.append(f"| {_cell(repository.name)} | " + " | ".join(cells) + f" | {notes} |")
    out.append("")
    return "\n".join(out)


def _cell(text: str) -> str:
    """``text`` safe in a Markdown table cell (a folder name may hold a ``|``)."""
    return text.replace("|", "\\|")


def _read_cell(repository: Repository, category: Category) -> str:
    files = repository.files.get(category.id, 0)
    if not files:
        return "—"
    own = len(repository.shingles.get(category.id, ()))
    return f"{files} / {own}" + ("" if repository.compared(category.id) else " (za mało)")


def _explanation(similarity: Similarity) -> str:
    threshold = pl(Decimal(str(similarity.threshold)))
    return (
        "Porównany jest tekst, który napisali studenci: kod komórek notebooków, DAG-i, "
        "moduły Pythona z folderów zajęć, Dockerfile i pliki compose oraz dokumenty "
        f"Markdown. Najpierw odjęty jest tekst wzorca (`{similarity.reference.root}`): "
        "wiersze i fragmenty, które są też we wzorcu — a więc w repozytorium startowym — "
        "się nie liczą. Wynik kategorii to miara Jaccarda: jaka część wszystkich "
        "fragmentów (po kilka kolejnych słów albo tokenów kodu, z własnymi nazwami "
        "zmiennych zastąpionymi jednym symbolem) występuje w obu pracach — 0 to nic "
        "wspólnego, 1 to te same fragmenty; „ogółem” łączy kategorie ważone ich "
        f"rozmiarem. Para jest do sprawdzenia, gdy wynik którejś kategorii ≥ {threshold} "
        "albo gdy obie prace mają te same wygenerowane dowody (tę samą sumę SHA-256 "
        "modelu albo większość tych samych dokładnych liczb w raporcie tego samego "
        "rodzaju), inne niż wzorca. **Wysoki wynik to powód, żeby zajrzeć do obu prac, "
        "a nie werdykt**: wspólny fragment może pochodzić z dokumentacji biblioteki, "
        "z materiałów spoza wzorca albo z dozwolonej współpracy; niski wynik nie dowodzi "
        "samodzielności (tekst przepisany innymi słowami go obniża). Wszystkie pary są "
        f"w `{CSV_FILE}`."
    )


def _pair_table(pairs: list[Pair], threshold: float) -> list[str]:
    lines = [
        "| Para | Ogółem | " + " | ".join(c.label for c in CATEGORIES) + " | Te same dowody |",
        "|---|---:|" + "---:|" * len(CATEGORIES) + "---|",
    ]
    for pair in pairs:
        scores = " | ".join(_shown(pair.scores[c.id], threshold) for c in CATEGORIES)
        evidence = _cell("; ".join(pair.evidence)) or "—"
        names = f"{_cell(pair.a)} – {_cell(pair.b)}"
        lines.append(f"| {names} | {_shown(pair.overall, threshold)} | {scores} | {evidence} |")
    return [*lines, ""]


def summary(similarity: Similarity) -> str:
    """One line for the terminal (Polish)."""
    flagged = [p for p in similarity.pairs if p.flagged]
    line = (
        f"Podobieństwo: {plural(len(similarity.pairs), 'para', 'pary', 'par')}, "
        f"do sprawdzenia: {len(flagged)}"
    )
    if flagged:
        top = flagged[0]
        line += f" (pierwsza: {top.a} – {top.b}, {pl(Decimal(f'{top.top:.2f}'))})"
    evidence = sum(1 for p in similarity.pairs if p.evidence)
    took = pl(Decimal(f"{similarity.seconds:.1f}"))
    return line + f"; te same dowody: {evidence}; {took} s"
