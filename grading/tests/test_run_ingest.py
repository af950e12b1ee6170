"""The ingest checks of the run mode (03.http, 03.kwarantanna) against small student
ingests the tests build: a careful one (retries, a timeout, atomic writes, a quarantine
with reasons) and careless ones that lose exactly the scenarios they get wrong."""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import os
import threading
import urllib.request
import zipfile

import pytest

from grading.checks import run_ingest
from grading.checks.base import Context
from grading.checks.run_ingest import (
    MARKERS,
    Ran,
    ingest_http,
    parsed_csv,
    quarantine,
    same_partition,
    serving,
    truncated,
    with_bad_rows,
)
from grading.checks.running import LAST_LINE, failure
from grading.model import StudentError
from grading.repo_files import RepoFiles
from grading.runs import RunSession, RunSettings
from grading.sandbox import WORKER, Completed, leftovers
from grading.tests.repos import write_files
from grading.tests.student_ingest import COMMAND, INGEST, ROWS, SOURCE, STATIONS, TIMEOUT_S

pytestmark = pytest.mark.slow  # every scenario is a sandboxed run of the student's script


@pytest.fixture(autouse=True)
def own_marker(monkeypatch):
    """Sandbox markers of this test's own (tests of other workers run side by side)."""
    mark = f"test{os.getpid()}x{id(monkeypatch)}"
    monkeypatch.setenv(WORKER, mark)
    return mark


@pytest.fixture
def runs(monkeypatch):
    """The scenarios run so far (each is one run of the student's command)."""
    started: list[str] = []
    real = run_ingest.ingested

    def counted(run, params, files, behaviour, *args, **kwargs):
        started.append(behaviour)
        return real(run, params, files, behaviour, *args, **kwargs)

    monkeypatch.setattr(run_ingest, "ingested", counted)
    return started


@pytest.fixture
def student(tmp_path):
    """A run session on a repository with the sample source and ``ingest.py`` written
    with the given habits, and the parameters of the two checks."""
    opened: list[RunSession] = []

    def start(retries=2, timeout=1, atomic=True, quarantine="csv"):
        repo = tmp_path / f"r{len(opened)}"
        script = INGEST.format(
            retries=retries, timeout=timeout, atomic=atomic, quarantine=quarantine
        )
        write_files(
            repo,
            {
                "projekt.yaml": "schema_version: 1\n",
                "ingest.py": script,
                "zrodlo/dane.csv": ROWS,
                "zrodlo/stacje.csv": STATIONS,
            },
        )
        run = RunSession(repo, RunSettings(budget_s=600)).__enter__()
        opened.append(run)
        params = {
            "command": COMMAND,
            "source": SOURCE,
            "periods": ["2022-01"],
            "folder": "data/kwarantanna",
            "timeout": TIMEOUT_S,
        }
        return Context(RepoFiles(repo), {}, run), params

    yield start
    for run in opened:
        run.__exit__(None, None, None)


def servers_left() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("zrodlo-")]


def test_a_careful_ingest_passes_every_scenario_and_the_quarantine(student, runs, own_marker):
    context, params = student()
    outcome = ingest_http(context, params)
    assert outcome.score == 1, outcome.message
    lines = outcome.message.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "200",
        "500, potem 200",
        "zawsze 500",
        "ucięty plik",
        "wolny serwer",
    ]
    assert "zapisane 2 pliki: data/raw/month=2022-01/dane.csv, data/raw/stacje.csv" in lines[0]
    assert all("nic nie zapisane" in line for line in lines[2:])
    kept = quarantine(context, params)
    assert kept.score == 1, kept.message
    assert "wiersz zly-wiersz-1: w kwarantannie (data/kwarantanna/2022-01.csv)" in kept.message
    assert "'rentals: nie liczba" in kept.message
    assert "dobre wiersze w partycji" in kept.message
    # The clean run is shared: the quarantine check adds only the run with bad rows.
    assert runs == ["ok", "retry", "error", "truncated", "slow", "ok"]
    assert leftovers(f"{own_marker}-") == set() and servers_left() == []


