"""The student's ingest against the grader's own HTTP server (class 03): five behaviours
of the source (``ingest_http``) and a source with bad rows appended (``quarantine``).

The grader serves the files of the folder ``run.source.folder`` of ``projekt.yaml`` from
a server of its own on 127.0.0.1 (a thread of the grader, stopped after each run) and
runs ``commands.ingest`` with ``{source}`` = the server's address and ``{month}`` = the
first period of ``run.periods``, once per scenario, each on a fresh copy of the
repository. The ingest is the pipeline's first stage: it needs no earlier run.

What a run wrote is what changed in its copy (:func:`grading.checks.running.digest`).
Housekeeping may change in any run — Airflow's metadata database, logs, locks — and
:func:`housekeeping` names it; any other file a failed run leaves is data it must not
have written. The bad rows of ``quarantine`` are found again in the quarantine folder
``run.quarantine`` by a marker value they carry; those files are read by a grader
script in the sandbox (Parquet is parsed there, not in the grader's process).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import http.server
import io
import json
import re
import threading
import urllib.parse
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from grading.checks.base import Context, run_check
from grading.checks.run_dags import NOT_DATA_SUFFIXES
from grading.checks.running import (
    command_argv,
    digest,
    failure,
    read_result,
    script,
    session,
    written,
)
from grading.model import Evidence, Outcome, StudentError
from grading.polish import plural, shown
from grading.runs import RunSession
from grading.sandbox import Completed

# One scenario's limit: Airflow's own retries of a failed task wait minutes, and a run
# that must fail has to be given the time to try them.
SCENARIO_TIMEOUT_S = 420
READ_TIMEOUT_S = 120
# A request the server reads or a client that stops reading: neither holds a thread.
SOCKET_TIMEOUT_S = 10
# The served folder, and the file bad rows go into once unpacked.
MAX_SOURCE_BYTES = 50 * 2**20
# Files any run may change, failed or not: databases and logs of the tools it runs
# (Airflow's metadata DB), lock and pid files, configuration a tool writes at start.
HOUSEKEEPING = (
    *(".log", ".lock", ".pid", ".cfg", ".db", ".sqlite", ".sqlite3"),
    *(".db-journal", ".db-wal", ".db-shm", ".sqlite-journal", ".sqlite-wal", ".sqlite-shm"),
)
# The values that make the appended rows bad, and find them again in the quarantine.
MARKERS = ("zly-wiersz-1", "zly-wiersz-2")
REASON = "reason"
FIRST_REQUEST_FAILS = "retry"


@dataclass(frozen=True)
class Scenario:
    label: str
    behaviour: str
    succeeds: bool
    hint: str


SCENARIOS = (
    Scenario("200", "ok", True, "pobieranie z działającego serwera musi się udać"),
    Scenario(
        "500, potem 200",
        FIRST_REQUEST_FAILS,
        True,
        "ponawiaj pobieranie po błędzie 5xx, z odstępem (jak `retries` w Airflow)",
    ),
    Scenario(
        "zawsze 500",
        "error",
        False,
        "po ostatniej próbie zakończ przebieg błędem z komunikatem, nic nie zapisując",
    ),
    Scenario(
        "ucięty plik",
        "truncated",
        False,
        "porównuj liczbę bajtów z nagłówkiem Content-Length i zapisuj do pliku tymczasowego "
        "podmienianego dopiero po pełnym pobraniu",
    ),
    Scenario(
        "wolny serwer",
        "slow",
        False,
        "ustaw limit czasu pobierania (np. `timeout=` w urlopen) i skończ przebieg błędem, "
        "gdy serwer nie odpowiada",
    ),
)


@dataclass(frozen=True)
class Ran:
    """One run of the ingest: how it ended, the files it wrote (path → SHA-256), the
    SHA-256 of every file the server sent (a download cache holds these) and how many
    requests of each file the server got."""

    completed: Completed
    written: Mapping[str, str]
    served: frozenset[str]
    hits: Mapping[str, int]

    def data(self) -> dict[str, str]:
        """The data files written: no housekeeping, no manifests or reports."""
        return {
            name: sha
            for name, sha in self.written.items()
            if not housekeeping(name) and PurePosixPath(name).suffix not in NOT_DATA_SUFFIXES
        }


@run_check("ingest_http", required=("command", "source", "periods"), optional=("timeout",))
def ingest_http(context: Context, params: Mapping[str, Any]) -> Outcome:
    run = session(context)
    files = source_files(context, params["source"])
    timeout = float(params.get("timeout", SCENARIO_TIMEOUT_S))
    working, line = judge(SCENARIOS[0], clean_run(context, params))
    lines, passed = [line], int(working)
    if not working:
        lines += [f"{s.label}: nie uruchomione — najpierw przypadek 200" for s in SCENARIOS[1:]]
    else:
        # Side by side: the failing cases mostly wait for the student's retries, so the
        # check takes as long as the slowest case, not the sum.
        with ThreadPoolExecutor(max_workers=len(SCENARIOS) - 1) as pool:
            judged = pool.map(
                lambda s: judge(s, ingest(run, params, files, s.behaviour, timeout)),
                SCENARIOS[1:],
            )
            for ok, line in judged:
                passed += ok
                lines.append(line)
    evidence = Evidence(command=params["command"])
    if passed == len(SCENARIOS):
        return Outcome.passed("\n".join(lines), evidence)
    return Outcome.share(passed, len(SCENARIOS), "\n".join(lines), evidence)


@run_check("quarantine", required=("command", "source", "periods", "folder"), optional=("timeout",))
def quarantine(context: Context, params: Mapping[str, Any]) -> Outcome:
    run = session(context)
    files = source_files(context, params["source"])
    folder = _relative(params["folder"], "run.quarantine")
    name = str(params["source"]["file"])
    if name not in files:
        raise StudentError(
            f"run.source.file: nie ma pliku {name} w folderze {params['source']['folder']}"
        )
    bad = {**files, name: with_bad_rows(files[name], name)}
    timeout = float(params.get("timeout", SCENARIO_TIMEOUT_S))
    baseline = clean_run(context, params)
    evidence = Evidence(command=params["command"])
    if not baseline.completed.ok:
        return Outcome.failed(
            "pobieranie źródła bez złych wierszy (przypadek 200 z 03.http) się nie udało, więc "
            f"nie ma z czym porównać: {failure('pobieranie', baseline.completed, '')[0]}",
            evidence,
        )
    with ingested(run, params, bad, "ok", timeout) as (repo, ran):
        if not ran.completed.ok:
            message, excerpt = failure("pobieranie", ran.completed, params["command"])
            return Outcome.failed(
                f"źródło z {len(MARKERS)} złymi wierszami dopisanymi do {name}: {message} — złe "
                "wiersze mają trafić do kwarantanny, a przebieg się udać",
                excerpt,
            )
        found = quarantined(
            run, repo, [n for n, sha in ran.written.items() if _under(n, folder) and not _link(sha)]
        )
    parts = [row_in_quarantine(marker, found, folder) for marker in MARKERS] + [
        same_partition(baseline, ran, folder)
    ]
    passed = sum(ok for ok, _ in parts)
    message = "\n".join(line for _, line in parts)
    if passed == len(parts):
        return Outcome.passed(message, evidence)
    return Outcome.share(passed, len(parts), message, evidence)


def clean_run(context: Context, params: Mapping[str, Any]) -> Ran:
    """The ingest of the source as it is, served normally: scenario 200 of
    ``ingest_http`` and the partition ``quarantine`` compares with; run once per
    grading."""
    run = session(context)
    files = source_files(context, params["source"])
    timeout = float(params.get("timeout", SCENARIO_TIMEOUT_S))
    return run.once("ingest-http-ok", lambda: ingest(run, params, files, "ok", timeout))


def ingest(*args: Any) -> Ran:
    """One run of :func:`ingested` (the same arguments) whose copy is not looked into."""
    with ingested(*args) as (_, ran):
        return ran


@contextmanager
def ingested(
    run: RunSession,
    params: Mapping[str, Any],
    files: Mapping[str, bytes],
    behaviour: str,
    timeout: float,
) -> Iterator[tuple[Path, Ran]]:
    """``commands.ingest`` on a fresh copy with ``files`` served as ``behaviour`` says:
    the copy and the run, for the block; the copy is removed after it."""
    periods = params["periods"] if isinstance(params["periods"], list) else [params["periods"]]
    with run.scratch(f"ingest-{behaviour}") as work:
        repo = run.copy(work)
        before = digest(repo)
        limit = run.timeout(timeout)
        with serving(files, behaviour, limit + SOCKET_TIMEOUT_S) as server:
            argv = command_argv(
                str(params["command"]), "commands.ingest", month=str(periods[0]), source=server.url
            )
            completed = run.sandbox(work).run(argv, repo, limit, network=True)
            hits = server.hits()
        after = digest(repo)
        shas = frozenset(hashlib.sha256(data).hexdigest() for data in files.values())
        changed = {name: after[name] for name in written(before, after)}
        yield repo, Ran(completed, changed, shas, hits)


def judge(scenario: Scenario, ran: Ran) -> tuple[bool, str]:
    """Whether the run behaved as the scenario asks, and its line of the message."""
    completed, label = ran.completed, scenario.label
    if scenario.succeeds:
        if not completed.ok:
            return False, f"{label}: {failure('przebieg', completed, '')[0]} — {scenario.hint}"
        if not ran.hits:
            return False, (
                f"{label}: przebieg udany, ale serwer narzędzia nie dostał żadnego żądania — "
                "polecenie ma pobierać pliki spod adresu {source}"
            )
        if scenario.behaviour == FIRST_REQUEST_FAILS and min(ran.hits.values()) < 2:
            once = sorted(name for name, count in ran.hits.items() if count < 2)
            return False, (
                f"{label}: po błędzie 500 nie było drugiego żądania {', '.join(once[:4])}, a "
                f"przebieg się udał — skąd dane? {scenario.hint}"
            )
        # A download cache (copies of the served files) last: the partition says more.
        data = sorted(ran.data(), key=lambda name: (ran.data()[name] in ran.served, name))
        if not data:
            return False, f"{label}: przebieg udany, ale nie zapisał żadnego pliku danych"
        return True, f"{label}: przebieg udany, zapisane {_files(data)}"
    if completed.timed_out:
        return False, (
            f"{label}: po {completed.seconds:.0f} s przebieg wciąż trwał (limit sprawdzenia) — "
            f"{scenario.hint}"
        )
    problems = []
    if completed.returncode == 0:
        problems.append("przebieg zakończony kodem 0, jakby się udał")
    elif not completed.tail():
        problems.append(f"kod wyjścia {completed.returncode} bez żadnego komunikatu")
    left = sorted(name for name in ran.written if not housekeeping(name))
    if left:
        problems.append(f"zostały {_files(left)}")
    if problems:
        return False, f"{label}: {'; '.join(problems)} — {scenario.hint}"
    return True, (
        f"{label}: błąd (kod wyjścia {completed.returncode}, {completed.seconds:.0f} s), "
        "nic nie zapisane"
    )


def quarantined(run: RunSession, repo: Path, names: list[str]) -> dict[str, Any]:
    """What the grader's reader found in the quarantine files ``names`` of ``repo``:
    file → its columns and the rows holding a marker, or its read error. The reader
    runs isolated (``-I``) in the grader's folder: no module of the repository can
    stand in for one it imports."""
    candidates = {
        str(repo / name): name
        for name in names
        if not housekeeping(name) and not name.endswith(".json")
    }
    if not candidates:
        return {}
    with run.scratch("quarantine-read") as work:
        result = work / "rows.json"
        reader = [run.python, "-I", script("quarantine_rows.py"), str(result)]
        argv = [*reader, json.dumps(MARKERS), *candidates]
        completed = run.sandbox(work).run(argv, work, run.timeout(READ_TIMEOUT_S))
        found = read_result(result)
    if found is None or not completed.ok:
        message, evidence = failure("odczyt plików kwarantanny", completed, "")
        raise StudentError(message, evidence)
    return {
        candidates[path]: content
        for path, content in found.items()
        if path in candidates and isinstance(content, dict)
    }


def row_in_quarantine(marker: str, found: Mapping[str, Any], folder: str) -> tuple[bool, str]:
    """Whether the bad row carrying ``marker`` is in the quarantine with a reason."""
    reasons = []
    for name, content in found.items():
        rows = content.get("rows", []) if isinstance(content, dict) else []
        columns = content.get("columns", []) if isinstance(content, dict) else []
        for row in rows:
            if isinstance(row, list) and marker in row:
                reason = row[columns.index(REASON)] if REASON in columns else ""
                reasons.append((name, reason))
    given = [(name, reason) for name, reason in reasons if str(reason).strip()]
    if given:
        name, reason = given[0]
        return True, f"wiersz {marker}: w kwarantannie ({name}), powód: {shown(reason)}"
    if reasons:
        return False, (
            f"wiersz {marker}: jest w kwarantannie ({reasons[0][0]}), ale bez powodu — zapisz "
            f"przy nim kolumnę {REASON} z tekstem powodu"
        )
    unreadable = [f"{name} ({shown(c['error'])})" for name, c in found.items() if "error" in c]
    return False, (
        f"wiersz {marker}: nie ma go w plikach kwarantanny zapisanych w {folder}"
        + (f" (nieczytelne: {'; '.join(unreadable)})" if unreadable else "")
        + " — zapisuj złe wiersze (CSV albo Parquet) z oryginalnymi wartościami i kolumną "
        f"{REASON}, zamiast je pomijać"
    )


def same_partition(clean: Ran, bad: Ran, folder: str) -> tuple[bool, str]:
    """Whether the run with bad rows wrote the same data files outside the quarantine
    ``folder``, byte for byte, as the run without them: the good rows are in the
    partition, and only they. A download cache is no partition: a path that in each
    run either is missing or holds a copy of a file that run was served is left out
    (a cache named after the URL moves with the server's port)."""
    before, after = (
        {name: sha for name, sha in ran.data().items() if not _under(name, folder)}
        for ran in (clean, bad)
    )
    compared = {
        name
        for name in before.keys() | after.keys()
        if before.get(name, "") not in {"", *clean.served}
        or after.get(name, "") not in {"", *bad.served}
    }
    kept = sorted(compared & before.keys())
    if not kept:
        return False, "przebieg bez złych wierszy nie zapisał plików danych, nie ma z czym porównać"
    different = sorted(name for name in compared if before.get(name) != after.get(name))
    if different:
        return False, (
            f"pliki danych poza kwarantanną różnią się od przebiegu bez złych wierszy "
            f"({_files(different)}) — dobre wiersze mają trafić do partycji, złe tylko do "
            "kwarantanny"
        )
    return True, f"dobre wiersze w partycji: {_files(kept)} jak bez złych wierszy"


def with_bad_rows(data: bytes, name: str) -> bytes:
    """``data`` (a CSV file, plain, in gzip or alone in a zip) with two bad rows appended,
    in the same container. Both copy the last row and put a marker (:data:`MARKERS`)
    in every numeric column — a column whose values all read as numbers; the second
    also empties every other column (its keys). Raises StudentError when the file is
    not such a CSV."""
    return rewritten_csv(data, name, _append_bad_rows)


def truncated(data: bytes, name: str, rows: int) -> bytes:
    """``data`` (as for :func:`with_bad_rows`) cut to its header and first ``rows``
    records: a source that delivered a fraction of a period."""

    def cut(text: str, _: str) -> str:
        parsed, delimiter, ending = parsed_csv(text, name)
        return csv_text(parsed[: rows + 1], delimiter, ending)

    return rewritten_csv(data, name, cut)


def rewritten_csv(data: bytes, name: str, change: Callable[[str, str], str]) -> bytes:
    """``data`` — a UTF-8 CSV, plain, in gzip or alone in a zip — with its text passed
    through ``change(text, name)``, in the same container."""
    if data.startswith(b"\x1f\x8b"):
        inner = _unpacked(lambda: gzip.GzipFile(fileobj=io.BytesIO(data)), name)
        return gzip.compress(rewritten_csv(inner, name, change), mtime=0)
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                raise StudentError(
                    f"run.source.file: archiwum {name} ma mieć jeden plik CSV, ma {len(members)}"
                )
            inner = _unpacked(lambda: archive.open(members[0]), name)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(members[0].filename, rewritten_csv(inner, name, change))
        return buffer.getvalue()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise StudentError(f"run.source.file: {name} nie jest plikiem CSV w UTF-8") from None
    return change(text, name).encode("utf-8")


def parsed_csv(text: str, name: str) -> tuple[list[list[str]], str, str]:
    """The rows of the CSV ``text`` of file ``name`` (the header first), its delimiter
    (comma, semicolon or tab: the one its header has most of) and its line ending.
    Raises StudentError when it is not a CSV with a header of two columns or more and
    at least one data row. A record may span lines inside quotes; only ``\n``, ``\r``
    and ``\r\n`` end lines (not the other separators ``str.splitlines`` knows, such as
    U+2028, which are text inside a cell)."""
    header = re.split(r"\r|\n", text, maxsplit=1)[0]
    delimiter = max(",;\t", key=header.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise StudentError(f"run.source.file: {name} nie jest poprawnym CSV ({error})") from None
    if len(rows) < 2 or len(rows[0]) < 2:
        raise StudentError(
            f"run.source.file: {name} ma mieć nagłówek CSV i co najmniej jeden wiersz danych"
        )
    return rows, delimiter, "\r\n" if "\r\n" in text[: len(header) + 2] else "\n"


def csv_text(rows: list[list[str]], delimiter: str, ending: str) -> str:
    """``rows`` written as CSV with ``delimiter`` and line ``ending``."""
    written = io.StringIO()
    csv.writer(written, delimiter=delimiter, lineterminator=ending).writerows(rows)
    return written.getvalue()


def _append_bad_rows(text: str, name: str) -> str:
    rows, delimiter, ending = parsed_csv(text, name)
    width = len(rows[0])
    numeric = [i for i in range(width) if is_numeric(r[i] if i < len(r) else "" for r in rows[1:])]
    if not numeric:
        raise StudentError(
            f"run.source.file: {name} nie ma kolumny liczbowej (wszystkie wartości to liczby), "
            "do której narzędzie wpisałoby zły tekst"
        )
    template = (rows[-1] + [""] * width)[:width]
    first = [MARKERS[0] if i in numeric else value for i, value in enumerate(template)]
    second = [MARKERS[1] if i in numeric else "" for i in range(len(template))]
    separator = "" if text.endswith(("\n", "\r")) else ending
    return text + separator + csv_text([first, second], delimiter, ending)


def source_files(context: Context, source: Any) -> dict[str, bytes]:
    """The files of the folder ``run.source.folder`` (relative path → bytes) read
    through the repository's safe reader."""
    if not isinstance(source, Mapping) or "folder" not in source or "file" not in source:
        raise StudentError("projekt.yaml: run.source ma mieć wpisy folder i file")
    folder = _relative(source["folder"], "run.source.folder")
    if not context.files.is_dir(folder):
        raise StudentError(
            f"brak folderu źródła {folder} (run.source.folder)", Evidence(file=folder)
        )
    root = context.files.path(folder)
    files, total = {}, 0
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if not context.files.is_file(f"{folder}/{relative}"):
            continue
        files[relative] = context.files.read_bytes(f"{folder}/{relative}")
        total += len(files[relative])
        if total > MAX_SOURCE_BYTES:
            raise StudentError(
                f"folder źródła {folder} ma ponad {MAX_SOURCE_BYTES // 2**20} MiB — wystarczy "
                "próbka pierwszego okresu (kilka MB)",
                Evidence(file=folder),
            )
    if not files:
        raise StudentError(f"folder źródła {folder} jest pusty", Evidence(file=folder))
    return files


def housekeeping(name: str) -> bool:
    """Whether a file is a tool's housekeeping, not data: a log, a database, a lock."""
    path = PurePosixPath(name)
    return path.name.endswith(HOUSEKEEPING) or "logs" in path.parts[:-1]


@contextmanager
def serving(files: Mapping[str, bytes], behaviour: str, hold_s: float) -> Iterator[_SourceServer]:
    """The grader's HTTP server on a free port of 127.0.0.1 serving ``files`` as
    ``behaviour`` says, for the block. Stopped whatever the block does."""
    server = _SourceServer(files, behaviour, hold_s)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.1},
        name=f"zrodlo-{server.server_port}",
        daemon=True,
    )
    thread.start()
    try:
        yield server
    finally:
        server.released.set()
        server.shutdown()
        server.server_close()
        thread.join(SOCKET_TIMEOUT_S)


