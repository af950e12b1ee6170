"""Checks of Jupyter notebooks (``.ipynb``, read as JSON, never executed) and of their HTML
exports: the EDA notebook of class 02 and the slides of class 10.

Cells are numbered from 1 among all cells, as in messages and evidence. A notebook
*section* is a ``##`` heading of a Markdown cell and everything after it up to the next
``##`` or ``#`` heading (``###`` subsections belong to it); headings match phrases by the
rule of :mod:`grading.checks.text` (case, Polish diacritics and numbering ignored).

A *figure* (02.wykresy) is a code cell with an output with ``image/png`` or
``image/svg+xml`` data — one per cell, however many images the cell shows: the Markdown
cell after it explains that cell's figure. It counts when the code of its cell sets a
title and both axis labels, and the next cell is Markdown with at least ``min_words``
words. The calls that count, found in the cell's
syntax tree (IPython lines starting with ``%`` or ``!`` are skipped; a cell that does not
parse as Python has no labels):

* title: ``set_title(…)``, ``title(…)``, ``suptitle(…)`` (``ax.``, ``plt.``, ``fig.``…) or a
  ``title=`` argument of any call — ``df.plot(title=…)``, ``ax.set(title=…)``;
* x axis label: ``set_xlabel(…)``, ``xlabel(…)``, ``supxlabel(…)``, an ``xlabel=`` argument
  or the first label of seaborn's ``set_axis_labels(x, y)``;
* y axis label: ``set_ylabel(…)``, ``ylabel(…)``, ``supylabel(…)``, a ``ylabel=`` argument
  or the second label of ``set_axis_labels(x, y)``.

A label given as an empty string (``""``) or ``None`` does not count.

A code output *shows a number* (02.cel, 02.wyciek) when its text contains one: standard
output (``print``), ``text/plain`` of a result without an image (the text of a figure,
``<Figure size 640x480…>``, is not a result) or ``text/html`` (a table) read as text.
"""

from __future__ import annotations

import ast
import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from itertools import pairwise
from typing import Any

from markdown_it import MarkdownIt

from grading.checks.base import Context, static_check
from grading.checks.markdown import Document
from grading.checks.python_code import call_name, parse
from grading.checks.text import heading_matches, numbers, words
from grading.model import Evidence, Outcome, StudentError
from grading.polish import plural
from grading.repo_files import RepoFiles

FIGURE_TYPES = ("image/png", "image/svg+xml")
SHOWN = 5  # offending cells named in one message
_TITLE = frozenset({"set_title", "title", "suptitle"})
_XLABEL = frozenset({"set_xlabel", "xlabel", "supxlabel"})
_YLABEL = frozenset({"set_ylabel", "ylabel", "supylabel"})
_MARKUP = re.compile(r"<!--|<(/?)([A-Za-z][\w:-]*+)?([^<>]*+)>")
_ATTRIBUTE = re.compile(
    r"""(?<![\w:-])(class|src)\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s"'=<>`]++))""",
    re.IGNORECASE,
)
_RAW_END = {name: re.compile(f"</{name}", re.IGNORECASE) for name in ("script", "style")}
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]+=*")
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]+")
_LONG_LITERAL = 1000


@dataclass(frozen=True)
class Cell:
    """One notebook cell: 1-based ``number``, ``type`` (code, markdown, raw), its source
    as one string, ``execution_count`` as stored, outputs (mappings only) and whether it
    has attachments."""

    number: int
    type: str
    source: str
    execution_count: Any = None
    outputs: tuple[Mapping[str, Any], ...] = ()
    attachments: bool = False


