"""Normalising text into tokens and fingerprinting it into shingles.

Python (notebook cells, DAGs, modules) is read line by line by a lexer that drops
comments and replaces every name by one symbol — except keywords, builtins and attribute
names after a dot (``df.groupby``: the library's API) — so renaming variables, functions
and modules does not hide a copy (as MOSS and JPlag do); strings and numbers stay, and a
line of a multi-line string is one token. Notebook magics (``%…``, ``!…``) are dropped.
Dockerfiles and compose files lose their comments, Markdown its HTML comments; documents
and Docker files become lower-case words without diacritics
(:func:`grading.checks.text.normalize`). A line is normalised from its own text and the
string left open by the line before it, so each distinct line is normalised once for the
whole batch: most lines of a repository are the starter's and so the reference's.

A file's tokens, one stream, become k-gram shingles (:func:`shingles_of`): every run of
``k`` consecutive tokens, ``k`` by language (:data:`SHINGLE_TOKENS`), is one shingle.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from grading.checks.text import normalize

# Tokens per shingle, by language. Code tokens are short (``(``, ``V``, ``.``): 10 of them
# are about one line, enough that common idioms alone rarely match. Words carry more: 6
# consecutive words shared by chance are rare in prose.
SHINGLE_TOKENS = {"python": 10, "docker": 6, "prose": 6}

_PYTHON_TOKEN = re.compile(
    r"""(?P<comment>\#.*+)
    |(?P<string>[rRbBuUfF]{0,2}
        (?:'''(?:[^'\\]|\\.|'(?!''))*+(?:'''|\Z)
        |\"\"\"(?:[^"\\]|\\.|"(?!""))*+(?:\"\"\"|\Z)
        |'(?:[^'\\]|\\.)*+(?:'|\Z)
        |"(?:[^"\\]|\\.)*+(?:"|\Z)))
    |(?P<name>[^\W\d]\w*+)
    |(?P<number>\d[\w.]*+)
    |(?P<op>[^\w\s])""",
    re.VERBOSE,
)
# The rest of a multi-line string, up to and including its closing quotes.
_STRING_END = {
    "'''": re.compile(r"(?:[^'\\]|\\.|'(?!''))*+'''"),
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*+"""'),
}
_KEPT_NAMES = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
_NAME = "V"
_SHELL_COMMENT = re.compile(r"(?:^|(?<=\s))#.*$")
_HTML_COMMENT = re.compile(r"<!--(?:[^-]|-(?!->))*+(?:-->|\Z)")


@dataclass(frozen=True)
class Line:
    """One normalised line: its ``tokens``, the same joined by spaces (``text``, what a
    reference line is matched on), and the triple quote still open after it (``open``,
    empty when none)."""

    text: str
    tokens: tuple[str, ...]
    open: str = ""


class Reader:
    """Reads the files of one batch into normalised lines. Each distinct line (with the
    string open before it) is normalised once, and each distinct file text once per
    language: a batch's repositories share most of their lines and many whole files."""

    def __init__(self) -> None:
        self._lines: dict[tuple[str, str, str], Line] = {}
        self.shingles: dict[tuple[str, str], frozenset[int]] = {}

    def lines(self, text: str, language: str) -> list[Line]:
        """The non-empty normalised lines of ``text`` in ``language``."""
        if language == "prose":
            text = _HTML_COMMENT.sub("", text)
        found, open_string = [], ""
        for raw in text.splitlines():
            key = (language, open_string, raw.strip())
            line = self._lines.get(key)
            if line is None:
                line = self._lines[key] = _normalised(*key)
            open_string = line.open
            if line.tokens:
                found.append(line)
        return found


def _normalised(language: str, open_string: str, line: str) -> Line:
    if language == "python":
        return python_line(line, open_string)
    if language == "docker":
        line = _SHELL_COMMENT.sub("", line)
    tokens = tuple(normalize(line).split())
    return Line(" ".join(tokens), tokens)


def python_line(line: str, open_string: str = "") -> Line:
    """The tokens of one line of Python, ``open_string`` being the triple quote a line
    before left open: comments dropped, every name but keywords, builtins and attribute
    names replaced by one symbol, a string's whitespace collapsed. The lexer never fails:
    what is not Python is still tokens."""
    tokens: list[str] = []
    position = 0
    if open_string:
        end = _STRING_END[open_string].match(line)
        if end is None:
            text = " ".join(line.split())
            return Line(text, (text,) if text else (), open_string)
        tokens.append(" ".join(end.group().split()))
        position, open_string = end.end(), ""
    for match in _PYTHON_TOKEN.finditer(line, position):
        kind, token = match.lastgroup, match.group()
        if kind == "comment":
            break
        if kind == "string":
            body = token.lstrip("rRbBuUfF")
            quote = body[:3] if body[:3] in _STRING_END else ""
            if quote and (len(body) < 6 or not body.endswith(quote)):
                open_string = quote
            token = " ".join(token.split())
        elif kind == "name" and token not in _KEPT_NAMES and (not tokens or tokens[-1] != "."):
            token = _NAME
        tokens.append(token)
    return Line(" ".join(tokens), tuple(tokens), open_string)


def shingles_of(tokens: Sequence[str], language: str) -> Iterator[int]:
    """The shingles of ``tokens`` in ``language``: a hash of each run of
    ``SHINGLE_TOKENS[language]`` consecutive tokens, none when there are fewer."""
    # Python's own hash of each k-tuple (one process computes every set it compares);
    # zip builds the tuples in C and stops at the shortest, the last k-tuple.
    shifted = (tokens[start:] for start in range(SHINGLE_TOKENS[language]))
    return map(hash, zip(*shifted, strict=False))
