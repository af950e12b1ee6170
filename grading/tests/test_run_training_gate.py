"""The training's quality gate checked from outside (05.bramka) on small student
repositories: an ingest from the grader's server, a preprocessing step and a training
whose "model" is the correlation of temperature and rentals, registered through the
test registry (:mod:`grading.tests.student_registry`) — with a gate, without one, with
one that refuses quietly and with one that registers before it refuses."""

from __future__ import annotations

import pytest

from grading.checks.run_training_gate import training_gate_fails
from grading.model import NotRunnable, StudentError
from grading.tests.student_registry import COMMANDS

pytestmark = pytest.mark.slow  # every command is a sandboxed process

# Rentals follow the temperature: the correlation is 1 until the target is permuted.
SOURCE = "date,temp,rentals\n" + "".join(
    f"2013-{month:02d}-{day:02d},{day % 9},{100 + 10 * (day % 9)}\n"
    for month in (1, 2)
    for day in range(1, 29)
)
INGEST = """import argparse, urllib.request
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--month")
parser.add_argument("--source")
args = parser.parse_args()
with urllib.request.urlopen(args.source + "dane.csv", timeout=5) as response:
    lines = response.read().decode().splitlines()
rows = [line for line in lines[1:] if line.startswith(args.month)]
if not rows:
    raise SystemExit(f"brak wierszy okresu {args.month}")
path = Path("data/raw") / f"{args.month}.csv"
path.parent.mkdir(parents=True, exist_ok=True)
path.write_text("\\n".join([lines[0], *rows]) + "\\n")
"""
PREPROCESS = """import shutil, sys
from pathlib import Path

month = sys.argv[1]
Path("data/features").mkdir(parents=True, exist_ok=True)
shutil.copy(Path("data/raw") / f"{month}.csv", Path("data/features") / f"{month}.csv")
"""
TRAIN = """import csv, statistics, subprocess, sys
from pathlib import Path

GATE = "{gate}"
month = sys.argv[1]
rows = []
for window_month in ("2013-01", month):
    with (Path("data/features") / f"{{window_month}}.csv").open() as handle:
        rows += list(csv.DictReader(handle))
skill = statistics.correlation(
    [float(row["temp"]) for row in rows], [float(row["rentals"]) for row in rows]
)
refused = skill < 0.5
if GATE == "late":
    subprocess.run([sys.executable, "registry.py", "train", month], check=True)
if refused and GATE in ("gate", "late"):
    sys.exit(f"bramka: model bez przewagi nad punktem odniesienia (korelacja {{skill:.2f}})")
if refused and GATE == "quiet":
    print("bramka: model odrzucony")
    sys.exit(0)
if GATE != "late":
    subprocess.run([sys.executable, "registry.py", "train", month], check=True)
"""
SOURCE_ENTRY = {"folder": "zrodlo", "file": "dane.csv"}


def gated(trained, gate="gate", source=SOURCE, new_version=True):
    """The check's context and parameters for a repository whose training has ``gate``."""
    commands = {
        **COMMANDS,
        "ingest": ".venv/bin/python ingest.py --month {month} --source {source}",
        "preprocess": ".venv/bin/python preprocess.py {month}",
        "train": ".venv/bin/python train.py {month}",
    }
    files = {
        "ingest.py": INGEST,
        "preprocess.py": PREPROCESS,
        "train.py": TRAIN.format(gate=gate),
        "zrodlo/dane.csv": source,
    }
    context, params = trained(commands=commands, files=files, new_version=new_version)
    return context, {**params, "source": SOURCE_ENTRY, "target": "rentals > 150"}


def test_a_gate_that_refuses_the_permuted_target_gets_the_points(trained):
    context, params = gated(trained)
    outcome = training_gate_fails(context, params)
    assert outcome.score == 1, outcome.message
    assert outcome.message.startswith(
        "źródło dane.csv zmienione przez narzędzie: wartości kolumny celu rentals wymieszane; "
        "trening dla 2013-02: zakończony błędem: kod wyjścia 1"
    )
    assert "bramka: model bez przewagi" in outcome.message
    assert "rejestr bez żadnej wersji" in outcome.message
    assert outcome.evidence[0].command == ".venv/bin/python train.py {month}"


@pytest.mark.parametrize("new_version", [True, False])
def test_without_a_gate_the_noise_model_is_registered_and_no_point_is_given(trained, new_version):
    # A registry that keeps the version of a period trained before (new_version=False, as
    # the reference does for one Airflow run id) must not hide the missing gate: the
    # grader trains on a copy from before the training stage.
    context, params = gated(trained, gate="none", new_version=new_version)
    outcome = training_gate_fails(context, params)
    assert outcome.score == 0
    assert "zakończony kodem 0 — model wytrenowany na wymieszanym celu nie" in outcome.message
    assert "model bez przewagi nad punktem odniesienia zarejestrowany jako v1" in outcome.message


@pytest.mark.parametrize(
    ("gate", "said"),
    [
        ("quiet", "albo odrzucenie nie kończy przebiegu błędem; bramka ma zatrzymać"),
        ("late", "zarejestrowany jako v1 — bramka ma porównać model"),
    ],
)
def test_a_quiet_refusal_or_a_registration_before_the_gate_gets_half(trained, gate, said):
    context, params = gated(trained, gate=gate)
    outcome = training_gate_fails(context, params)
    assert outcome.score == pytest.approx(1 / 2)
    assert said in outcome.message


def test_a_sample_without_a_period_of_the_window_is_the_students_to_fix(trained):
    january = "".join(line + "\n" for line in SOURCE.splitlines() if "2013-02" not in line)
    context, params = gated(trained, source=january)
    with pytest.raises(StudentError) as caught:
        training_gate_fails(context, params)
    assert (
        "okres 2013-02 okna treningu (2013-01, 2013-02): pobieranie zmienionego źródła"
        in caught.value.message
    )
    assert "brak wierszy okresu 2013-02" in caught.value.message
    assert "próbka w run.source.folder ma obejmować każdy okres okna" in caught.value.message


def test_an_undeclared_pipeline_command_is_named(trained):
    context, params = gated(trained)
    commands = {key: value for key, value in params["commands"].items() if key != "preprocess"}
    with pytest.raises(StudentError, match=r"nie deklaruje polecenia commands\.preprocess"):
        training_gate_fails(context, {**params, "commands": commands})


def test_without_a_training_stage_the_check_is_skipped(trained):
    context, params = gated(trained)
    del context.run.stages["train"]
    with pytest.raises(NotRunnable):
        training_gate_fails(context, params)