def _joined(value: Any) -> str:
    """A notebook text field, stored either as a string or as a list of lines."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(item for item in value if isinstance(item, str))
    return ""


def read_notebook(files: RepoFiles, path: str) -> list[Cell]:
    """The cells of the notebook ``path`` (nbformat 4 JSON, read leniently: a malformed
    cell field reads as empty).

    Raises StudentError when the file is missing, binary, not JSON or not a notebook.
    """
    text = files.read_text(path)
    unreadable = f"{path} nie jest notebookiem Jupytera, którego da się odczytać"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise StudentError(
            f"{unreadable}: błąd JSON w wierszu {error.lineno} ({error.msg}) — zapisz "
            "notebook ponownie w Jupyterze po wykonaniu",
            Evidence(file=path, line=error.lineno),
        ) from None
    except RecursionError:
        raise StudentError(
            f"{unreadable}: JSON zagnieżdżony zbyt głęboko", Evidence(file=path)
        ) from None
    except ValueError as error:  # e.g. an integer of more digits than Python converts
        raise StudentError(f"{unreadable}: {str(error)[:120]}", Evidence(file=path)) from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise StudentError(
            f"{unreadable}: brak listy komórek „cells” (format nbformat 4) — zapisz notebook "
            "w Jupyterze po wykonaniu",
            Evidence(file=path),
        )
    notebook = []
    for number, cell in enumerate(cells, 1):
        cell = cell if isinstance(cell, dict) else {}
        outputs = cell.get("outputs")
        notebook.append(
            Cell(
                number,
                str(cell.get("cell_type", "")),
                _joined(cell.get("source")),
                cell.get("execution_count"),
                tuple(o for o in outputs if isinstance(o, dict))
                if isinstance(outputs, list)
                else (),
                bool(cell.get("attachments")),
            )
        )
    return notebook


def _cells(cells: Iterable[Cell]) -> str:
    numbers_ = [str(cell.number) for cell in cells]
    rest = len(numbers_) - SHOWN
    more = f" (i {plural(rest, 'inna', 'inne', 'innych')})" if rest > 0 else ""
    return ", ".join(numbers_[:SHOWN]) + more


def _these(cells: list[Cell], one: str, many: str) -> str:
    """``komórka 3 ma`` or ``komórki 3, 5 mają``: ``one`` and ``many`` hold ``{cells}``
    and the verb in the singular and the plural."""
    return (one if len(cells) == 1 else many).format(cells=_cells(cells))


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _error(output: Mapping[str, Any]) -> str | None:
    """What an error output says (``NameError: x``), None for other outputs."""
    if output.get("output_type") == "error":
        return f"{output.get('ename', 'błąd')}: {str(output.get('evalue', ''))[:80]}"
    if output.get("name") == "stderr" and "Traceback" in _joined(output.get("text")):
        return "Traceback na stderr"
    return None


@static_check("notebook_executed", required=("notebook",))
def notebook_executed(context: Context, params: Mapping[str, Any]) -> Outcome:
    """02.wykonany, 10.slajdy: the notebook was saved after running — every code cell with
    source has an integer ``execution_count``, the counts strictly increase from top to
    bottom, and no output is an error (nor a traceback on stderr)."""
    path = params["notebook"]
    cells = read_notebook(context.files, path)
    code = [cell for cell in cells if cell.type == "code" and cell.source.strip()]
    if not code:
        return Outcome.failed(f"{path} nie ma komórek kodu — zapisz notebook z kodem po wykonaniu")
    unnumbered = [cell for cell in code if not _is_count(cell.execution_count)]
    numbered = [cell for cell in code if _is_count(cell.execution_count)]
    backwards = [
        (before, after)
        for before, after in pairwise(numbered)
        if after.execution_count <= before.execution_count
    ]
    errors = [
        (cell, said)
        for cell in cells
        if cell.type == "code"
        for said in [next(filter(None, map(_error, cell.outputs)), None)]
        if said
    ]
    problems, evidence = [], []
    if unnumbered:
        problems.append(
            _these(
                unnumbered,
                "komórka kodu {cells} nie ma numeru wykonania (nie była wykonana)",
                "komórki kodu {cells} nie mają numeru wykonania (nie były wykonane)",
            )
        )
        evidence += [Evidence(file=path, cell=cell.number) for cell in unnumbered[:SHOWN]]
    if backwards:
        before, after = backwards[0]
        problems.append(
            f"numery wykonania nie rosną: komórka {after.number} ma numer "
            f"{after.execution_count} po komórce {before.number} z numerem "
            f"{before.execution_count}"
            + (f" (takich miejsc: {len(backwards)})" if len(backwards) > 1 else "")
        )
        evidence.append(Evidence(file=path, cell=after.number))
    if errors:
        cell, said = errors[0]
        problems.append(
            _these([c for c, _ in errors], "komórka {cells} ma", "komórki {cells} mają")
            + f" w wyjściu błąd (komórka {cell.number}: {said})"
        )
        evidence += [Evidence(file=path, cell=c.number, excerpt=s) for c, s in errors[:SHOWN]]
    if problems:
        return Outcome.failed(
            f"{path}: " + "; ".join(problems) + " — uruchom „Restart Kernel and Run All "
            "Cells”, popraw błędy i zapisz notebook z wynikami",
            *evidence,
        )
    return Outcome.passed(
        f"{path}: komórki kodu wykonane po kolei, bez błędów: {len(code)}",
        Evidence(file=path),
    )


@dataclass
class Section:
    """A ``##`` section of a notebook: its heading, the heading's cell, the Markdown prose
    after the heading (``(cell, text)``), its code cells and whether it has content."""

    heading: str
    cell: int
    markdown: list[tuple[int, str]] = field(default_factory=list)
    code: list[Cell] = field(default_factory=list)
    content: bool = False

    def texts(self) -> list[tuple[int, str]]:
        """Heading, prose and code of the section, each with its cell."""
        code = [(cell.number, cell.source) for cell in self.code]
        return [(self.cell, self.heading), *self.markdown, *code]

    def words(self) -> int:
        return sum(words(text) for _, text in self.markdown)


def sections(cells: list[Cell]) -> list[Section]:
    """The ``##`` sections of the notebook in order (see the module docstring)."""
    found: list[Section] = []
    current: Section | None = None
    for cell in cells:
        if cell.type != "markdown":
            if current is not None and cell.source.strip():
                current.content = True
                if cell.type == "code":
                    current.code.append(cell)
            continue
        document = Document.parse(cell.source)
        text = document.preamble.own_text
        for heading in document.headings:
            if heading.level <= 2:
                _add(current, cell, text)
                current = Section(heading.heading, cell.number) if heading.level == 2 else None
                found += [current] if current else []
                text = heading.own_text
            else:
                text += f"{heading.heading}\n{heading.own_text}"
        _add(current, cell, text)
    return found


