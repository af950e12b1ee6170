"""The registry checks of the run mode against small student registries the tests build:
one that checks its files, one that trusts them, one that never gets a second version,
one that prints a table instead of JSON."""

from __future__ import annotations

import pytest

from grading.checks.run_registry import (
    registry_commands,
    registry_metadata,
    tampered_model_refused,
)
from grading.model import StudentError
from grading.tests.student_registry import COMMANDS

pytestmark = pytest.mark.slow  # every command is a sandboxed process


def test_a_registry_that_checks_its_files_gets_every_point(trained):
    context, params = trained()
    metadata = registry_metadata(context, params)
    assert metadata.score == 1, metadata.message
    commands = registry_commands(context, params)
    assert commands.score == 1, commands.message
    assert "promote v2 → production = v2" in commands.message
    tampered = tampered_model_refused(context, params)
    assert tampered.score == 1, tampered.message
    assert "production zostaje na v1" in tampered.message


def test_a_registry_trusting_its_files_and_thin_metadata_lose_points(trained):
    context, params = trained(verifies=False, metrics={"validation": {"roc_auc": 0.7}})
    tampered = tampered_model_refused(context, params)
    assert tampered.score == 0
    assert "promote v2 ze zmienionym plikiem modelu zakończył się kodem 0" in tampered.message
    assert "production wskazuje v2 zamiast v1" in tampered.message
    metadata = registry_metadata(context, params)
    assert metadata.score == pytest.approx(4 / 5)
    assert "metryki per okres" in metadata.message
    # Each check had its own copy: the tampered file is not in the next check's registry.
    assert registry_commands(context, params).score == 1


def test_a_rollback_that_does_nothing_loses_its_step(trained):
    context, params = trained(commands={**COMMANDS, "rollback": "true"})
    outcome = registry_commands(context, params)
    assert outcome.score == pytest.approx(3 / 4)
    assert "rollback → production = v1 (production wskazuje v2)" in outcome.message


def test_one_version_only_and_a_table_instead_of_json_are_messages(trained):
    context, params = trained(new_version=False)
    with pytest.raises(StudentError, match="wciąż jedną wersję"):
        registry_commands(context, params)
    table = {**COMMANDS, "registry_list": "echo wersja aliasy"}
    context, params = trained(commands=table)
    with pytest.raises(StudentError, match="nie wypisał JSON-a"):
        registry_metadata(context, params)


def test_a_failing_second_training_fails_the_checks_that_need_it_once(trained):
    broken = {**COMMANDS, "train": ".venv/bin/python -c 'raise SystemExit(3)' {month}"}
    context, params = trained(commands=broken)
    with pytest.raises(StudentError, match=r"drugi trening .*kod wyjścia 3"):
        registry_commands(context, params)
    with pytest.raises(StudentError, match=r"drugi trening"):
        tampered_model_refused(context, params)
    assert sum(1 for p in (context.run.root / "checks").iterdir() if "history" in p.name) == 1
