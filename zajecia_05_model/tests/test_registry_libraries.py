"""A version saved with other library versions is refused unless the risk is accepted."""

import logging
import warnings
from importlib.metadata import version as installed

import pytest
import sklearn
import skops.io
from sklearn.dummy import DummyClassifier

from zajecia_05_model.library_versions import OVERRIDE_VARIABLE, warned_mismatches
from zajecia_05_model.registry import LibraryMismatch, Registry, RegistryError
from zajecia_05_model.tests.other_libraries import OTHER_SKLEARN, saved_by_other_sklearn

NUMPY = installed("numpy")
MAJOR, MINOR, *_ = NUMPY.split(".")


@pytest.fixture
def registry(tmp_path, monkeypatch):
    monkeypatch.delenv(OVERRIDE_VARIABLE, raising=False)
    return Registry(tmp_path)


@pytest.fixture
def model():
    return DummyClassifier(strategy="prior").fit([[0], [1]], [0, 1])


def register(registry, model, **libraries):
    return registry.register(model, {"libraries": libraries, "code_version": "abc123def456"})


def test_other_scikit_learn_in_metadata_is_refused_with_both_versions_and_the_way_out(
    registry, model
):
    register(registry, model, **{"scikit-learn": OTHER_SKLEARN, "numpy": NUMPY})
    with pytest.raises(LibraryMismatch) as refused:
        registry.load("v0001")
    message = str(refused.value)
    assert f"scikit-learn {OTHER_SKLEARN} (zainstalowana: {sklearn.__version__})" in message
    for way_out in ("make run", "flights_train", "uv.lock", "abc123def456", "make setup"):
        assert way_out in message
    assert f"{OVERRIDE_VARIABLE}=1" in message


@pytest.mark.parametrize(
    ("libraries", "refused"),
    [
        ({"numpy": f"{MAJOR}.{MINOR}.999"}, False),  # a patch release
        ({"numpy": f"{MAJOR}.{int(MINOR) + 1}.0"}, True),  # a feature release
        ({"numpy": f"{int(MAJOR) - 1}.26.4"}, True),
        ({"skops": "0.1", "pandas": "1.0", "pyarrow": "1.0", "python": "3.9.0"}, False),
        ({"scikit-learn": sklearn.__version__, "numpy": NUMPY}, False),
    ],
)
def test_which_libraries_count(registry, model, libraries, refused):
    register(registry, model, **libraries)
    if refused:
        with pytest.raises(LibraryMismatch, match="numpy"):
            registry.load("v0001")
    else:
        assert registry.load("v0001").version == "v0001"


def test_override_loads_and_logs_a_warning(registry, model, monkeypatch, caplog):
    register(registry, model, **{"scikit-learn": OTHER_SKLEARN})
    with caplog.at_level(logging.WARNING, logger="zajecia_05_model.registry"):
        loaded = registry.load("v0001", allow_library_mismatch=True)
    assert loaded.model.predict_proba([[3]]).tolist() == [[0.5, 0.5]]
    assert f"scikit-learn {OTHER_SKLEARN}" in caplog.text and OVERRIDE_VARIABLE in caplog.text
    monkeypatch.setenv(OVERRIDE_VARIABLE, "1")
    assert registry.load("v0001").version == "v0001"
    with pytest.raises(LibraryMismatch):  # the parameter wins over the environment
        registry.load("v0001", allow_library_mismatch=False)


def test_bad_override_value_names_the_variable(registry, model, monkeypatch):
    register(registry, model)
    monkeypatch.setenv(OVERRIDE_VARIABLE, "tak")
    with pytest.raises(RegistryError, match=f"{OVERRIDE_VARIABLE} może mieć wartość 1 albo 0"):
        registry.load("v0001")


def test_model_file_from_another_scikit_learn_is_refused_by_its_warning(
    registry, model, tmp_path, caplog
):
    # The metadata says nothing; the estimators in the file say where they come from.
    path = tmp_path / "model.skops"
    path.write_bytes(saved_by_other_sklearn(skops.io.dumps(model)))
    registry.register_file(path, {})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may leak as a warning either
        with pytest.raises(LibraryMismatch, match=f"scikit-learn {OTHER_SKLEARN}"):
            registry.load("v0001")
        with caplog.at_level(logging.WARNING, logger="zajecia_05_model.registry"):
            assert registry.load("v0001", allow_library_mismatch=True).version == "v0001"
    assert f"scikit-learn {OTHER_SKLEARN}" in caplog.text


def test_other_warnings_of_loading_are_not_swallowed():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("inne ostrzeżenie", UserWarning, stacklevel=1)
    with warnings.catch_warnings(record=True) as issued_again:
        warnings.simplefilter("always")
        assert warned_mismatches(caught) == []
    assert [str(warning.message) for warning in issued_again] == ["inne ostrzeżenie"]
    assert issued_again[0].category is UserWarning


def test_alias_never_moves_to_a_version_the_libraries_refuse(registry, model):
    register(registry, model)
    register(registry, model, **{"scikit-learn": OTHER_SKLEARN})
    registry.promote("v0001")
    with pytest.raises(LibraryMismatch, match=OTHER_SKLEARN):
        registry.promote("v0002")
    assert registry.aliases() == {"production": "v0001"}
    registry.promote("v0002", allow_library_mismatch=True)  # the risk accepted
    registry.register(model, {})
    registry.promote("v0003")
    with pytest.raises(LibraryMismatch):  # rolling back onto v0002 needs the override too
        registry.rollback()
    assert registry.aliases() == {"production": "v0003"}
    assert registry.rollback(allow_library_mismatch=True) == "v0002"
