import pytest

from zajecia_03_airflow_ingest.config import load_config


def test_defaults_work_offline(tmp_path):
    config = load_config(tmp_path, environ={})
    assert config.source == "package"
    assert config.data_dir == tmp_path
    assert config.file_name("flights", "2013-01") == "flights.csv.zip"
    assert config.file_name("planes", "") == "planes.csv"
    assert not config.is_monthly("flights")


def test_environment_then_overrides(tmp_path):
    environ = {"MLOPS_INGEST_SOURCE": "https://example.org/", "MLOPS_INGEST_RETRIES": "5"}
    config = load_config(tmp_path, {"source": "file:///dane", "retries": None}, environ=environ)
    assert config.source == "file:///dane"
    assert config.retries == 5


def test_monthly_file_names(tmp_path):
    config = load_config(tmp_path, {"flights_file": "flights-{month}.csv"}, environ={})
    assert config.file_name("flights", "2013-05") == "flights-2013-05.csv"
    assert config.is_monthly("flights") and not config.is_monthly("weather")


def test_reference_tables_are_named_by_settings_too(tmp_path):
    environ = {"MLOPS_INGEST_PLANES_FILE": "planes.parquet"}
    config = load_config(tmp_path, {"airlines_file": "airlines.csv.gz"}, environ=environ)
    assert config.file_name("planes", "") == "planes.parquet"
    assert config.file_name("airlines", "") == "airlines.csv.gz"
    assert config.file_name("airports", "") == "airports.csv"


def test_checksums_from_text_and_mapping(tmp_path):
    environ = {"MLOPS_INGEST_SHA256": "weather.csv=ABC, planes.csv=def"}
    assert load_config(tmp_path, environ=environ).checksums == {
        "weather.csv": "abc",
        "planes.csv": "def",
    }
    assert load_config(tmp_path, {"checksums": {"a.csv": "F0"}}, environ={}).checksums == {
        "a.csv": "f0"
    }


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
def test_bad_settings_are_named(tmp_path, overrides, message):
    with pytest.raises(ValueError, match=message):
        load_config(tmp_path, overrides, environ={})
