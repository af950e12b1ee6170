"""Retraining's decision against the registry (09.porownanie, 09.promocja): a student's
registry (``student_registry.py``) whose retraining stage trained a challenger and
wrote a decision record."""

from __future__ import annotations

import json

import pytest

from grading.checks.base import Context
from grading.checks.run_retrain import retrain_comparison, retrain_promotion
from grading.model import NotRunnable, StudentError
from grading.runs import StageResult
from grading.tests.repos import write_files

pytestmark = pytest.mark.slow  # the student's registry commands run in the sandbox

PERIOD = "2013-02"
DAGS = {"train": {"id": "train_dag"}, "retrain": {"id": "retrain_dag"}}


def decision(promote=False, champion="v1", challenger="v2", rows=(500, 500), period=PERIOD):
    return {
        "champion": {"version": champion, "evaluated_on": {"period": PERIOD, "rows": rows[0]}},
        "challenger": {"version": challenger, "evaluated_on": {"period": period, "rows": rows[1]}},
        "decision": {"promote": promote, "reason": "przedział różnicy ROC AUC"},
    }


@pytest.fixture
def retrained(trained):
    """A session whose retraining stage registered v2 (trained up to ``window_end``)
    next to the production v1 (up to 2013-02), wrote
    ``record`` (none when None) and, with ``promote``, moved production to v2."""

    def start(record, promote=False, window_end="2013-03"):
        context, params = trained()
        run = context.run
        work = run.folder("retrain")
        state = run.copy(work, run.stages["train"].state)
        for command in [f"train {window_end}", *(["promote v2"] if promote else [])]:
            argv = [".venv/bin/python", "registry.py", *command.split()]
            assert run.sandbox(work).run(argv, state, 60).ok
        if record is not None:
            files = {f"data/retraining/{PERIOD}/decision.json": json.dumps(record)}
            write_files(state, files)
        run.stages["retrain"] = StageResult("retrain_dag", state)
        checks = {"dag": DAGS["retrain"], "commands": params["commands"], "period": PERIOD}
        return Context(context.files, {"dags": DAGS}, run), checks

    return start


def test_a_decision_carried_out_on_the_same_rows_gets_both_points(retrained):
    kept = retrained(decision())
    assert retrain_comparison(*kept).score == 1
    assert retrain_promotion(*kept).message.startswith("decyzja (zostaje v1) wykonana")
    promoted = retrained(decision(promote=True), promote=True)
    assert retrain_promotion(*promoted).score == 1


def test_a_decision_not_carried_out_loses_the_promotion_point(retrained):
    said_promote = retrain_promotion(*retrained(decision(promote=True)))
    assert said_promote.score == 0
    assert "„promocja v2”, a production po przebiegu wskazuje v1" in said_promote.message
    said_keep = retrain_promotion(*retrained(decision(promote=False), promote=True))
    assert said_keep.score == 0 and "wskazuje v2" in said_keep.message


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
