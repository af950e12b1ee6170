"""Similarity of the work in a batch of student repositories (``--similarity``).

What is compared, per repository and per category (:data:`CATEGORIES`): the code cells
of the notebooks, the DAG files, the other Python modules of the class folders, the
Dockerfiles and compose files, and the Markdown documents (reports and cards, and the
backlog). Each category's files are those ``projekt.yaml`` declares (``artifacts``,
``dags.*.file``); an entry that is missing or wrong there falls back to the course's own
path (the reference's ``projekt.yaml``), and the files of the class folders
(``zajecia_*/``) are added by their names, so what no entry names counts too (a second
notebook, a helper DAG). A repository whose ``projekt.yaml`` is missing or broken is still
compared, with a note saying so.

Measure: k-gram shingles and the Jaccard index (Broder 1997; the fingerprinting of MOSS,
Schleimer et al. 2003, without its winnowing, since every k-gram is kept): a file becomes
a stream of tokens, every run of ``k`` consecutive tokens is one shingle, and the score of
a category is |A and B| / |A or B| of the two repositories' shingle sets — the share of the
passages either wrote that both wrote, 0 to 1. It is explainable ("half of the passages
are the same"), symmetric, and insensitive to the order of files and cells. The overall
score pools the categories that both repositories have (the sums of intersections over
the sums of unions), so a large copied module weighs more than a copied five-line
Dockerfile.

Tokens: Python (notebook cells, DAGs, modules) is read line by line by a lexer that drops
comments and replaces every name by one symbol — except keywords, builtins and attribute
names after a dot (``df.groupby``: the library's API) — so renaming variables, functions
and modules does not hide a copy (as MOSS and JPlag do); strings and numbers stay, and a
line of a multi-line string is one token. Notebook magics (``%…``, ``!…``) are dropped.
Dockerfiles and compose files lose their comments, Markdown its HTML comments; documents
and Docker files become lower-case words without diacritics
(:func:`grading.checks.text.normalize`). A line is normalised from its own text and the
string left open by the line before it, so each distinct line is normalised once for the
whole batch: most lines of a repository are the starter's and so the reference's.

Reference subtraction: the reference repository (the grader's own checkout) is read the
same way. A student's line whose normalised tokens equal a line of the reference (in any
file of the same language: starter code moves between files) is removed before
shingling, and the shingles the reference also has are removed after. What is left is
what the student wrote beyond the starter text (which is a part of the reference), so two
students who both kept it are not similar for that. A category with fewer than
:data:`MIN_SHINGLES` shingles left in either repository is not scored (``None``).

Identical generated evidence: the model card, the monitoring and retraining reports
(JSON and Markdown) and the final report are searched for model checksums and precise
numbers (:func:`evidence`). Two repositories sharing a model checksum, or a file of the
same kind whose precise numbers they mostly share, are flagged — unless the value is also
in the reference's evidence: the flights track run on the default data legitimately
reproduces the reference's numbers.
"""

from __future__ import annotations

import builtins
import contextlib
import csv
import gc
import hashlib
import io
import itertools
import keyword
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any

from grading.checks.notebooks import read_notebook
from grading.checks.text import normalize
from grading.model import StudentError
from grading.polish import pl, plural
from grading.project import DAG_ROLES, PROJECT_FILE, Project, load_project
from grading.repo_files import SKIPPED_DIRS, RepoFiles

