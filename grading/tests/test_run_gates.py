"""The quality gate checked from outside (04.bramka): the grader's source delivers a
truncated period, the student's ingest takes it in, and the preprocessing must fail with
a report and no partition."""

from __future__ import annotations

import pytest

from grading.checks.base import Context
from grading.checks.run_gates import TRUNCATED_ROWS, quality_gate_fails
from grading.repo_files import RepoFiles
from grading.runs import RunSession, RunSettings
from grading.tests.repos import write_files
from grading.tests.student_ingest import COMMAND, INGEST, ROWS, SOURCE, STATIONS, TIMEOUT_S

pytestmark = pytest.mark.slow  # sandboxed runs of the student's scripts

# The sample source has 21 rows; the gate wants all of them, the grader leaves 20.
PREPROCESS = """import csv, json, sys
from pathlib import Path

GATE = {gate}
PARTITION_ANYWAY = {partition_anyway}
month = sys.argv[1]
rows = list(csv.DictReader(Path(f"data/raw/month={{month}}/dane.csv").open()))
ok = len(rows) >= 21 or not GATE
report = Path(f"data/raporty/{{month}}.json")
report.parent.mkdir(parents=True, exist_ok=True)
report.write_text(json.dumps({{"rows": len(rows), "ok": ok}}))
if ok or PARTITION_ANYWAY:
    partition = Path(f"data/cechy/month={{month}}/cechy.csv")
    partition.parent.mkdir(parents=True, exist_ok=True)
    partition.write_text("rentals\\n" + "".join(r["rentals"] + "\\n" for r in rows))
sys.exit(0 if ok else "bramka: za mało wierszy")
"""


@pytest.fixture
def grade(tmp_path):
    sessions: list[RunSession] = []

    def run_check(gate=True, partition_anyway=False):
        repo = tmp_path / f"r{len(sessions)}"
        preprocess = PREPROCESS.format(gate=gate, partition_anyway=partition_anyway)
        files = {
            "projekt.yaml": "schema_version: 1\n",
            "ingest.py": INGEST.format(retries=2, timeout=1, atomic=True, quarantine="csv"),
            "preprocess.py": preprocess,
            "zrodlo/dane.csv": ROWS,
            "zrodlo/stacje.csv": STATIONS,
        }
        write_files(repo, files)
        run = RunSession(repo, RunSettings(budget_s=300)).__enter__()
        sessions.append(run)
        params = {
            "command": ".venv/bin/python preprocess.py {month}",
            "ingest": COMMAND,
            "source": SOURCE,
            "periods": ["2022-01"],
            "timeout": TIMEOUT_S,
        }
        return quality_gate_fails(Context(RepoFiles(repo), {}, run), params)

    yield run_check
    for run in sessions:
        run.__exit__(None, None, None)


def test_a_gate_that_stops_a_truncated_period_with_a_report_passes(grade):
    assert ROWS.count("\n") - 1 == TRUNCATED_ROWS + 1
    outcome = grade()
    assert outcome.score == 1, outcome.message
    assert "raport data/raporty/2022-01.json, bez partycji" in outcome.message


def test_no_gate_and_a_partition_written_anyway_lose_their_parts(grade):
    lax = grade(gate=False)
    assert lax.score == 0
    assert "zakończyło się kodem 0" in lax.message and "zapisana partycja" in lax.message
    leaky = grade(partition_anyway=True)
    assert leaky.score == pytest.approx(1 / 2)
    assert "zapisana partycja mimo błędu: data/cechy/month=2022-01/cechy.csv" in leaky.message
