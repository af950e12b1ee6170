"""Retraining's decision against the registry (09.porownanie, 09.promocja): a student's
registry (``student_registry.py``) whose retraining stage trained a challenger and
wrote a decision record."""

from __future__ import annotations

import json

import pytest

from grading.checks.base import Context
from grading.checks.run_monitoring import SHIFTED
from grading.checks.run_retrain import retrain_comparison, retrain_promotion
from grading.model import NotRunnable, StudentError
from grading.runs import StageResult
from grading.tests.repos import write_files

pytestmark = pytest.mark.slow  # the student's registry commands run in the sandbox

PERIOD = "2013-02"
RETRAIN = {"id": "retrain_dag", "file": "dags/retrain.py"}
DAGS = {"train": {"id": "train_dag"}, "retrain": RETRAIN}
# The retraining DAG run on the copy 06.dryf left (09.promocja's forced path): it
# promotes the challenger whatever the data, or leaves production alone.
RETRAIN_DAG = """import subprocess, sys

import pendulum
from airflow.sdk import dag, task

PROMOTES = {promotes}


@dag(dag_id="retrain_dag", schedule=None, start_date=pendulum.datetime(2013, 1, 1))
def retrain_dag():
    @task
    def retrain():
        if PROMOTES:
            subprocess.run([sys.executable, "registry.py", "promote", "v2"], check=True)

    retrain()


retrain_dag()
"""


def decision(promote=False, champion="v1", challenger="v2", rows=(500, 500), period=PERIOD):
    return {
        "champion": {"version": champion, "evaluated_on": {"period": PERIOD, "rows": rows[0]}},
        "challenger": {"version": challenger, "evaluated_on": {"period": period, "rows": rows[1]}},
        "decision": {"promote": promote, "reason": "przedział różnicy ROC AUC"},
    }


@pytest.fixture
def retrained(trained):
    """A session whose retraining stage registered v2 (trained up to ``window_end``)
    next to the production v1 (up to 2013-02), wrote ``record`` (none when None) and,
    with ``promote``, moved production to v2; with ``noise``, 06.dryf's copy is there
    too (v2 registered, production v1) and the retraining DAG promotes on it when
    ``noise`` is "promotes"."""

    def start(record, promote=False, window_end="2013-03", noise=None, others=None):
        dag = {RETRAIN["file"]: RETRAIN_DAG.format(promotes=noise == "promotes")}
        context, params = trained(files=dag)
        run = context.run
        stages = {"retrain": [f"train {window_end}", *(["promote v2"] if promote else [])]}
        if noise:
            stages[SHIFTED] = ["train 2013-03"]
        for stage, commands in stages.items():
            work = run.folder(stage)
            state = run.copy(work, run.stages["train"].state)
            for command in commands:
                argv = [".venv/bin/python", "registry.py", *command.split()]
                assert run.sandbox(work).run(argv, state, 60).ok
            run.stages[stage] = StageResult(stage, state)
        if record is not None:
            files = {f"data/retraining/{PERIOD}/decision.json": json.dumps(record)}
            files.update({name: json.dumps(other) for name, other in (others or {}).items()})
            state = run.stages["retrain"].state
            write_files(state, files)
            run.stages["retrain"] = StageResult("retrain", state, written=tuple(files))
        checks = {"dag": RETRAIN, "commands": params["commands"], "period": PERIOD}
        return Context(context.files, {"dags": DAGS}, run), checks

    return start


def test_a_decision_carried_out_and_no_promotion_on_noise_get_full_points(retrained):
    kept = retrained(decision(), noise="keeps")
    assert retrain_comparison(*kept).score == 1
    outcome = retrain_promotion(*kept)
    assert outcome.score == 1, outcome.message
    assert outcome.message == (
        "decyzja (zostaje v1) wykonana: production = v1 po przebiegu; dotrenowanie na "
        "2013-02 z wymieszanym celem (06.dryf): production zostaje v1"
    )


def test_a_decision_not_carried_out_loses_half(retrained):
    outcome = retrain_promotion(*retrained(decision(promote=True), noise="keeps"))
    assert outcome.score == pytest.approx(1 / 2)
    assert "„promocja v2”, a production po przebiegu wskazuje v1" in outcome.message


def test_a_promotion_on_a_period_whose_target_is_noise_loses_half(retrained):
    promoted = retrained(decision(promote=True), promote=True, noise="promotes")
    outcome = retrain_promotion(*promoted)
    assert outcome.score == pytest.approx(1 / 2)
    assert "decyzja (promocja v2) wykonana" in outcome.message
    assert "production zmienione z v1 na v2" in outcome.message


def test_without_the_shifted_copy_of_06_dryf_only_the_decision_counts(retrained):
    outcome = retrain_promotion(*retrained(decision()))
    assert outcome.score == pytest.approx(1 / 2)
    assert "nie dało się sprawdzić: 06.dryf nie był uruchomiony" in outcome.message


@pytest.mark.parametrize(
    ("record", "score", "expected"),
    [
        (decision(rows=(500, 480)), 3 / 4, "ma być ta sama liczba większa od 0"),
        (decision(period="2013-01"), 3 / 4, "oba mają być oceniane na 2013-02"),
        # Swapped: the champion is not production, and its window is the later one.
        (decision(champion="v2", challenger="v1"), 2 / 4, "champion v2 nie jest wersją production"),
        # A version the registry does not have has no window either.
        (decision(challenger="v7"), 2 / 4, "challengera v7 nie ma w rejestrze po przebiegu"),
    ],
)
def test_a_comparison_on_other_data_or_versions_is_named(retrained, record, score, expected):
    outcome = retrain_comparison(*retrained(record))
    assert outcome.score == pytest.approx(score) and expected in outcome.message


def test_a_challenger_on_the_champions_window_is_named(retrained):
    outcome = retrain_comparison(*retrained(decision(), window_end="2013-02"))
    assert outcome.score == pytest.approx(3 / 4)
    assert "2013-01…2013-02 nie kończy się później niż okno championa 2013-01…2013-02" in (
        outcome.message
    )


def test_a_copy_of_the_decision_is_one_decision_and_another_record_is_not(retrained):
    # The JSON of a report folder's copy is written differently: the same record.
    copy = {"wyniki/decyzje/2013-02.json": dict(reversed(decision().items()))}
    outcome = retrain_comparison(*retrained(decision(), others=copy))
    assert outcome.score == 1, outcome.message
    other = {"wyniki/decyzje/2013-02.json": decision(promote=True)}
    with pytest.raises(StudentError, match="kilka decyzji"):
        retrain_comparison(*retrained(decision(), others=other))


def test_without_a_decision_record_the_contract_is_named(retrained):
    context, params = retrained(None)
    with pytest.raises(StudentError, match="nie zapisał decyzji"):
        retrain_comparison(context, params)
    with pytest.raises(StudentError, match=r"bez pola decision\.promote"):
        retrain_promotion(*retrained({**decision(), "decision": {}}))


def test_without_a_retraining_stage_the_checks_are_skipped(trained):
    context, params = trained()
    context = Context(context.files, {"dags": DAGS}, context.run)
    with pytest.raises(NotRunnable, match=r"dags\.retrain"):
        retrain_comparison(context, {**params, "dag": DAGS["retrain"]})