def _add(section: Section | None, cell: Cell, text: str) -> None:
    if section is not None and text.strip():
        section.markdown.append((cell.number, text))
        section.content = True


def _prose(source: str) -> str:
    """The text of a Markdown cell without its headings."""
    document = Document.parse(source)
    return "".join(s.own_text for s in (document.preamble, *document.headings))


def _quoted(phrases: Iterable[str]) -> str:
    quoted = [f"„{phrase}”" for phrase in phrases]
    return ", ".join(quoted[:-1]) + " albo " + quoted[-1] if len(quoted) > 1 else quoted[0]


@dataclass(frozen=True)
class Tag:
    """An HTML tag: lower-case name ("" for ``<!…>``), whether it closes, its ``class``
    and ``src`` attributes, and for ``<script>``/``<style>`` what it holds."""

    name: str
    closing: bool
    attributes: dict[str, str]
    content: str = ""


def scan_html(markup: str) -> tuple[str, list[Tag]]:
    """The text HTML shows (outside tags, comments, scripts and styles; entities decoded;
    whitespace collapsed) and its tags, in one pass that stays linear on hostile input
    (``html.parser`` is quadratic on thousands of unclosed tags)."""
    text: list[str] = []
    tags: list[Tag] = []
    position = 0
    while match := _MARKUP.search(markup, position):
        text.append(markup[position : match.start()])
        if match.group() == "<!--":
            end = markup.find("-->", match.end())
            position = len(markup) if end < 0 else end + 3
            continue
        position = match.end()
        name, closing = (match.group(2) or "").lower(), bool(match.group(1))
        attributes = {
            m.group(1).lower(): html.unescape(next(g for g in m.groups()[1:] if g is not None))
            for m in _ATTRIBUTE.finditer(match.group(3))
        }
        content = ""
        if name in ("script", "style") and not closing:
            closed = _RAW_END[name].search(markup, position)
            end = closed.start() if closed else len(markup)
            content, position = markup[position:end], end
        tags.append(Tag(name, closing, attributes, content))
    text.append(markup[position:])
    return " ".join(html.unescape("".join(text)).split()), tags


