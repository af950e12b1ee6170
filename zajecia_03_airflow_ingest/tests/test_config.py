import pytest

from zajecia_03_airflow_ingest.config import REPO_ROOT, code_version, data_dir, load_config


def test_defaults_work_offline(monkeypatch):
    monkeypatch.delenv("MLOPS_DATA_DIR", raising=False)
    config = load_config(environ={})
    assert config.source == "package"
    assert config.data_dir == REPO_ROOT / "data"
    assert config.file_name("flights", "2013-01") == "flights.csv.zip"
    assert config.file_name("planes", "") == "planes.csv"
    assert not config.is_monthly("flights")


def test_environment_then_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("MLOPS_DATA_DIR", str(tmp_path))
    environ = {"MLOPS_INGEST_SOURCE": "https://example.org/", "MLOPS_INGEST_RETRIES": "5"}
    config = load_config({"source": "file:///dane", "retries": None}, environ=environ)
    assert config.source == "file:///dane"
    assert config.retries == 5
    assert config.data_dir == tmp_path.resolve() == data_dir()


def test_monthly_file_names():
    config = load_config({"flights_file": "flights-{month}.csv"}, environ={})
    assert config.file_name("flights", "2013-05") == "flights-2013-05.csv"
    assert config.is_monthly("flights") and not config.is_monthly("weather")


def test_checksums_from_text_and_mapping():
    environ = {"MLOPS_INGEST_SHA256": "weather.csv=ABC, planes.csv=def"}
    assert load_config(environ=environ).checksums == {"weather.csv": "abc", "planes.csv": "def"}
    assert load_config({"checksums": {"a.csv": "F0"}}, environ={}).checksums == {"a.csv": "f0"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"retries": "trzy"}, "ustawienie 'retries': niepoprawna wartość 'trzy'"),
        ({"max_bad_share": 2}, "ustawienie 'max_bad_share': musi być ≤ 1, jest 2"),
        ({"timeout_s": 0}, "ustawienie 'timeout_s': musi być > 0, jest 0"),
        ({"backoff_s": -1}, "ustawienie 'backoff_s': musi być ≥ 0, jest -1"),
        ({"timeout_s": "nan"}, "ustawienie 'timeout_s': musi być > 0"),
        ({"checksums": "bez-znaku-rownosci"}, "ustawienie 'checksums'"),
        ({"sourse": "package"}, "nieznane ustawienie pobierania: 'sourse'"),
    ],
)
def test_bad_settings_are_named(overrides, message):
    with pytest.raises(ValueError, match=message):
        load_config(overrides, environ={})


def test_code_version_prefers_the_environment(monkeypatch):
    code_version.cache_clear()
    monkeypatch.setenv("MLOPS_CODE_VERSION", "obraz-1.2")
    assert code_version() == "obraz-1.2"
    code_version.cache_clear()
    monkeypatch.delenv("MLOPS_CODE_VERSION")
    assert code_version() != "unknown"  # the repository is a git checkout
    code_version.cache_clear()