def test_a_naive_ingest_loses_exactly_the_scenarios_it_gets_wrong(student, own_marker):
    context, params = student(retries=0, timeout=None, atomic=False)
    outcome = ingest_http(context, params)
    assert outcome.score == pytest.approx(2 / 5), outcome.message
    lines = dict(line.split(": ", 1) for line in outcome.message.splitlines())
    assert lines["200"] == "przebieg udany, zapisane 1 plik: data/raw/dane.csv"
    assert "kod wyjścia 1" in lines["500, potem 200"] and "ponawiaj" in lines["500, potem 200"]
    assert lines["zawsze 500"].startswith("błąd (kod wyjścia 1")
    assert lines["ucięty plik"].startswith(
        "przebieg zakończony kodem 0, jakby się udał; zostały 1 plik: data/raw/dane.csv"
    )
    assert "s przebieg wciąż trwał" in lines["wolny serwer"]
    assert "ustaw limit czasu" in lines["wolny serwer"]
    assert leftovers(f"{own_marker}-") == set() and servers_left() == []


def test_a_partial_file_left_by_a_failed_run_loses_the_truncated_scenario(student):
    context, params = student(atomic=False)
    outcome = ingest_http(context, params)
    assert outcome.score == pytest.approx(4 / 5), outcome.message
    truncated = next(line for line in outcome.message.splitlines() if line.startswith("ucięty"))
    assert "ucięty plik: zostały 1 plik: data/raw/dane.csv — porównuj" in truncated


def test_an_ingest_that_fails_on_a_working_server_runs_nothing_else(student, runs):
    context, params = student()
    broken = {**params, "command": ".venv/bin/python -c 'raise SystemExit(3)' {month} {source}"}
    outcome = ingest_http(context, broken)
    assert outcome.score == 0
    assert "200: przebieg: kod wyjścia 3" in outcome.message
    assert outcome.message.count("nie uruchomione — najpierw przypadek 200") == 4
    kept = quarantine(context, broken)
    assert kept.score == 0 and "bez złych wierszy (przypadek 200 z 03.http)" in kept.message
    assert runs == ["ok"]


def test_bad_rows_dropped_silently_miss_the_quarantine(student):
    context, params = student(quarantine="none")
    outcome = quarantine(context, params)
    assert outcome.score == pytest.approx(1 / 3), outcome.message
    assert "wiersz zly-wiersz-2: nie ma go w plikach kwarantanny" in outcome.message
    assert "zamiast je pomijać" in outcome.message
    assert "dobre wiersze w partycji" in outcome.message


def test_a_parquet_quarantine_is_read_and_one_without_reasons_is_named(student):
    context, params = student(quarantine="parquet")
    outcome = quarantine(context, params)
    assert outcome.score == 1, outcome.message
    assert "(data/kwarantanna/2022-01.parquet), powód: 'rentals: nie liczba" in outcome.message
    context, params = student(quarantine="no-reason")
    outcome = quarantine(context, params)
    assert outcome.score == pytest.approx(1 / 3), outcome.message
    assert "wiersz zly-wiersz-1: jest w kwarantannie (data/kwarantanna/2022-01.csv), ale bez" in (
        outcome.message
    )