def html_text(markup: str) -> str:
    """What HTML shows as text (see :func:`scan_html`)."""
    return scan_html(markup)[0]


@cache
def _inline() -> MarkdownIt:
    return MarkdownIt("commonmark")


@static_check("notebook_html", required=("notebook", "html"))
def notebook_html(context: Context, params: Mapping[str, Any]) -> Outcome:
    """02.html: the HTML file contains, as text, every ``##`` heading of the notebook
    (heading Markdown rendered, HTML tags and entities ignored, whitespace collapsed)."""
    path, export = params["notebook"], params["html"]
    found = sections(read_notebook(context.files, path))
    page = html_text(context.files.read_text(export))
    if not found:
        return Outcome.failed(
            f"{path} nie ma nagłówków `##` — brak sekcji do porównania z {export}"
        )
    missing = [s for s in found if html_text(_inline().renderInline(s.heading)) not in page]
    if missing:
        listed = "; ".join(f"„{s.heading}” (komórka {s.cell})" for s in missing[:SHOWN])
        return Outcome.failed(
            f"{export} nie zawiera nagłówków notebooka: {listed} — wyeksportuj ponownie "
            f"`jupyter nbconvert --to html {path}` po zapisaniu notebooka",
            *(Evidence(file=path, cell=s.cell, excerpt=s.heading) for s in missing[:SHOWN]),
        )
    return Outcome.passed(
        f"{export} zawiera wszystkie nagłówki `##` notebooka ({len(found)})", Evidence(file=export)
    )


@static_check("notebook_sections", required=("notebook", "sections"))
def notebook_sections(context: Context, params: Mapping[str, Any]) -> Outcome:
    """02.sekcje: the required sections in order — each counts when a ``##`` heading
    after the previous counted one matches one of its phrases and the section has content
    (a non-empty cell after the heading, or text under the heading in its own cell)."""
    path, required = params["notebook"], params["sections"]
    found = sections(read_notebook(context.files, path))
    start, counted, parts, evidence = 0, 0, [], []
    previous = ""
    for wanted in required:
        name, phrases = wanted["name"], wanted["match"]
        matching = [i for i, s in enumerate(found) if heading_matches(s.heading, phrases)]
        later = [i for i in matching if i >= start]
        full = next((i for i in later if found[i].content), None)
        if full is not None:
            counted += 1
            start, previous = full + 1, found[full].heading
            evidence.append(Evidence(file=path, cell=found[full].cell, excerpt=found[full].heading))
        elif later:
            section = found[later[0]]
            parts.append(
                f"{name}: sekcja „{section.heading}” (komórka {section.cell}) nie ma treści — "
                "dodaj pod nagłówkiem komórkę z tekstem albo kodem"
            )
        elif matching:
            section = found[matching[0]]
            parts.append(
                f"{name}: nagłówek „{section.heading}” (komórka {section.cell}) stoi przed "
                f"sekcją „{previous}” — sekcje muszą być w kolejności rubryki"
            )
        else:
            parts.append(
                f"{name}: brak nagłówka `##` z frazą {_quoted(phrases)}"
                + (f" po sekcji „{previous}”" if previous else "")
            )
    summary = f"{path}: {counted} z {len(required)} sekcji w kolejności i z treścią"
    return Outcome.share(
        counted,
        len(required),
        summary + (". Brakuje: " + "; ".join(parts) if parts else ""),
        *evidence,
    )


