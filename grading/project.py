"""``projekt.yaml``: the student's declaration of where their work is, validated.

The file sits at the root of the student's repository. The rubric reads its parameters
from it (``projekt:dataset.target``), so one rubric grades both tracks: the course's
flights project and a student's own data set. Validation returns one Polish problem per
wrong, missing or unknown entry, each naming the entry; a check whose entry is wrong or
missing fails with that problem, the other checks are graded as usual. A declared path
that does not exist yet is not a problem of the declaration (a student declares the whole
project in class 01): it is listed in ``Project.missing``, and the checks that read it
fail with "brak pliku".
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from grading.model import Evidence, StudentError
from grading.polish import shown
from grading.repo_files import RepoFiles

PROJECT_FILE = "projekt.yaml"
TRACKS = ("flights", "own")
INTERVALS = ("monthly", "weekly", "daily")
DAG_ROLES = ("ingest", "preprocess", "train", "monitor", "live_quality", "retrain")
ASSET_ROLES = ("raw", "features", "model", "alert")
# The placeholders each command may use; the run mode fills them in.
COMMANDS = {
    "ingest": {"month", "source"},
    "preprocess": {"month"},
    "train": {"month"},
    "api": {"port"},
    "api_production": {"port"},
    "traffic": {"month", "url"},
    "registry_list": set(),
    "registry_show": {"version"},
    "promote": {"version"},
    "rollback": set(),
    "pipeline": set(),
}
API_KEYS = (
    "health_path",
    "predict_path",
    "example_request",
    "response_fields",
    "metrics_path",
    "requests_metric",
    "version_field",
)
# Prometheus' rule for metric names (the exposition format).
METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
ARTIFACTS = (
    "business_goal",
    "backlog",
    "sprint_plan",
    "sprint_plan_image",
    "eda_notebook",
    "eda_html",
    "data_module",
    "airflow_dockerfile",
    "airflow_compose",
    "quality_gates",
    "model_card",
    "monitoring_reports",
    "api_dockerfile",
    "api_compose",
    "deploy_script",
    "gunicorn_config",
    "production_compose",
    "grafana_provisioning",
    "retraining_reports",
    "final_report",
    "slides_notebook",
    "slides_html",
    "retro_report",
)
SECTIONS = (
    *("schema_version", "track", "dataset", "run"),
    *("dags", "assets", "commands", "api", "artifacts"),
)
DAG_ID = re.compile(r"^[A-Za-z0-9_.-]{1,250}$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# A period of the run mode: a month, or the first day of a week or a day.
PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")


@dataclass(frozen=True)
class Project:
    """The declaration as read (``data``, {} when absent) and its ``problems`` by entry
    (dotted path → Polish message); ``found`` says whether the file exists."""

    data: Mapping[str, Any]
    problems: dict[str, str] = field(default_factory=dict)
    found: bool = True
    missing: list[str] = field(default_factory=list)

    def declares(self, path: str) -> bool:
        """Whether the file has an entry at dotted ``path`` (right or wrong)."""
        node: Any = self.data
        for key in path.split("."):
            if not isinstance(node, Mapping) or key not in node:
                return False
            node = node[key]
        return self.found

    def value(self, path: str) -> Any:
        """The entry at dotted ``path``. Raises StudentError naming the entry when it is
        missing or wrong (a wrong parent entry counts for its children too)."""
        if not self.found:
            raise StudentError(
                f"brak pliku {PROJECT_FILE} w katalogu głównym repozytorium — skopiuj go z "
                "repozytorium kursu i uzupełnij (wpis `{path}`)".replace("{path}", path),
                Evidence(file=PROJECT_FILE),
            )
        for entry, problem in self.problems.items():
            related = path.startswith(entry + ".") or entry.startswith(path + ".")
            if not entry or path == entry or related:
                raise StudentError(f"{PROJECT_FILE}: {problem}", Evidence(file=PROJECT_FILE))
        node: Any = self.data
        for key in path.split("."):
            if not isinstance(node, Mapping) or key not in node:
                raise StudentError(
                    f"{PROJECT_FILE}: brak wpisu `{path}`", Evidence(file=PROJECT_FILE)
                )
            node = node[key]
        return node


def load_project(files: RepoFiles) -> Project:
    """Read and validate ``projekt.yaml`` of the repository behind ``files``."""
    if not files.is_file(PROJECT_FILE):
        return Project({}, {}, found=False)
    try:
        raw = files.read_yaml(PROJECT_FILE)
    except StudentError as error:
        return Project({}, {"": error.message})
    if not isinstance(raw, dict):
        return Project({}, {"": "oczekiwany słownik wpisów (klucz: wartość)"})
    missing: list[str] = []
    return Project(raw, validate(raw, files, missing), missing=missing)


def validate(
    raw: Mapping[str, Any], files: RepoFiles | None = None, missing: list[str] | None = None
) -> dict[str, str]:
    """Problems of a declaration by dotted entry; empty when it is complete and valid.
    With ``files``, a declared path must not lead outside the repository, and the entries
    whose path does not exist yet are appended to ``missing``."""
    problems: dict[str, str] = {}
    check = _Checker(raw, problems, files, missing if missing is not None else [])
    check.keys("", SECTIONS)
    check.rule("schema_version", lambda v: v == 1, "oczekiwane 1")
    check.choice("track", TRACKS)
    check.keys(
        "dataset",
        ("name", "licence", "source", "target", "leakage_columns", "first_month", "interval"),
    )
    for key in ("name", "licence", "source", "target"):
        check.text(f"dataset.{key}")
    check.rule(
        "dataset.leakage_columns",
        lambda v: isinstance(v, list) and v and all(isinstance(c, str) and c for c in v),
        "oczekiwana niepusta lista nazw kolumn",
    )
    check.rule(
        "dataset.first_month",
        lambda v: isinstance(v, str) and MONTH.match(v),
        'oczekiwany miesiąc w formacie RRRR-MM (w cudzysłowie, np. "2013-01")',
    )
    check.choice("dataset.interval", INTERVALS)
    check.keys(
        "run", ("periods", "train", "monitor", "retrain", "source", "quarantine", "drift_column")
    )
    check.rule(
        "run.periods",
        lambda v: isinstance(v, list) and v and all(_period(p) for p in v) and v == sorted(set(v)),
        'oczekiwana rosnąca lista okresów RRRR-MM albo RRRR-MM-DD (w cudzysłowie: "2013-01")',
    )
    for key in ("train", "monitor", "retrain"):
        check.rule(
            f"run.{key}",
            _period,
            'oczekiwany okres RRRR-MM albo RRRR-MM-DD (w cudzysłowie: "2013-06")',
        )
    # Retraining scores both models on the period's features and outcomes, which only the
    # pipeline's ingest and preprocessing of run.periods make.
    _, periods = check.get("run.periods")
    if not check.failed("run.periods") and not check.failed("run.retrain"):
        check.rule(
            "run.retrain",
            lambda v: v in periods,
            "okres dotrenowania ma być jednym z `run.periods` (potok przygotowuje jego dane)",
        )
    check.keys("run.source", ("folder", "file"))
    check.path("run.source.folder")
    check.rule(
        "run.source.file",
        _relative_path,
        "oczekiwana nazwa pliku w folderze run.source.folder (ścieżka względna wobec niego)",
    )
    check.within("run.source.folder", "run.source.file")
    check.rule(
        "run.quarantine",
        _relative_path,
        "oczekiwana ścieżka względna folderu wewnątrz repozytorium (np. data/quarantine)",
    )
    if check.get("run.drift_column")[0]:  # optional: without it 06.dryf shifts no column
        check.text("run.drift_column")
    check.keys("dags", DAG_ROLES)
    for role in DAG_ROLES:
        check.keys(f"dags.{role}", ("id", "file"))
        check.rule(
            f"dags.{role}.id",
            lambda v: isinstance(v, str) and DAG_ID.match(v),
            "id DAG-a: litery, cyfry, _ . - (bez spacji)",
        )
        check.path(f"dags.{role}.file")
    check.keys("assets", ASSET_ROLES)
    for role in ASSET_ROLES:
        check.text(f"assets.{role}")
    check.keys("commands", tuple(COMMANDS))
    for name, allowed in COMMANDS.items():
        check.command(f"commands.{name}", allowed)
    check.keys("api", API_KEYS)
    for key in ("health_path", "predict_path", "metrics_path"):
        check.rule(
            f"api.{key}",
            lambda v: isinstance(v, str) and v.startswith("/"),
            "oczekiwana ścieżka URL zaczynająca się od /",
        )
    check.path("api.example_request")
    check.rule(
        "api.response_fields",
        lambda v: isinstance(v, list) and v and all(isinstance(f, str) and f for f in v),
        "oczekiwana niepusta lista nazw pól odpowiedzi",
    )
    check.rule(
        "api.requests_metric",
        lambda v: isinstance(v, str) and METRIC_NAME.match(v),
        "oczekiwana nazwa metryki Prometheus (litery, cyfry, _, np. api_requests_total)",
    )
    check.rule(
        "api.version_field",
        lambda v: isinstance(v, str) and v in _response_fields(raw),
        "oczekiwana nazwa pola odpowiedzi z wersją modelu (jedno z api.response_fields)",
    )
    check.keys("artifacts", ARTIFACTS)
    for name in ARTIFACTS:
        check.path(f"artifacts.{name}")
    return problems


@dataclass
class _Checker:
    raw: Mapping[str, Any]
    problems: dict[str, str]
    files: RepoFiles | None
    missing: list[str]

    def get(self, path: str) -> tuple[bool, Any]:
        node: Any = self.raw
        for key in path.split(".") if path else []:
            if not isinstance(node, Mapping) or key not in node:
                return False, None
            node = node[key]
        return True, node

    def failed(self, path: str) -> bool:
        """Whether ``path`` or an entry above it already has a problem."""
        keys = path.split(".")
        return any(".".join(keys[:depth]) in self.problems for depth in range(1, len(keys) + 1))

    def keys(self, path: str, known: tuple[str, ...]) -> None:
        found, node = self.get(path)
        if not found:
            return
        if not isinstance(node, Mapping):
            self.problems[path] = f"`{path}`: oczekiwany słownik wpisów"
            return
        for key in node:
            if key not in known:
                hint = difflib.get_close_matches(str(key), known, n=1)
                entry = f"{path}.{key}" if path else str(key)
                self.problems[entry] = f"nieznany wpis `{entry}`" + (
                    f" — może `{hint[0]}`?" if hint else f" (znane: {', '.join(known)})"
                )

    def rule(self, path: str, ok: Callable[[Any], Any], expected: str) -> None:
        if self.failed(path):
            return
        found, value = self.get(path)
        if not found:
            # Name the highest missing entry once: a missing `dags` is one problem, not 12.
            keys = path.split(".")
            for depth in range(1, len(keys) + 1):
                prefix = ".".join(keys[:depth])
                if not self.get(prefix)[0]:
                    self.problems.setdefault(prefix, f"brak wpisu `{prefix}`")
                    return
        elif not ok(value):
            self.problems[path] = f"`{path}`: {expected}, jest {_shown(value)}"

    def text(self, path: str) -> None:
        self.rule(path, lambda v: isinstance(v, str) and v.strip(), "oczekiwany niepusty tekst")

    def choice(self, path: str, allowed: tuple[str, ...]) -> None:
        self.rule(path, lambda v: v in allowed, "dozwolone: " + ", ".join(allowed))

    def path(self, path: str) -> None:
        self.rule(path, _relative_path, "oczekiwana ścieżka względna wewnątrz repozytorium")
        _, value = self.get(path)
        if self.failed(path) or self.files is None:
            return
        try:
            self.files.path(value)
        except StudentError as error:
            self.problems[path] = f"`{path}`: {error.message}"
            return
        if not (self.files.is_file(value) or self.files.is_dir(value)):
            similar = self.similar(value)
            if similar:
                self.problems[path] = f"`{path}`: nie ma {value} — czy chodziło o {similar}?"
            else:
                self.missing.append(f"`{path}`: {value}")

    def within(self, folder: str, name: str) -> None:
        """Entry ``name``: a file inside the folder of entry ``folder``; listed in
        ``missing`` until it exists, like a declared path."""
        if self.failed(folder) or self.failed(name) or self.files is None:
            return
        base, value = self.get(folder)[1], self.get(name)[1]
        if self.files.is_file(base):
            self.problems[folder] = f"`{folder}`: {base} to plik, a ma być folder"
        elif self.files.is_dir(base) and not self.files.is_file(f"{base}/{value}"):
            self.missing.append(f"`{name}`: {base}/{value}")

    def similar(self, value: str) -> str | None:
        """An existing file or folder beside ``value`` with a nearly equal name (a typo:
        ``eda.ipnyb`` for ``eda.ipynb``), or None."""
        parent = PurePosixPath(value).parent
        if self.files is None or not self.files.is_dir(str(parent)):
            return None
        try:
            names = [entry.name for entry in self.files.path(str(parent)).iterdir()]
        except (StudentError, OSError):
            return None
        close = difflib.get_close_matches(PurePosixPath(value).name, names, n=1, cutoff=0.8)
        return str(parent / close[0]) if close else None

    def command(self, path: str, allowed: set[str]) -> None:
        self.text(path)
        _, value = self.get(path)
        if self.failed(path):
            return
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as error:
            self.problems[path] = f"`{path}`: zły zapis zmiennych {{…}}: {error}"
            return
        unknown = used - allowed
        if unknown:
            self.problems[path] = (
                f"`{path}`: nieznane zmienne {', '.join(sorted(unknown))}; dozwolone: "
                + (", ".join(f"{{{n}}}" for n in sorted(allowed)) or "brak")
                + " (dosłowne nawiasy klamrowe pisz podwójnie: {{ }})"
            )


def _period(value: Any) -> bool:
    """A ``YYYY-MM`` month or a real ``YYYY-MM-DD`` day (not 2013-02-31)."""
    if not isinstance(value, str) or PERIOD.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value if len(value) > 7 else f"{value}-01")
    except ValueError:
        return False
    return True


def _relative_path(value: Any) -> bool:
    if not isinstance(value, str) or not value.strip() or "\0" in value or len(value) > 1000:
        return False
    pure = PurePosixPath(value)
    too_long = any(len(part.encode()) > 255 for part in pure.parts)
    return not pure.is_absolute() and ".." not in pure.parts and not too_long


def _shown(value: Any) -> str:
    """A wrong value as a student wrote it: dates as YAML shows them, long ones cut."""
    if isinstance(value, date):
        return f"{value.isoformat()} (data — ujmij ją w cudzysłów)"
    return shown(value)


def _response_fields(raw: Mapping[str, Any]) -> list[Any]:
    api = raw.get("api")
    fields = api.get("response_fields") if isinstance(api, Mapping) else None
    return fields if isinstance(fields, list) else []
