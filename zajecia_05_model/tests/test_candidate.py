import json
import shutil
from pathlib import Path

import pytest
import skops.io

from zajecia_05_model.candidate import (
    QualityGateFailed,
    candidate_metadata,
    check_quality_gate,
    register_candidate,
    train_candidate,
)
from zajecia_05_model.metadata import ModelMetadata
from zajecia_05_model.registry import Registry
from zajecia_05_model.tests.synthetic import model_metadata


def test_candidate_folder_with_model_card(features_dir, small_config):
    summary = train_candidate(small_config, features_dir, "run-1")
    folder = features_dir / "candidates" / "run-1"
    assert summary["candidate"] == str(folder)
    metadata = json.loads((folder / "metadata.json").read_text())
    assert (
        metadata["train_months"] == ["2013-01", "2013-02"]
        and metadata["validation_month"] == "2013-02"
    )
    assert metadata["threshold"] == summary["threshold"]
    assert {"scikit-learn", "skops", "python"} <= metadata["libraries"].keys()
    assert candidate_metadata(folder).validation_auc == summary["validation_auc"]
    card = (folder / "model_card.md").read_text()
    for heading in (
        "## Dane",
        "## Walidacja",
        "## Próg decyzyjny",
        "## Test wsteczny",
        "## Ograniczenia",
    ):
        assert heading in card
    assert {p.name for p in (folder / "figures").iterdir()} == {
        "roc.png",
        "calibration.png",
        "auc_per_month.png",
    }


@pytest.mark.parametrize(
    ("auc", "gain", "passes"), [(0.78, 0.0, True), (0.78, 0.5, False), (float("nan"), 0.0, False)]
)
def test_quality_gate(auc, gain, passes):
    metadata = ModelMetadata.from_dict(model_metadata({"roc_auc": auc}, min_auc_gain=gain))
    metadata.validation["logistic_regression"]["roc_auc"] = 0.77
    if passes:
        check_quality_gate(metadata)
    else:
        with pytest.raises(QualityGateFailed, match=r"najlepszy punkt odniesienia .* wymagane"):
            check_quality_gate(metadata)


def test_first_model_becomes_production_later_ones_staging(features_dir, small_config):
    registry = Registry(features_dir)
    first = register_candidate(
        train_candidate(small_config, features_dir, "a")["candidate"], registry
    )
    second = register_candidate(
        train_candidate(small_config, features_dir, "b")["candidate"], registry
    )
    assert registry.aliases() == {"production": first, "staging": second}
    assert not (features_dir / "candidates" / "a").exists()
    assert (registry.versions_dir / second / "model_card.md").is_file()
    assert (registry.versions_dir / second / "figures" / "roc.png").is_file()


def test_registering_the_same_candidate_twice_gives_one_version(features_dir, small_config):
    registry = Registry(features_dir)
    candidate = train_candidate(small_config, features_dir, "run-7")["candidate"]
    copy = features_dir / "copy"
    shutil.copytree(candidate, copy)
    first = register_candidate(candidate, registry)
    other = register_candidate(
        train_candidate(small_config, features_dir, "run-8")["candidate"], registry
    )
    # The task is retried after registering (its candidate folder may still be there).
    shutil.copytree(copy, candidate)
    assert register_candidate(candidate, registry) == first
    assert registry.versions() == [first, other]
    assert registry.aliases()["staging"] == first  # what this run registered


def test_registration_stores_the_candidate_file_as_it_is_and_never_loads_it(
    features_dir, small_config, monkeypatch
):
    candidate = Path(train_candidate(small_config, features_dir, "run-9")["candidate"])
    written = (candidate / "model.skops").read_bytes()

    def refuse(*args, **kwargs):
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(skops.io, "load", refuse)
    monkeypatch.setattr(skops.io, "loads", refuse)
    registry = Registry(features_dir)
    version = register_candidate(candidate, registry)
    assert (registry.versions_dir / version / "model.skops").read_bytes() == written
    assert registry.aliases() == {"production": version, "staging": version}