def _python(source: str) -> ast.Module | None:
    """The cell's code as a syntax tree without IPython ``%``/``!`` lines; None when it
    does not parse."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n")]
    try:
        return parse("\n".join(lines))
    except SyntaxError:
        return None


def _label(node: ast.expr | None) -> bool:
    """Whether an argument gives a label: anything but a missing one, ``None``, ``""``."""
    if node is None or (isinstance(node, ast.JoinedStr) and not node.values):
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(node.value.strip())
    return True


def _argument(call: ast.Call, position: int, *names: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg in names), None)


def _labels(tree: ast.Module) -> set[str]:
    """Which of ``title``, ``x``, ``y`` the code sets (calls of the module docstring)."""
    found = set()
    for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
        name = call_name(call)
        first = _argument(call, 0, "label", "t", "xlabel", "ylabel", "x_var")
        if name in _TITLE and _label(first):
            found.add("title")
        if name in _XLABEL and _label(first):
            found.add("x")
        if name in _YLABEL and _label(first):
            found.add("y")
        if name == "set_axis_labels":
            found |= {"x"} if _label(first) else set()
            found |= {"y"} if _label(_argument(call, 1, "y_var")) else set()
        for keyword in call.keywords:
            target = {"title": "title", "xlabel": "x", "ylabel": "y"}.get(keyword.arg or "")
            if target and _label(keyword.value):
                found.add(target)
    return found


def _has_figure(cell: Cell, types: tuple[str, ...] = FIGURE_TYPES) -> bool:
    """Whether a code cell has an output holding an image whose type starts with one of
    ``types``."""
    return cell.type == "code" and any(
        isinstance(data := output.get("data"), dict)
        and any(str(key).startswith(types) for key in data)
        for output in cell.outputs
    )


@static_check("notebook_figures", required=("notebook", "min_figures", "min_words"))
def notebook_figures(context: Context, params: Mapping[str, Any]) -> Outcome:
    """02.wykresy: figures — code cells with an image output, one per cell however many
    images it shows (one Markdown cell explains one cell's figures) — whose code sets a
    title and both axis labels and whose next cell is Markdown with at least
    ``min_words`` words; the score is min(1, good figures / ``min_figures``). Calls that
    count: the module docstring."""
    path, wanted, min_words = params["notebook"], params["min_figures"], params["min_words"]
    cells = read_notebook(context.files, path)
    total, good, problems = 0, 0, []
    for cell in cells:
        if not _has_figure(cell):
            continue
        total += 1
        tree = _python(cell.source)
        labels = _labels(tree) if tree else set()
        missing = [
            what
            for key, what in (("title", "tytułu"), ("x", "etykiety osi X"), ("y", "etykiety osi Y"))
            if key not in labels
        ]
        after = cells[cell.number] if cell.number < len(cells) else None
        if after is None or after.type != "markdown" or words(_prose(after.source)) < min_words:
            missing.append(
                "komórki Markdown z co najmniej "
                f"{plural(min_words, 'słowem', 'słowami', 'słowami')} zaraz po wykresie"
            )
        if missing:
            unparsed = "" if tree else " (kod komórki nie parsuje się jako Python)"
            problems.append((cell, f"komórka {cell.number}: brak {', '.join(missing)}{unparsed}"))
        else:
            good += 1
    message = (
        f"{path}: komórki z wykresem: {total}, z nich z tytułem, podpisanymi osiami i "
        f"opisem w następnej komórce: {good} (potrzeba {wanted})"
    )
    if problems:
        message += ". Do poprawy: " + "; ".join(text for _, text in problems[:8])
    elif good < wanted:
        message += " — dodaj wykresy (wywołania tytułu i osi: README zajęć 02)"
    evidence = [Evidence(file=path, cell=cell.number) for cell, _ in problems[:8]]
    return Outcome.share(good, wanted, message, *evidence)


def _output_text(output: Mapping[str, Any]) -> str:
    """The text of an output that can show a number (see the module docstring)."""
    if output.get("output_type") == "stream":
        return _joined(output.get("text")) if output.get("name") == "stdout" else ""
    data = output.get("data")
    if not isinstance(data, dict):
        return ""
    has_image = any(str(key).startswith("image/") for key in data)
    plain = "" if has_image else _joined(data.get("text/plain"))
    return plain + " " + html_text(_joined(data.get("text/html")))


def _numbered_output(section: Section) -> Cell | None:
    """The first code cell of the section with an output showing a number."""
    for cell in section.code:
        if any(numbers(_output_text(output)) for output in cell.outputs):
            return cell
    return None


def _section(context: Context, path: str, phrases: list[str]) -> Section | Outcome:
    """The first ``##`` section whose heading matches, or the failed outcome saying so."""
    found = sections(read_notebook(context.files, path))
    match = next((s for s in found if heading_matches(s.heading, phrases)), None)
    return match or Outcome.failed(
        f"{path}: brak sekcji z nagłówkiem `##` zawierającym frazę {_quoted(phrases)}",
        Evidence(file=path),
    )


@static_check("notebook_target", required=("notebook", "target", "section", "min_words"))
def notebook_target(context: Context, params: Mapping[str, Any]) -> Outcome:
    """02.cel: in the first ``##`` section matching ``section``, 1/2 for the target's
    definition in its Markdown or code (all whitespace ignored), 1/2 for a code output
    showing a number together with at least ``min_words`` words of Markdown."""
    path, target, min_words = params["notebook"], params["target"], params["min_words"]
    section = _section(context, path, params["section"])
    if isinstance(section, Outcome):
        return section
    squeezed = "".join(str(target).split())
    where = next(
        (cell for cell, text in section.texts() if squeezed in "".join(text.split())), None
    )
    shown, said = _numbered_output(section), section.words()
    name = f"sekcja „{section.heading}” (komórka {section.cell})"
    parts = [
        f"definicja celu `{target}` w komórce {where}"
        if where is not None
        else f"{name} nie zawiera definicji celu `{target}` — zapisz ją w tekście albo kodzie",
        f"wyjście kodu z liczbą w komórce {shown.number}"
        if shown
        else "brak wyjścia kodu z liczbą — policz cel w komórce kodu tej sekcji i zapisz wynik",
        f"{plural(said, 'słowo', 'słowa', 'słów')} uzasadnienia"
        + (
            "" if said >= min_words else f" — potrzeba co najmniej {min_words}, dopisz uzasadnienie"
        ),
    ]
    score = Fraction(where is not None, 2) + Fraction(shown is not None and said >= min_words, 2)
    evidence = [Evidence(file=path, cell=where or section.cell, excerpt=section.heading)]
    return Outcome(score, f"{path}, {name}: " + "; ".join(parts), tuple(evidence))


@static_check("notebook_leakage", required=("notebook", "columns", "section"))
def notebook_leakage(context: Context, params: Mapping[str, Any]) -> Outcome:
    """02.wyciek: in the first ``##`` section matching ``section``, 1/2 × the share of
    ``columns`` named in its Markdown or code as whole identifiers, and 1/2 for a code
    output showing a number."""
    path, columns = params["notebook"], [str(c) for c in params["columns"]]
    section = _section(context, path, params["section"])
    if isinstance(section, Outcome):
        return section
    text = "\n".join(text for _, text in section.texts())
    named = [c for c in columns if re.search(rf"(?<!\w){re.escape(c)}(?!\w)", text)]
    missing = [c for c in columns if c not in named]
    shown = _numbered_output(section)
    name = f"sekcja „{section.heading}” (komórka {section.cell})"
    parts = [
        f"wymienione kolumny: {len(named)} z {len(columns)}"
        + (f" — brakuje {', '.join(f'`{c}`' for c in missing)}" if missing else ""),
        f"wyjście kodu z liczbą w komórce {shown.number}"
        if shown
        else "brak wyjścia kodu z liczbą — pokaż w tej sekcji wynik obliczenia (np. AUC kolumn)",
    ]
    share = Fraction(len(named), 2 * len(columns)) if columns else Fraction(0)
    score = share + Fraction(shown is not None, 2)
    return Outcome(
        score, f"{path}, {name}: " + "; ".join(parts), (Evidence(file=path, cell=section.cell),)
    )


def _embedded_image(source: str) -> bool:
    """Whether code carries an image in its text: ``data:image`` or a string literal of
    more than 1000 base64 characters (a run of them when the code does not parse)."""
    if "data:image" in source.lower():
        return True
    tree = _python(source)
    if tree is None:
        return any(len(run) > _LONG_LITERAL for run in _BASE64_RUN.findall(source))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
            value = node.value if isinstance(node.value, str) else node.value.decode("latin-1")
            squeezed = "".join(value.split())
            if len(squeezed) > _LONG_LITERAL and _BASE64.fullmatch(squeezed):
                return True
    return False


def _pasted(cell: Cell) -> bool:
    if cell.type == "markdown":
        source = cell.source.lower()
        return cell.attachments or "attachment:" in source or "data:image" in source
    return cell.type == "code" and _embedded_image(cell.source)


@static_check("notebook_generated_figures", required=("notebook", "min_figures"))
def notebook_generated_figures(context: Context, params: Mapping[str, Any]) -> Outcome:
    """10.wykresy: at least ``min_figures`` code cells with an image output, none pasted:
    0 when a Markdown cell has an attachment (``attachments``, ``attachment:``,
    ``data:image``) or code holds an image as text; else min(1, figures / ``min_figures``)."""
    path, wanted = params["notebook"], params["min_figures"]
    cells = read_notebook(context.files, path)
    pasted = [cell for cell in cells if _pasted(cell)]
    if pasted:
        return Outcome.failed(
            f"{path}: "
            + _these(pasted, "komórka {cells} zawiera", "komórki {cells} zawierają")
            + " wklejony obraz (załącznik Markdown, `data:image` albo obraz zakodowany "
            "w kodzie) — usuń go i rysuj wykres kodem z artefaktów projektu",
            *(Evidence(file=path, cell=cell.number) for cell in pasted[:SHOWN]),
        )
    figures = [c for c in cells if _has_figure(c, ("image/",))]
    message = f"{path}: komórki kodu z wykresem w wyjściu: {len(figures)} (potrzeba {wanted})"
    if len(figures) < wanted:
        message += (
            " — dodaj wykresy rysowane w notebooku z artefaktów projektu i zapisz go po wykonaniu"
        )
    return Outcome.share(
        len(figures), wanted, message, *(Evidence(file=path, cell=c.number) for c in figures)
    )


@static_check("slides_html", required=("file", "min_slides"))
def slides_html(context: Context, params: Mapping[str, Any]) -> Outcome:
    """10.slajdy_html: the HTML loads reveal.js — a ``<script>`` whose ``src`` or content
    mentions "reveal" and an element of class ``reveal`` — and has at least
    ``min_slides`` ``<section>`` elements."""
    path, wanted = params["file"], params["min_slides"]
    _, tags = scan_html(context.files.read_text(path))
    opening = [tag for tag in tags if not tag.closing]
    slides = sum(1 for tag in opening if tag.name == "section")
    problems = []
    if not any(
        "reveal" in (tag.attributes.get("src", "") + tag.content).lower()
        for tag in opening
        if tag.name == "script"
    ):
        problems.append("żaden `<script>` nie ładuje reveal.js")
    if not any("reveal" in tag.attributes.get("class", "").split() for tag in opening):
        problems.append("brak elementu z klasą `reveal`")
    if slides < wanted:
        problems.append(f"elementy `<section>` (slajdy): {slides}, potrzeba {wanted}")
    if problems:
        return Outcome.failed(
            f"{path}: " + "; ".join(problems) + " — wyeksportuj slajdy poleceniem "
            "`jupyter nbconvert --to slides` z notebooka prezentacji",
            Evidence(file=path),
        )
    return Outcome.passed(
        f"{path}: slajdy reveal.js, elementy `<section>`: {slides}", Evidence(file=path)
    )