class _SourceServer(http.server.ThreadingHTTPServer):
    """``ok`` — 200; ``retry`` — the first request of each file 500, then 200; ``error``
    — always 500; ``truncated`` — 200 with the full Content-Length and half the body,
    then the connection closes; ``slow`` — no answer until the server stops."""

    daemon_threads = True

    def __init__(self, files: Mapping[str, bytes], behaviour: str, hold_s: float):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.files, self.behaviour, self.hold_s = dict(files), behaviour, hold_s
        self.released = threading.Event()
        self._hits: dict[str, int] = {}
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/"

    def hit(self, name: str) -> int:
        """Count a request of ``name``; how many there were so far, this one included."""
        with self._lock:
            self._hits[name] = self._hits.get(name, 0) + 1
            return self._hits[name]

    def hits(self) -> dict[str, int]:
        with self._lock:
            return dict(self._hits)

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up mid-answer is what some scenarios cause: not an error."""


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _SourceServer
    timeout = SOCKET_TIMEOUT_S

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the grader's output is its report."""

    def _answer(self, body: bool) -> None:
        server = self.server
        name = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path).lstrip("/")
        data = server.files.get(name)
        if data is None:
            self._status(404, f"nie ma pliku {name}")
            return
        first = server.hit(name) == 1
        if server.behaviour == "error" or (server.behaviour == FIRST_REQUEST_FAILS and first):
            self._status(500, "błąd serwera (narzędzie oceniania)")
            return
        if server.behaviour == "slow":
            server.released.wait(server.hold_s)
            self.close_connection = True
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data[: len(data) // 2] if server.behaviour == "truncated" else data)
        self.close_connection = True

    def _status(self, code: int, text: str) -> None:
        payload = text.encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        self.close_connection = True


def _unpacked(opened: Callable[[], IO[bytes]], name: str) -> bytes:
    """The content of a packed file, at most :data:`MAX_SOURCE_BYTES` (a file that
    unpacks into gigabytes does not fill the grader's memory)."""
    try:
        with opened() as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except (
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        zipfile.BadZipFile,
        zlib.error,
    ) as error:
        raise StudentError(f"run.source.file: {name} nie daje się rozpakować ({error})") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise StudentError(
            f"run.source.file: {name} po rozpakowaniu ma ponad {MAX_SOURCE_BYTES // 2**20} MiB"
        )
    return data


def is_numeric(values: Iterable[str]) -> bool:
    """Whether every value present (not :func:`missing`) reads as a number, and one is."""
    present = [value for value in values if not missing(value)]
    if not present:
        return False
    try:
        for value in present:
            number(value)
    except ValueError:
        return False
    return True


def missing(value: str) -> bool:
    """Whether a CSV cell holds no value: empty, NA as R writes it, or NaN as NumPy does
    (a NaN is no number to rank or to shift)."""
    return value.strip().lower() in ("", "na", "nan")


def number(value: str) -> float:
    """A CSV cell as a number, with a decimal point or comma. Raises ValueError."""
    return float(value.strip().replace(",", "."))


def _relative(value: Any, entry: str) -> str:
    pure = PurePosixPath(str(value))
    if not isinstance(value, str) or pure.is_absolute() or ".." in pure.parts:
        raise StudentError(f"projekt.yaml: {entry} ma być ścieżką względną w repozytorium")
    return pure.as_posix()


def _link(sha: str) -> bool:
    """Whether a digest entry is a symbolic link (never followed into a quarantine)."""
    return sha.startswith("link:")


def _under(name: str, folder: str) -> bool:
    return PurePosixPath(name).is_relative_to(folder)


def _files(names: list[str]) -> str:
    shown_names = ", ".join(names[:4]) + (" …" if len(names) > 4 else "")
    return f"{plural(len(names), 'plik', 'pliki', 'plików')}: {shown_names}"