# A pair whose score in some category reaches this is listed for the instructor. Jaccard
# 0.5: half of all the passages the two wrote beyond the reference are the same. Copies
# with renamed variables score 0.8-1; separately written work on the same task, with the
# reference subtracted, stays below 0.1 (grading/tests/test_similarity.py builds both).
THRESHOLD = 0.5
# Below this many shingles left after the subtraction, a category is too small to compare
# (a couple of lines of code): any two such remainders look alike or unlike by chance.
MIN_SHINGLES = 20
# Tokens per shingle, by language. Code tokens are short (``(``, ``V``, ``.``): 10 of them
# are about one line, enough that common idioms alone rarely match. Words carry more: 6
# consecutive words shared by chance are rare in prose.
SHINGLE_TOKENS = {"python": 10, "docker": 6, "prose": 6}
# A file whose compared text is longer was generated, not written: it is skipped (a note).
MAX_TEXT_CHARS = 1_000_000
# Files compared in one repository at most (the reference has about 260): a repository of
# a million files must not hold up the batch.
MAX_FILES = 2000
# Evidence numbers: written with at least this many decimals and as many significant
# digits (``0,7063`` counts, ``0,0097`` and ``0,5000`` do not: too easily equal by chance).
PRECISE_DIGITS = 4
# Two evidence files of the same kind are "the same numbers" when they share at least
# MIN_SHARED_VALUES precise values not in the reference, and these are at least
# MIN_SHARED_SHARE of the smaller file's: one equal 4-decimal value happens by chance in
# about one pair of 10,000, and a batch of 100 repositories has 4,950 pairs.
MIN_SHARED_VALUES = 2
MIN_SHARED_SHARE = 0.5
CSV_FILE = "podobienstwo.csv"
MARKDOWN_FILE = "podobienstwo.md"
# The Markdown file lists the pairs to check and then this many of the highest others.
CLOSEST_SHOWN = 10


@dataclass(frozen=True)
class Category:
    """A kind of work: ``id`` in code, ``column`` in the CSV, ``label`` in Markdown,
    ``language`` choosing the tokens, the shingle length and the reference set."""

    id: str
    column: str
    label: str
    language: str


CATEGORIES = (
    Category("notebooks", "notebooki", "Notebooki", "python"),
    Category("dags", "dagi", "DAG-i", "python"),
    Category("modules", "moduly", "Moduły", "python"),
    Category("docker", "docker", "Docker", "docker"),
    Category("documents", "dokumenty", "Dokumenty", "prose"),
)
# Per category id, the projekt.yaml entries naming its files.
_DECLARED = {
    "notebooks": ("artifacts.eda_notebook", "artifacts.slides_notebook"),
    "dags": tuple(f"dags.{role}.file" for role in DAG_ROLES),
    "modules": ("artifacts.data_module", "artifacts.gunicorn_config"),
    "docker": tuple(
        f"artifacts.{name}"
        for name in (
            *("airflow_dockerfile", "api_dockerfile"),
            *("airflow_compose", "api_compose", "production_compose"),
        )
    ),
    "documents": tuple(
        f"artifacts.{name}"
        for name in (
            *("business_goal", "backlog", "sprint_plan", "model_card", "final_report"),
            *("retro_report", "monitoring_reports", "retraining_reports"),
        )
    ),
}
# The evidence a pipeline generates, by kind: a file or a folder of reports.
EVIDENCE_ENTRIES = {
    "model_card": "artifacts.model_card",
    "monitoring_reports": "artifacts.monitoring_reports",
    "retraining_reports": "artifacts.retraining_reports",
    "final_report": "artifacts.final_report",
}
EVIDENCE_LABELS = {
    "model_card": "karta modelu",
    "monitoring_reports": "raporty monitoringu",
    "retraining_reports": "raporty dotrenowania",
    "final_report": "raport końcowy",
}
_EVIDENCE_SUFFIXES = (".json", ".md")
# The READMEs are the course's text, not a student's: never compared, but subtracted from
# the documents, which often quote them (a report's required sections, a table's header).
_REFERENCE_READMES = ("README.md", "zajecia_*/**/README.md")

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
_MAGIC = re.compile(r"^[ \t]*[%!].*$", re.MULTILINE)
_SHELL_COMMENT = re.compile(r"(?:^|(?<=\s))#.*$")
_HTML_COMMENT = re.compile(r"<!--(?:[^-]|-(?!->))*+(?:-->|\Z)")
# A SHA-256 in full, or abbreviated to its first 16 digits as the course's reports print
# it (``8e245b398e0a73fb…``); keyed by those 16 digits. A 40-digit git commit is neither.
_CHECKSUM = re.compile(r"(?<![0-9a-f])([0-9a-f]{64}|[0-9a-f]{16}(?=…|\.\.\.))(?![0-9a-f])", re.I)
_DECIMAL = re.compile(r"(?<![\w.,])\d++[.,]\d++(?![\w.,]\d)")