def test_bad_rows_copy_the_last_row_with_markers_in_numeric_columns(monkeypatch):
    appended = with_bad_rows(ROWS.encode(), "dane.csv").decode()
    assert appended.startswith(ROWS)
    first, second = list(csv.reader(io.StringIO(appended)))[-2:]
    assert first == ["2022-01-09", "S3", MARKERS[0], MARKERS[0]]
    assert second == ["", "", MARKERS[1], MARKERS[1]]
    # The same rows inside a gzip or a one-file zip, which stay what they were.
    packed = gzip.decompress(with_bad_rows(gzip.compress(ROWS.encode()), "dane.csv.gz"))
    assert packed.decode() == appended
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("dane.csv", ROWS.replace("\n", "\r\n").replace(",", ";"))
    with zipfile.ZipFile(io.BytesIO(with_bad_rows(buffer.getvalue(), "dane.zip"))) as archive:
        inner = archive.read("dane.csv").decode()
    assert inner.endswith(
        f"\r\n2022-01-09;S3;{MARKERS[0]};{MARKERS[0]}\r\n;;{MARKERS[1]};{MARKERS[1]}\r\n"
    )
    with pytest.raises(StudentError, match="nie ma kolumny liczbowej"):
        with_bad_rows(b"a,b\nx,y\n", "tekst.csv")
    # A ragged last row is padded; a file that unpacks past the limit is refused.
    ragged = with_bad_rows(b"a,b,c\n1,x,2\n3\n", "krzywy.csv").decode().splitlines()
    assert ragged[-2:] == [f"{MARKERS[0]},,{MARKERS[0]}", f"{MARKERS[1]},,{MARKERS[1]}"]
    monkeypatch.setattr(run_ingest, "MAX_SOURCE_BYTES", 1000)
    with pytest.raises(StudentError, match="po rozpakowaniu ma ponad"):
        with_bad_rows(gzip.compress(b"a,b\n" + b"1,2\n" * 1000), "bomba.csv.gz")


def test_a_quoted_cell_may_hold_line_breaks_and_unicode_separators():
    text = 'id,opis,x\n1,"dwie\nlinie",5\n2,"a\u2028b\u0085c",6\n3,zwykły,7\n'
    rows, delimiter, ending = parsed_csv(text, "opisy.csv")
    assert rows == [
        ["id", "opis", "x"],
        ["1", "dwie\nlinie", "5"],
        ["2", "a\u2028b\u0085c", "6"],
        ["3", "zwykły", "7"],
    ]
    assert (delimiter, ending) == (",", "\n")
    cut = truncated(text.encode(), "opisy.csv", 2).decode()
    assert list(csv.reader(io.StringIO(cut, newline=""))) == rows[:3]
    assert with_bad_rows(text.encode(), "opisy.csv").decode().startswith(text)


def test_the_server_stops_even_when_a_client_waits_for_a_silent_answer():
    def wait_for(url: str) -> None:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url)

    with serving({"a.csv": b"1\n"}, "slow", hold_s=60) as server:
        waiting = threading.Thread(target=wait_for, args=(server.url + "a.csv",), daemon=True)
        waiting.start()
        while not server.hits():
            waiting.join(0.05)
    waiting.join(5)
    assert not waiting.is_alive() and servers_left() == []


def test_a_download_cache_that_moves_with_the_port_is_no_partition():
    done = Completed(("ingest",), 0, "", "", 1.0)
    files = {"data/cache/a1/f.csv": "s1", "data/raw/p.parquet": "p", "data/kw/q.csv": "q"}
    clean = Ran(done, files, frozenset({"s1"}), {})
    moved = {"data/cache/b2/f.csv": "s2", "data/raw/p.parquet": "p", "data/kw/q.csv": "r"}
    bad = Ran(done, moved, frozenset({"s2"}), {})
    assert same_partition(clean, bad, "data/kw") == (
        True,
        "dobre wiersze w partycji: 1 plik: data/raw/p.parquet jak bez złych wierszy",
    )
    worse = Ran(done, {**moved, "data/raw/p.parquet": "p2"}, bad.served, {})
    ok, line = same_partition(clean, worse, "data/kw")
    assert not ok and "(1 plik: data/raw/p.parquet)" in line


def test_a_failure_quotes_the_last_line_of_the_output_where_the_reason_is():
    reason = "bramka: przewaga -0.0005 < wymagane 0.0100"
    log = "\n".join(["start", "x" * 500, f"2013-06 … BŁĄD: {reason}"])
    message, evidence = failure("trening", Completed(("t",), 1, "", log, 2.0), "train {month}")
    assert message == f"trening: kod wyjścia 1; ostatni wiersz wyjścia: '2013-06 … BŁĄD: {reason}'"
    assert evidence.command == "train {month}" and evidence.excerpt.endswith(reason)
    long = Completed(("t",), 2, "a" * 400 + reason, "", 1.0)
    assert failure("x", long, "x")[0].endswith(f"'…{('a' * 400 + reason)[-LAST_LINE:]}'")
