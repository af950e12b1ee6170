import json
from pathlib import Path

import pytest
from sklearn.dummy import DummyClassifier

from kurs.checksum import sha256_bytes
from kurs.exit_codes import ERROR, OK
from zajecia_05_model.registry import Registry
from zajecia_05_model.registry_cli import main, model_summary
from zajecia_05_model.tests.other_libraries import OTHER_SKLEARN, register_with_other_sklearn
from zajecia_05_model.tests.synthetic import model_metadata

METADATA = model_metadata(
    {"roc_auc": 0.788},
    train_months=["2013-01", "2013-06"],
    validation_month="2013-06",
    threshold=0.45,
    code_version="abc",
)


@pytest.fixture
def data_dir(tmp_path):
    registry = Registry(tmp_path)
    model = DummyClassifier().fit([[0], [1]], [0, 1])
    registry.register(model, METADATA)
    registry.register(model, METADATA)
    registry.promote("v0001")
    return tmp_path


def run(data_dir, *args):
    return main(["--data-dir", str(data_dir), *args])


def test_list_and_show(data_dir, capsys):
    assert run(data_dir, "list") == OK
    out = capsys.readouterr().out
    assert "v0001" in out and "production" in out and "0,788" in out
    assert run(data_dir, "show", "production") == OK
    assert "flights_delay v0001" in capsys.readouterr().out
    Registry(data_dir).tag("v0002", "decision", "odrzucona")
    assert run(data_dir, "show", "v0002") == OK
    assert "znacznik decision: odrzucona" in capsys.readouterr().out


def test_promote_then_rollback(data_dir, capsys):
    assert run(data_dir, "promote", "v0002") == OK
    assert "production: v0001 → v0002" in capsys.readouterr().out
    assert run(data_dir, "rollback") == OK
    assert Registry(data_dir).aliases()["production"] == "v0001"


def test_errors_are_messages_with_exit_code(data_dir, capsys):
    assert run(data_dir, "promote", "v0042") == ERROR
    assert "nie ma wersji 'v0042'" in capsys.readouterr().err
    assert run(data_dir, "rollback", "--alias", "staging") == ERROR


@pytest.mark.parametrize("command", [["list"], ["show", "production"], ["rollback"]])
def test_a_missing_registry_is_an_error_naming_the_folder_and_the_next_step(
    tmp_path, command, capsys
):
    """A wrong or empty data folder is not "an empty registry": it names where it looked."""
    assert run(tmp_path / "nie-ma", *command) == ERROR
    err = capsys.readouterr().err
    assert f"brak rejestru modeli w {tmp_path}/nie-ma/registry/flights_delay" in err
    assert "python -m kurs --only 5" in err and "MLOPS_DATA_DIR" in err


def test_a_registry_without_versions_lists_none_and_says_where(tmp_path, capsys):
    Registry(tmp_path).root.mkdir(parents=True)
    assert run(tmp_path, "list") == OK
    assert f"Rejestr {tmp_path}/registry/flights_delay nie ma jeszcze" in capsys.readouterr().out


def test_model_summary_line(data_dir):
    registry = Registry(data_dir)
    registry.promote("v0002", "staging")
    assert model_summary(registry) == (
        "model v0002: ROC AUC walidacja 0,788, test wsteczny —; próg 0,450; production → v0001"
    )


def test_show_names_the_training_libraries_and_warns_of_other_versions(data_dir, capsys):
    other = register_with_other_sklearn(Registry(data_dir))
    assert run(data_dir, "show", "v0001") == OK
    assert "UWAGA" not in capsys.readouterr().out
    assert run(data_dir, "show", other) == OK
    out = capsys.readouterr().out
    assert f"scikit-learn {OTHER_SKLEARN}" in out
    assert "UWAGA" in out and "MLOPS_ALLOW_LIBRARY_MISMATCH=1" in out


def test_json_list_and_show_give_what_the_grader_reads(data_dir, capsys):
    """The grader's run mode (grading/README.md, "Rejestr") parses these, not the table."""
    assert run(data_dir, "list", "--json") == OK
    assert json.loads(capsys.readouterr().out) == {
        "versions": ["v0001", "v0002"],
        "aliases": {"production": "v0001"},
    }
    assert run(data_dir, "show", "production", "--json") == OK
    shown = json.loads(capsys.readouterr().out)
    assert shown["version"] == "v0001" and shown["aliases"] == ["production"]
    model = Path(shown["model_path"])
    assert model.is_file() and sha256_bytes(model.read_bytes()) == shown["model_sha256"]
    assert shown["train_months"] == ["2013-01", "2013-06"]
    assert shown["metrics"]["validation"]["hist_gradient_boosting"]["roc_auc"] == 0.788


def test_json_list_of_an_empty_registry(tmp_path, capsys):
    Registry(tmp_path).root.mkdir(parents=True)
    assert run(tmp_path, "list", "--json") == OK
    assert json.loads(capsys.readouterr().out) == {"versions": [], "aliases": {}}