@dataclass(frozen=True)
class Reference:
    """The reference repository read like a student's: per language its normalised
    ``lines`` and its ``shingles``; the sha256 ``digests`` of its files (a student's file
    equal to one of them has nothing of its own); the ``values`` and ``checksums`` of its
    evidence. ``empty`` when it has no class files at all (then nothing is subtracted)."""

    root: Path
    project: Project
    lines: Mapping[str, frozenset[str]]
    shingles: Mapping[str, frozenset[int]]
    digests: frozenset[str]
    values: frozenset[str]
    checksums: frozenset[str]
    empty: bool


@dataclass
class Repository:
    """One repository as compared: its own ``shingles`` (after the subtraction) and the
    number of ``files`` read per category id; its evidence: model ``checksums`` (16-digit
    keys) and, per evidence file (``kind:path``), its precise ``values``; ``notes`` in
    Polish (a missing ``projekt.yaml``, files that could not be read)."""

    name: str
    shingles: dict[str, frozenset[int]] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)
    checksums: frozenset[str] = frozenset()
    values: dict[str, frozenset[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def compared(self, category: str) -> bool:
        return len(self.shingles.get(category, ())) >= MIN_SHINGLES


@dataclass(frozen=True)
class Pair:
    """Two repositories: Jaccard ``scores`` per category id (None: not compared, too
    little own text in one of them), the pooled ``overall`` score, the shared generated
    ``evidence`` (Polish descriptions) and whether the instructor should look
    (``flagged``)."""

    a: str
    b: str
    scores: dict[str, float | None]
    overall: float | None
    evidence: tuple[str, ...]
    flagged: bool

    @property
    def top(self) -> float:
        return max((s for s in self.scores.values() if s is not None), default=0.0)


@dataclass(frozen=True)
class Similarity:
    """A batch compared: its ``repositories``, every ``pairs`` (flagged first, then by
    their highest category score and overall score), the ``threshold`` used, the
    ``reference`` and the time it took in ``seconds``."""

    repositories: list[Repository]
    pairs: list[Pair]
    threshold: float
    reference: Reference
    seconds: float


def compare(
    repositories: Sequence[tuple[str, Path]], reference: Path, threshold: float = THRESHOLD
) -> Similarity:
    """Compare every pair of ``repositories`` (name, folder) with ``reference``'s text
    subtracted. Each repository is read once; a repository that cannot be read at all is
    a row with a note, never an exception."""
    started = time.monotonic()
    reader = Reader()
    with _without_cycle_collection():
        ref = read_reference(reference, reader)
        read = [read_repository(name, path, ref, reader) for name, path in repositories]
        pairs = sorted(
            _pairs(read, threshold),
            key=lambda p: (not p.flagged, -p.top, -(p.overall or 0.0), p.a, p.b),
        )
    return Similarity(read, pairs, threshold, ref, time.monotonic() - started)


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused: reading a batch creates millions of tuples
    and strings (none in a cycle; reference counting frees them), and the collector's
    passes over them took nearly half of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


def read_reference(root: Path, reader: Reader) -> Reference:
    """The reference repository at ``root``, read with its own ``projekt.yaml``; its
    READMEs count as documents here (:data:`_REFERENCE_READMES`)."""
    files = RepoFiles(root)
    project = load_project(files)
    lines: dict[str, set[str]] = defaultdict(set)
    shingles: dict[str, set[int]] = defaultdict(set)
    digests = set()
    paths = repository_files(files, project, project)
    empty = not any(paths.values())
    paths["documents"] += [p for pattern in _REFERENCE_READMES for p in files.glob(pattern)]
    for category in CATEGORIES:
        for path in paths[category.id]:
            try:
                text = compared_text(files, path, category)
            except StudentError:
                continue
            digests.add(hashlib.sha256(text.encode()).hexdigest())
            normalised = reader.lines(text, category.language)
            lines[category.language].update(line.text for line in normalised)
            stream = [token for line in normalised for token in line.tokens]
            shingles[category.language].update(_shingles(stream, category.language))
    generated = evidence(files, project, project)
    return Reference(
        Path(root).resolve(),
        project,
        {language: frozenset(texts) for language, texts in lines.items()},
        {language: frozenset(hashes) for language, hashes in shingles.items()},
        frozenset(digests),
        frozenset().union(*generated.values.values()),
        generated.checksums,
        empty,
    )


def read_repository(name: str, root: Path, ref: Reference, reader: Reader) -> Repository:
    """The shingles and evidence of the repository at ``root``."""
    repository = Repository(name)
    try:
        _read_into(repository, RepoFiles(root), ref, reader)
    except Exception as error:  # a hostile repository must not stop the batch
        repository.notes.append(
            f"nie udało się odczytać repozytorium ({type(error).__name__}: {str(error)[:200]})"
        )
    return repository


def _read_into(repository: Repository, files: RepoFiles, ref: Reference, reader: Reader) -> None:
    project = load_project(files)
    if not project.found:
        repository.notes.append(
            f"brak {PROJECT_FILE} — pliki według domyślnych ścieżek kursu i wzorców"
        )
    elif project.problems:
        count = plural(len(project.problems), "problem", "problemy", "problemów")
        repository.notes.append(
            f"{PROJECT_FILE} ma {count} — zamiast złych wpisów domyślne ścieżki kursu"
        )
    unread: list[str] = []
    paths = repository_files(files, project, ref.project)
    left = MAX_FILES
    for category in CATEGORIES:
        found: set[int] = set()
        for path in paths[category.id][:left]:
            try:
                found |= _own_shingles(compared_text(files, path, category), category, ref, reader)
            except StudentError as error:
                unread.append(error.message)
        repository.shingles[category.id] = frozenset(found)
        repository.files[category.id] = min(len(paths[category.id]), left)
        left -= repository.files[category.id]
    listed = sum(map(len, paths.values()))
    if listed > MAX_FILES:
        repository.notes.append(f"porównane {MAX_FILES} pierwszych z {listed} plików")
    generated = evidence(files, project, ref.project)
    repository.values = {key: found - ref.values for key, found in generated.values.items()}
    repository.checksums = generated.model_checksums - ref.checksums
    if unread:
        skipped = plural(len(unread), "plik pominięty", "pliki pominięte", "plików pominiętych")
        more = "…" if len(unread) > 3 else ""
        repository.notes.append(f"{skipped}: " + "; ".join(unread[:3]) + more)


def repository_files(files: RepoFiles, project: Project, defaults: Project) -> dict[str, list[str]]:
    """The files of each category (by id) in the repository behind ``files``: the
    declared ones (``project``'s entry, or ``defaults``' when it is missing, wrong or names
    nothing; a declared folder of reports gives its Markdown files), then every file of
    the class folders by its name (:func:`category_of`)."""
    declared: dict[str, str] = {}
    for category, entries in _DECLARED.items():
        for entry in entries:
            path = declared_path(files, entry, project, defaults)
            if path is None:
                continue
            if not files.is_dir(path):
                declared[path] = category
            elif category == "documents":
                declared.update(dict.fromkeys(files.glob(f"{path}/**/*.md"), category))
    found: dict[str, list[str]] = {category.id: [] for category in CATEGORIES}
    for path, category in declared.items():
        found[category].append(path)
    for path in class_files(files.root):
        category = category_of(path)
        if category is not None and path not in declared:
            found[category].append(path)
    return found


def category_of(path: str) -> str | None:
    """The category id of a class folder's file by its name, None when none: notebooks,
    Python under a ``dags`` folder, other Python, Dockerfiles and compose files, Markdown
    but the READMEs (the course's text)."""
    pure = PurePosixPath(path)
    name = pure.name
    if name.endswith(".ipynb"):
        return "notebooks"
    if name.endswith(".py"):
        return "dags" if "dags" in pure.parts[1:-1] else "modules"
    if name.startswith("Dockerfile") or ("compose" in name and name.endswith((".yml", ".yaml"))):
        return "docker"
    if name.endswith(".md") and name != "README.md":
        return "documents"
    return None


def class_files(root: Path) -> list[str]:
    """The regular files under the class folders (``zajecia_*``) of ``root``, relative,
    sorted. A symlink is never followed nor listed, so every file found is inside the
    repository — what :class:`RepoFiles` makes sure of by resolving each path, at ten
    times the cost; hidden and tool folders (``.ipynb_checkpoints``, ``__pycache__``) are
    skipped."""
    found, stack = [], [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name in SKIPPED_DIRS:
                continue
            if folder == root and not entry.name.startswith("zajecia_"):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False):
                found.append(Path(entry.path).relative_to(root).as_posix())
    return sorted(found)


def declared_path(files: RepoFiles, entry: str, project: Project, defaults: Project) -> str | None:
    """The path at ``entry`` of ``project`` when it names an existing file or folder,
    else the one of ``defaults`` when that exists in the repository, else None."""
    for declaration in (project, defaults):
        try:
            value = declaration.value(entry)
        except StudentError:
            continue
        if isinstance(value, str) and (files.is_file(value) or files.is_dir(value)):
            return value
    return None


def _own_shingles(text: str, category: Category, ref: Reference, reader: Reader) -> frozenset[int]:
    """The shingles of ``text`` that are the student's own: none when it is the text of a
    reference file, else those left after the reference's lines and shingles go."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    if digest in ref.digests:
        return frozenset()
    language = category.language
    key = (language, digest)
    if key not in reader.shingles:
        known = ref.lines.get(language, frozenset())
        lines = reader.lines(text, language)
        stream = [token for line in lines if line.text not in known for token in line.tokens]
        own = set(_shingles(stream, language))
        reader.shingles[key] = frozenset(own - ref.shingles.get(language, frozenset()))
    return reader.shingles[key]


def compared_text(files: RepoFiles, path: str, category: Category) -> str:
    """The text of ``path`` (found by :func:`repository_files`, so inside the repository)
    that is compared: a notebook's code cells one after another (magics dropped), any
    other file whole, bytes that are not UTF-8 replaced (a similarity needs no exact
    text). Raises StudentError when the file cannot be read or the text is longer than
    MAX_TEXT_CHARS."""
    if category.id == "notebooks":
        cells = read_notebook(files, path)
        text = "\n".join(_MAGIC.sub("", cell.source) for cell in cells if cell.type == "code")
        size = len(text)
    else:
        try:
            with (files.root / path).open("rb") as handle:
                data = handle.read(MAX_TEXT_CHARS + 1)
        except OSError as error:
            raise StudentError(f"{path}: nie da się odczytać ({error.strerror})") from None
        size, text = len(data), data.decode("utf-8", errors="replace")
    if size > MAX_TEXT_CHARS:
        raise StudentError(f"{path}: ponad {MAX_TEXT_CHARS:,} znaków".replace(",", " "))
    return text


def _shingles(tokens: Sequence[str], language: str) -> Iterator[int]:
    # Python's own hash of each k-tuple (one process computes every set it compares);
    # zip builds the tuples in C and stops at the shortest, the last k-tuple.
    shifted = (tokens[start:] for start in range(SHINGLE_TOKENS[language]))
    return map(hash, zip(*shifted, strict=False))


@dataclass(frozen=True)
class Evidence:
    """The generated evidence of a repository: the precise ``values`` of each evidence
    file (by ``kind:path``), the ``model_checksums`` and every checksum found
    (``checksums``: whatever the reference holds is never flagged)."""

    values: dict[str, frozenset[str]]
    model_checksums: frozenset[str]
    checksums: frozenset[str]


def evidence(files: RepoFiles, project: Project, defaults: Project) -> Evidence:
    """The evidence files of :data:`EVIDENCE_ENTRIES` (a folder: its JSON and Markdown
    files) and what they hold. A value is a number written with at least PRECISE_DIGITS
    decimals and significant digits. A model checksum is a SHA-256 (or its 16-digit
    abbreviation) on a Markdown line — or in the header of its table — that names a model
    (``model``, ``modelu``…), or in JSON under a key path naming one; checksums of data
    are the same for everyone using the same data and are not compared. Unreadable files
    are left out."""
    values: dict[str, frozenset[str]] = {}
    model: set[str] = set()
    every: set[str] = set()
    for kind, entry in EVIDENCE_ENTRIES.items():
        path = declared_path(files, entry, project, defaults)
        if path is None:
            continue
        paths = (
            [p for p in files.glob(f"{path}/**/*") if p.endswith(_EVIDENCE_SUFFIXES)]
            if files.is_dir(path)
            else [path]
        )
        for file in paths:
            try:
                found = _json_evidence if file.endswith(".json") else _text_evidence
                values[f"{kind}:{file}"] = found(files, file, model, every)
            except StudentError:
                continue
    return Evidence(values, frozenset(model), frozenset(every))


def _json_evidence(files: RepoFiles, path: str, model: set[str], every: set[str]) -> frozenset[str]:
    """The precise numbers of a JSON evidence file; its checksums go to ``model`` (under
    a key path naming a model) and ``every``."""
    values = set()
    for key_path, value in _json_leaves(files.read_json(path)):
        if isinstance(value, float) and (number := _precise(repr(value))):
            values.add(number)
        elif isinstance(value, str) and (match := _CHECKSUM.fullmatch(value)):
            every.add(match[1][:16].lower())
            if "model" in key_path.lower():
                model.add(match[1][:16].lower())
    return frozenset(values)


def _text_evidence(files: RepoFiles, path: str, model: set[str], every: set[str]) -> frozenset[str]:
    """The precise numbers of a Markdown evidence file; its checksums go to ``model`` (on
    a line or under a table header naming a model) and ``every``."""
    values = set()
    header = ""
    for line in files.read_text(path).splitlines():
        header = _table_header(line, header)
        values.update(n for m in _DECIMAL.finditer(line) if (n := _precise(m.group())))
        for match in _CHECKSUM.finditer(line):
            every.add(match[1][:16].lower())
            if "model" in f"{line} {header}".lower():
                model.add(match[1][:16].lower())
    return frozenset(values)


def _table_header(line: str, header: str) -> str:
    """The header row of the Markdown table ``line`` belongs to: the line itself when
    it starts a table, the previous header inside one, empty outside tables."""
    if not line.lstrip().startswith("|"):
        return ""
    return header or line


def _json_leaves(value: Any, key_path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted key path, value) of every scalar in a JSON document, iteratively."""
    stack = [(key_path, value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            stack.extend((f"{path}.{key}", child) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((path, child) for child in node)
        else:
            yield path, node


def _precise(written: str) -> str | None:
    """``written`` (``0,7063``, ``0.70634``) as a canonical decimal string when it has
    at least PRECISE_DIGITS decimals and significant digits, else None."""
    try:
        value = Decimal(written.replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or -value.as_tuple().exponent < PRECISE_DIGITS:
        return None
    value = value.normalize()
    return str(value) if len(value.as_tuple().digits) >= PRECISE_DIGITS else None


def _pairs(repositories: list[Repository], threshold: float) -> Iterator[Pair]:
    shared = _shared_evidence(repositories)
    masks = {c.id: _bitmasks([r.shingles[c.id] for r in repositories]) for c in CATEGORIES}
    for (i, a), (j, b) in itertools.combinations(enumerate(repositories), 2):
        scores: dict[str, float | None] = {}
        common = total = 0
        for category in CATEGORIES:
            if not (a.compared(category.id) and b.compared(category.id)):
                scores[category.id] = None
                continue
            both = (masks[category.id][i] & masks[category.id][j]).bit_count()
            union = len(a.shingles[category.id]) + len(b.shingles[category.id]) - both
            scores[category.id] = both / union
            common, total = common + both, total + union
        overall = common / total if total else None
        found = tuple(shared.get((i, j), ()))
        flagged = bool(found) or any(s is not None and s >= threshold for s in scores.values())
        yield Pair(a.name, b.name, scores, overall, found, flagged)


def _bitmasks(sets: Sequence[frozenset[int]]) -> list[int]:
    """Each of ``sets`` as an integer with a bit for each of its shingles that another
    set also holds: a pair's intersection is then ``(a & b).bit_count()``, one operation
    in C where a set intersection looks each shingle up (100 synthetic repositories: 1.3 s
    to build the masks and 0.04 s for the 4950 pairs, against 4.1 s of intersections).
    Shingles of one set only never meet another, so they get no bit."""
    held = Counter(itertools.chain.from_iterable(sets))
    index = {shingle: bit for bit, shingle in enumerate(s for s, n in held.items() if n > 1)}
    masks = []
    for found in sets:
        bits = bytearray(len(index) // 8 + 1)
        for bit in (index[s] for s in found if held[s] > 1):
            bits[bit >> 3] |= 1 << (bit & 7)
        masks.append(int.from_bytes(bits, "little"))
    return masks


def _shared_evidence(repositories: list[Repository]) -> dict[tuple[int, int], list[str]]:
    """Polish descriptions of the evidence each pair of repositories (by index, i < j)
    shares. Both go through an index from a value to its holders, so only values held
    more than once cost time."""
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    holders: dict[str, list[int]] = defaultdict(list)
    for index, repository in enumerate(repositories):
        for checksum in sorted(repository.checksums):
            holders[checksum].append(index)
    for checksum, indexes in holders.items():
        for pair in itertools.combinations(indexes, 2):
            found[pair].append(f"ta sama suma SHA-256 modelu ({checksum}…)")
    for pair, files in _shared_values(repositories).items():
        for kind, label in EVIDENCE_LABELS.items():
            same = [text for file_kind, text in files if file_kind == kind]
            if same:
                more = f" i {len(same) - 3} innych" if len(same) > 3 else ""
                found[pair].append(f"te same liczby — {label}: " + ", ".join(same[:3]) + more)
    return found


def _shared_values(repositories: list[Repository]) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """Per pair of repositories, the evidence files of one kind that share most of their
    precise values (MIN_SHARED_VALUES, MIN_SHARED_SHARE): (kind, description)."""
    places: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for index, repository in enumerate(repositories):
        for key, values in sorted(repository.values.items()):
            for value in values:
                places[value].append((index, key))
    counts: dict[tuple[int, str, int, str], int] = defaultdict(int)
    for holders in places.values():
        for (i, one), (j, other) in itertools.combinations(holders, 2):
            if i != j and one.split(":")[0] == other.split(":")[0]:
                counts[i, one, j, other] += 1
    shared: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for (i, one, j, other), count in sorted(counts.items()):
        smaller = min(len(repositories[i].values[one]), len(repositories[j].values[other]))
        if count >= MIN_SHARED_VALUES and count >= MIN_SHARED_SHARE * smaller:
            kind, first = one.split(":", 1)
            second = other.split(":", 1)[1]
            files = first if first == second else f"{first} ↔ {second}"
            shared[i, j].append((kind, f"{files} ({count} z {smaller})"))
    return shared


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
