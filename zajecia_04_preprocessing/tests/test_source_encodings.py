"""A source in another encoding, end to end: class 03's ingest, then this class's step.

January 2013 as gzip CSV with local offsets and integers written as floats (``file://``),
as Parquet with nanoseconds and categories (HTTP), and as CSV whose weather timestamps
carry nine fractional digits (the real ``flights_ingest`` DAG) must give the package's
raw partitions byte for byte, in the one schema per table, and the same features.
Before, nanosecond weather passed the ingest and broke the join with flights here. The
other encodings are checked on a few rows in class 03 (``tests/test_encodings.py``).
"""

import functools
import http.server
import threading

import pyarrow.parquet as pq
import pytest

from kurs.repository import data_dir
from zajecia_03_airflow_ingest.config import SETTINGS, load_config
from zajecia_03_airflow_ingest.ingest import ingest_month, ingest_reference
from zajecia_03_airflow_ingest.partitions import raw_partition
from zajecia_03_airflow_ingest.tests.encodings import package_text, write_source
from zajecia_03_airflow_ingest.validation import raw_schema
from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_04_preprocessing.preprocess import preprocess_month
from zajecia_04_preprocessing.tests.shared_data import features_quarter

MONTH = "2013-01"
PARTITIONS = {"flights": MONTH, "weather": MONTH, "planes": None, "airports": None}
PARTITIONS["airlines"] = None


@pytest.fixture(scope="module")
def january_text():
    return package_text(month=1)


@pytest.fixture(scope="module")
def package_january(tmp_path_factory):
    """A data folder with January ingested from the package and preprocessed."""
    return features_quarter(tmp_path_factory)


def ingest(folder, source: str, settings: dict) -> None:
    config = load_config(folder, {"source": source, **settings}, environ={})
    ingest_reference(config)
    ingest_month(MONTH, config)


def assert_same_as_package(folder, package) -> None:
    features = preprocess_month(MONTH, folder)
    for table, month in PARTITIONS.items():
        partition = raw_partition(folder, table, month)
        manifest = partition.manifest()
        stored = pq.read_schema(partition.folder / manifest["data_file"])
        assert stored.serialize() == raw_schema(table).serialize(), table
        expected = raw_partition(package, table, month).manifest()
        assert manifest["data_sha256"] == expected["data_sha256"], table
    assert features["data_sha256"] == features_partition(package, MONTH).manifest()["data_sha256"]


@pytest.mark.parametrize("encoding", ["csv_gzip_offsets_floats"])
def test_a_file_source_in_another_encoding(tmp_path, january_text, package_january, encoding):
    settings = write_source(tmp_path / "source", january_text, encoding, MONTH)
    ingest(tmp_path / "data", (tmp_path / "source").as_uri(), settings)
    assert_same_as_package(tmp_path / "data", package_january)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


def test_an_http_source_of_parquet_files(tmp_path, january_text, package_january):
    folder = tmp_path / "served"
    settings = write_source(folder, january_text, "parquet_ns_categories", MONTH)
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        ingest(tmp_path / "data", f"http://127.0.0.1:{server.server_address[1]}/", settings)
    finally:
        server.shutdown()
        server.server_close()
    assert_same_as_package(tmp_path / "data", package_january)


@pytest.mark.slow
def test_nanosecond_weather_through_the_ingest_dag(
    run_dag, tmp_path, monkeypatch, january_text, package_january
):
    settings = write_source(tmp_path / "source", january_text, "csv_weather_nanoseconds", MONTH)
    for name, value in settings.items():  # the deployment's settings: MLOPS_INGEST_*
        monkeypatch.setenv(SETTINGS[name][0], value)
    run = run_dag("flights_ingest", MONTH, source=(tmp_path / "source").as_uri())
    assert run.state == "success"
    assert_same_as_package(data_dir(), package_january)
