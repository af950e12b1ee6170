"""The model card of a registered version, and its committed copy in ``karta_modelu/``."""

import re

from sklearn.dummy import DummyClassifier

from zajecia_05_model.metadata import BASELINES, MAIN_MODEL, ModelMetadata
from zajecia_05_model.model_card import PUBLISHED, card_markdown, publish
from zajecia_05_model.registry import CARD_FILE, Registry
from zajecia_05_model.tests.committed import assert_kept_by_git, volatile_content
from zajecia_05_model.tests.synthetic import model_metadata

METRICS = {
    "roc_auc": 0.78,
    "pr_auc": 0.61,
    "brier": 0.16,
    "precision": 0.6,
    "recall": 0.52,
    "f1": 0.56,
    "flagged_share": 0.3,
}
MONTH = {**METRICS, "rows": 28_000, "positive_rate": 0.3}
COMMIT = "0123abcd4567+dirty"
FIGURES = {"figures/roc.png": b"\x89PNG roc", "figures/calibration.png": b"\x89PNG calibration"}
IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")


def registered(data_dir):
    """A registry with one version: complete metadata, a card and two figures."""
    metadata = model_metadata(
        METRICS,
        rows={"window": 100_000, "fit": 80_000, "validation": 20_000},
        backtest={"months": ["2013-07"], "pooled": MONTH, "per_month": {"2013-07": MONTH}},
        libraries={"scikit-learn": "1.0"},
        code_version=COMMIT,
    )
    metadata["metrics"]["validation"] = {name: METRICS for name in (MAIN_MODEL, *BASELINES)}
    registry = Registry(data_dir)
    model = DummyClassifier().fit([[0], [1]], [0, 1])
    registry.register(model, metadata, {CARD_FILE: b"# stara karta\n", **FIGURES})
    return registry


def test_card_of_a_version_is_published_with_its_figures(tmp_path):
    registry = registered(tmp_path / "data")
    out = tmp_path / "karta_modelu"
    (out / "figures").mkdir(parents=True)
    (out / "figures" / "old.png").write_bytes(b"a figure of an earlier card")

    paths = publish(registry, "v0001", out)

    assert paths == [out / CARD_FILE, out / "figures/calibration.png", out / "figures/roc.png"]
    assert sorted(p.name for p in (out / "figures").iterdir()) == ["calibration.png", "roc.png"]
    assert all((out / name).read_bytes() == data for name, data in FIGURES.items())
    card = (out / CARD_FILE).read_text(encoding="utf-8")
    metadata = ModelMetadata.from_dict(registry.metadata("v0001"))
    assert card == card_markdown(metadata, "flights_delay", "v0001")
    assert card.startswith("# Karta modelu — flights_delay v0001\n")
    assert "| HistGradientBoosting (model główny) | 0,780 | 0,610 | 0,160 |" in card
    assert "| 2013-07 | 28 000 | 30,0% | 0,780 |" in card


def test_published_card_has_nothing_that_changes_between_runs(tmp_path):
    registry = registered(tmp_path / "data")
    first = publish(registry, "v0001", tmp_path / "a")
    second = publish(registry, "v0001", tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    card = first[0].read_text(encoding="utf-8")
    assert COMMIT.split("+")[0] not in card
    assert registry.metadata("v0001")["registered_at"] not in card
    assert volatile_content(card) == []
    assert volatile_content(f"{COMMIT} {tmp_path}/x 2013-07-01T10:00") != []


def test_committed_card_and_its_figures():
    """``karta_modelu/`` is written by ``make run`` (step of this class) and committed."""
    card_path = PUBLISHED / CARD_FILE
    assert_kept_by_git(card_path)
    card = card_path.read_text(encoding="utf-8")
    assert re.match(r"# Karta modelu — flights_delay v\d{4}\n", card)
    assert volatile_content(card) == []
    links = IMAGE_LINK.findall(card)
    assert "figures/roc.png" in links
    # Every figure the card shows is committed, and no other is left behind.
    assert sorted(links) == sorted(f"figures/{p.name}" for p in (PUBLISHED / "figures").iterdir())
    for link in links:
        assert_kept_by_git(PUBLISHED / link)
        figure = (PUBLISHED / link).read_bytes()
        assert figure.startswith(b"\x89PNG") and b"Software" not in figure
