"""Markdown read as structure (CommonMark with tables, markdown-it-py): headings, the
sections they open, their tables and images. Shared by the document and notebook checks.

A section is a heading and everything up to the next heading of the same or a higher
level, so a ``##`` section includes its ``###`` subsections. Text inside code blocks is
never a heading.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from grading.checks.text import heading_matches


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


@dataclass(frozen=True)
class Table:
    """A Markdown table: header cells and body rows, as plain text; ``line`` is 1-based."""

    header: list[str]
    rows: list[list[str]]
    line: int


@dataclass
class Section:
    """A heading (level 1–6, text without ``#``, 1-based line) and the content under it,
    subsections included: ``text`` is its prose (paragraphs, lists, table cells, code)
    without the headings; ``own_*`` hold what comes before its first subheading."""

    level: int
    heading: str
    line: int
    own_text: str = ""
    own_tables: list[Table] = field(default_factory=list)
    own_images: list[str] = field(default_factory=list)
    text: str = ""
    tables: list[Table] = field(default_factory=list)
    images: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Document:
    """A Markdown text split at its headings; ``preamble`` is what comes before the first."""

    preamble: Section
    headings: list[Section]

    @classmethod
    def parse(cls, text: str) -> Document:
        tokens = _parser().parse(text)
        preamble = Section(0, "", 1)
        flat: list[Section] = []
        current = preamble
        table: dict | None = None
        for index, token in enumerate(tokens):
            if token.type == "heading_open":
                inline = tokens[index + 1]
                current = Section(int(token.tag[1]), inline.content, token.map[0] + 1)
                flat.append(current)
            elif token.type == "table_open":
                table = {"header": [], "rows": [], "line": token.map[0] + 1, "in_head": False}
            elif token.type == "thead_open" and table is not None:
                table["in_head"] = True
            elif token.type == "thead_close" and table is not None:
                table["in_head"] = False
            elif token.type == "tr_open" and table is not None and not table["in_head"]:
                table["rows"].append([])
            elif token.type == "table_close" and table is not None:
                current.own_tables.append(Table(table["header"], table["rows"], table["line"]))
                table = None
            elif token.type == "inline" and tokens[index - 1].type != "heading_open":
                if table is not None:
                    cells = table["header"] if table["in_head"] else table["rows"][-1]
                    cells.append(token.content.strip())
                current.own_text += token.content + "\n"
                current.own_images += _images(token.children or [])
            elif token.type in ("fence", "code_block"):
                current.own_text += token.content + "\n"
        for section in (preamble, *flat):
            _nest(section, flat)
        return cls(preamble, flat)

    def find(self, phrases: Iterable[str], level: int | None = None) -> Section | None:
        """The first section whose heading matches one of ``phrases`` (the rule of
        :func:`grading.checks.text.heading_matches`), optionally at ``level`` only."""
        phrases = list(phrases)
        for section in self.headings:
            if (level is None or section.level == level) and heading_matches(
                section.heading, phrases
            ):
                return section
        return None

    @property
    def tables(self) -> list[Table]:
        return [t for s in (self.preamble, *self.headings) for t in s.own_tables]

    @property
    def images(self) -> list[str]:
        return [i for s in (self.preamble, *self.headings) for i in s.own_images]


def _images(children: list[Token]) -> list[str]:
    return [str(child.attrs.get("src", "")) for child in children if child.type == "image"]


def _nest(section: Section, flat: list[Section]) -> None:
    """Fill ``text``, ``tables`` and ``images`` of ``section`` with its own content and
    that of its subsections (the following headings of a deeper level)."""
    inner = [section]
    if section.level:
        after = flat[flat.index(section) + 1 :]
        for other in after:
            if other.level <= section.level:
                break
            inner.append(other)
    section.text = "".join(s.own_text for s in inner)
    section.tables = [t for s in inner for t in s.own_tables]
    section.images = [i for s in inner for i in s.own_images]
