import json
import shutil

import pytest

from zajecia_05_model.pipeline import (
    QualityGateFailed,
    check_quality_gate,
    register_candidate,
    train_candidate,
)
from zajecia_05_model.registry import Registry


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
    summary = {"validation_auc": auc, "best_baseline_auc": 0.77, "min_auc_gain": gain}
    if passes:
        check_quality_gate(summary)
    else:
        with pytest.raises(QualityGateFailed, match="nie został zarejestrowany"):
            check_quality_gate(summary)


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
    # The task is retried after registering (its candidate folder may still be there).
    shutil.copytree(copy, candidate)
    assert register_candidate(candidate, registry) == first
    assert registry.versions() == [first]
