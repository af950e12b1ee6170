import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
import skops.io
from sklearn.dummy import DummyClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from zajecia_05_model.registry import Registry, RegistryError


@pytest.fixture
def registry(tmp_path):
    return Registry(tmp_path)


@pytest.fixture
def model():
    return DummyClassifier(strategy="prior").fit([[0], [1]], [0, 1])


def test_versions_are_numbered_and_immutable(registry, model):
    assert registry.register(model, {"note": "pierwsza"}) == "v0001"
    assert registry.register(model, {"note": "druga"}, {"model_card.md": b"# Karta"}) == "v0002"
    assert registry.versions() == ["v0001", "v0002"]
    folder = registry.versions_dir / "v0002"
    assert (folder / "model_card.md").read_bytes() == b"# Karta"
    assert all(path.stat().st_mode & 0o222 == 0 for path in folder.iterdir() if path.is_file())
    meta = registry.metadata("v0002")
    assert (
        meta["note"] == "druga" and meta["version"] == "v0002" and len(meta["model_sha256"]) == 64
    )
    assert not list(registry.versions_dir.glob(".v*"))  # no staging leftovers


def test_load_returns_the_model(registry, model):
    registry.register(model, {})
    loaded = registry.load("v0001")
    assert loaded.version == "v0001"
    assert loaded.model.predict_proba([[3]]).tolist() == [[0.5, 0.5]]


def test_changed_model_file_is_refused(registry, model):
    registry.register(model, {})
    path = registry.versions_dir / "v0001" / "model.skops"
    path.chmod(0o644)
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(RegistryError, match="został zmieniony"):
        registry.load("v0001")


def test_untrusted_types_are_refused_even_with_a_matching_checksum(registry, model):
    dangerous = Pipeline([("run", FunctionTransformer(func=os.system))])
    with pytest.raises(RegistryError, match=r"niezaufane typy w pliku: .*system"):
        registry.register(dangerous, {})
    assert registry.versions() == []
    # A version folder changed by hand, checksum included, is refused when loaded.
    registry.register(model, {})
    folder = registry.versions_dir / "v0001"
    data = skops.io.dumps(dangerous)
    metadata = registry.metadata("v0001") | {"model_sha256": hashlib.sha256(data).hexdigest()}
    for name, content in (("model.skops", data), ("metadata.json", json.dumps(metadata).encode())):
        (folder / name).chmod(0o644)
        (folder / name).write_bytes(content)
    with pytest.raises(RegistryError, match=r"niezaufane typy w pliku: .*system"):
        registry.load("v0001")


def test_moving_an_alias_verifies_the_checksum_without_loading_the_model(
    registry, model, monkeypatch
):
    registry.register(model, {})

    def refuse(*args, **kwargs):
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(skops.io, "loads", refuse)
    assert registry.promote("v0001") is None
    assert registry.aliases() == {"production": "v0001"}


def test_aliases_promote_and_rollback(registry, model):
    for _ in range(3):
        registry.register(model, {})
    assert registry.promote("v0001") is None
    assert registry.promote("v0003") == "v0001"
    registry.promote("v0002", "staging")
    assert registry.aliases() == {"production": "v0003", "staging": "v0002"}
    assert registry.resolve("production") == "v0003"
    assert registry.rollback() == "v0001"
    assert registry.load("production").version == "v0001"
    with pytest.raises(RegistryError, match="nie ma poprzedniej wersji"):
        registry.rollback()
    history = json.loads((registry.aliases_dir / "production.json").read_text())["history"]
    assert history == ["v0001"]


def test_a_changed_version_cannot_be_promoted(registry, model):
    registry.register(model, {})
    registry.register(model, {})
    registry.promote("v0001")
    (registry.versions_dir / "v0002" / "model.skops").chmod(0o644)
    (registry.versions_dir / "v0002" / "model.skops").write_bytes(b"zmieniony")
    with pytest.raises(RegistryError, match="został zmieniony"):
        registry.promote("v0002")
    assert registry.aliases() == {"production": "v0001"}


@pytest.mark.parametrize("name", ["v0009", "canary"])
def test_unknown_version_or_alias(registry, model, name):
    registry.register(model, {})
    with pytest.raises(RegistryError, match=name):
        registry.load(name)


def test_concurrent_registrations_get_distinct_versions(registry, model):
    # result() raises what a registration raised, so an error is not lost in its thread.
    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(registry.register, model, {}) for _ in range(6)]
        versions = [future.result() for future in futures]
    assert sorted(versions) == [f"v{n:04d}" for n in range(1, 7)]


def test_promoting_the_current_version_again_changes_nothing(registry, model):
    registry.register(model, {})
    registry.register(model, {})
    registry.promote("v0001")
    registry.promote("v0002")
    assert registry.promote("v0002") == "v0002"
    assert registry.rollback() == "v0001"


def test_rollback_refuses_a_changed_previous_version(registry, model):
    registry.register(model, {})
    registry.register(model, {})
    registry.promote("v0001")
    registry.promote("v0002")
    (registry.versions_dir / "v0001" / "model.skops").chmod(0o644)
    (registry.versions_dir / "v0001" / "model.skops").write_bytes(b"zmieniony")
    with pytest.raises(RegistryError, match="został zmieniony"):
        registry.rollback()
    assert registry.aliases() == {"production": "v0002"}


@pytest.mark.parametrize("alias", ["../../poza", "Production", ""])
def test_alias_names_are_checked(registry, model, alias):
    registry.register(model, {})
    with pytest.raises(RegistryError, match="niepoprawna nazwa aliasu"):
        registry.promote("v0001", alias)


def test_tags_say_what_happened_to_a_version_without_changing_it(registry, model):
    registry.register(model, {})
    before = registry.verified_bytes("v0001")
    assert registry.tags("v0001") == {}
    registry.tag("v0001", "decision", "odrzucona: poprawa w szumie")
    assert registry.tag("v0001", "owner", "zespół") == {
        "decision": "odrzucona: poprawa w szumie",
        "owner": "zespół",
    }
    assert registry.verified_bytes("v0001") == before  # still passes its checksum
    with pytest.raises(RegistryError, match="nie ma wersji"):
        registry.tag("v0042", "decision", "x")
    with pytest.raises(RegistryError, match="znacznika"):
        registry.tag("v0001", "Decision!", "x")
