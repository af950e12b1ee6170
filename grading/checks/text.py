"""Text rules shared by the Markdown and notebook checks: how a heading matches, what
counts as a word and as a number.

Heading rule (the README tables cite it): a heading matches a phrase when, after
normalising both, the phrase's words match consecutive words of the heading. Polish
inflects, so two words match when they differ only in their endings: they share a
beginning of at least 3 letters that the phrase's word extends by at most 2 letters and
the heading's word by at most 3 — ``dryf`` matches ``dryfu``, ``zmienna celu`` matches
``zmiennej celu``, ``wnioski`` matches ``Wniosek``, but ``cel`` does not match
``Celsjusza`` nor ``próg`` ``Problem``. Numbers must be equal (``sprint 1`` is not ``Sprint
10``). Normalising ignores case, Polish diacritics (``ą`` = ``a``, ``ł`` = ``l``…),
leading numbering (``3.``, ``3)``, ``III.``, ``3.1``) and punctuation — so ``## 3)
ZMIENNA CELU:`` and ``## Zmienna celu`` both match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# NFKD splits most Polish letters into a base letter and a combining mark; ł does not split.
_NOT_DECOMPOSED = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss"})
_NUMBERING = re.compile(r"^[#\s]*(?:\d{1,2}(?:\.\d+)*[.):]?|\d+(?:\.\d+)*[.):]|[ivxlc]+[.)])\s+")
_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:[ \u00a0]\d{3})*(?:[.,]\d+)?%?")
_PLACEHOLDERS = frozenset({"todo", "tbd", "xxx", "lorem", "ipsum", "uzupelnij", "tu", "wpisz"})


def normalize(text: str) -> str:
    """Lower case, no diacritics, no leading numbering, punctuation as spaces."""
    text = unicodedata.normalize("NFKD", text.translate(_NOT_DECOMPOSED).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NUMBERING.sub("", text.strip())
    return " ".join(_WORD.findall(text))


def heading_matches(heading: str, phrases: Iterable[str]) -> bool:
    """Whether the words of one of ``phrases`` begin consecutive words of ``heading``."""
    found = normalize(heading).split()
    for phrase in phrases:
        wanted = normalize(phrase).split()
        for start in range(len(found) - len(wanted) + 1):
            window = found[start : start + len(wanted)]
            if wanted and all(_begins(w, p) for w, p in zip(window, wanted, strict=True)):
                return True
    return False


def _begins(word: str, part: str) -> bool:
    """Whether heading word ``word`` is phrase word ``part`` with another ending."""
    if word == part:
        return True
    if word.isdigit() or part.isdigit():
        return False
    pairs = zip(word, part, strict=False)
    shared = next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(word), len(part)))
    return shared >= max(3, len(part) - 2) and len(word) - shared <= 3


def words(text: str) -> int:
    """Words of real content: placeholder words (TODO, TBD, lorem ipsum…) do not count."""
    return sum(1 for word in _WORD.findall(text) if normalize(word) not in _PLACEHOLDERS)


def numbers(text: str) -> list[str]:
    """The numbers written in ``text`` (``12``, ``0,87``, ``1 234``, ``-3.5``, ``25%``)."""
    return _NUMBER.findall(text)
