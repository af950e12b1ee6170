"""One raw schema per table, whatever the source's encoding (CSV or Parquet, compressed,
timestamps from seconds to nanoseconds, integers with gaps as floats, categories)."""

import gzip
import io
import zipfile

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zajecia_02_eda.data import TABLES
from zajecia_03_airflow_ingest.config import load_config
from zajecia_03_airflow_ingest.ingest import ingest_month, ingest_reference
from zajecia_03_airflow_ingest.partitions import Partition, SchemaMismatch, raw_partition
from zajecia_03_airflow_ingest.tests.encodings import ENCODINGS, package_text, write_source
from zajecia_03_airflow_ingest.validation import (
    SchemaError,
    canonical_dtypes,
    raw_schema,
    read_raw,
    validate,
)

MONTH = "2013-01"


@pytest.fixture(scope="module")
def small_text():
    return package_text(month=1, rows=300)


def stored_schema(partition: Partition) -> pa.Schema:
    return pq.read_schema(partition.folder / partition.manifest()["data_file"])


def ingest_encoding(folder, small_text, encoding):
    settings = write_source(folder / "source", small_text, encoding, MONTH)
    config = load_config(
        folder / "data", {"source": (folder / "source").as_uri(), **settings}, environ={}
    )
    manifests = {**ingest_reference(config), **ingest_month(MONTH, config)}
    return config, manifests


def test_every_encoding_gives_the_same_partitions_with_the_one_schema(tmp_path, small_text):
    expected = None
    for encoding in ENCODINGS:  # the package's own CSV first: the others must equal it
        config, manifests = ingest_encoding(tmp_path / encoding, small_text, encoding)
        for table, manifest in manifests.items():
            partition = raw_partition(config.data_dir, table, manifest["month"])
            assert manifest["rows_quarantined"] == 0, (encoding, table)
            stored = stored_schema(partition)
            assert stored.serialize() == raw_schema(table).serialize(), (encoding, table)
            assert manifest["arrow_schema"] == {f.name: str(f.type) for f in raw_schema(table)}
        expected = expected or manifests
        for table, manifest in manifests.items():
            assert manifest["data_sha256"] == expected[table]["data_sha256"], (encoding, table)


def test_the_raw_schema_is_the_class_02_types_with_text_and_microseconds():
    weather = raw_schema("weather")
    assert weather.field("time_hour").type == pa.timestamp("us", tz="UTC")
    assert weather.field("origin").type == pa.large_string()
    assert raw_schema("flights").names == [*TABLES["flights"].dtypes, "sched_dep_utc"]
    assert canonical_dtypes("planes")["year"] == "Int16"  # a gap stays a gap, not NaN


def test_timestamps_finer_than_a_microsecond_are_quarantined(tmp_path, small_text):
    weather = small_text["weather"].head(2).copy()
    weather.loc[0, "time_hour"] = weather.loc[0, "time_hour"].replace("Z", ".000000001Z")
    path = tmp_path / "weather.csv"
    path.write_text(weather.to_csv(index=False, na_rep="NA"))
    result = validate(read_raw(path, "weather"), "weather")
    assert result.quarantine["reason"].tolist() == [
        "time_hour: dokładność większa niż mikrosekunda '2013-01-01T06:00:00.000000001Z'"
    ]
    assert str(result.valid["time_hour"].dtype) == "datetime64[us, UTC]"


def test_a_whole_year_file_with_integers_written_as_floats(tmp_path, small_text):
    source = tmp_path / "source"
    settings = write_source(source, small_text, "package_csv", MONTH)
    flights = small_text["flights"].copy()
    flights[["year", "month", "day"]] = flights[["year", "month", "day"]] + ".0"
    (source / "flights.csv").write_text(flights.to_csv(index=False, na_rep="NA"))
    overrides = {**settings, "source": source.as_uri(), "flights_file": "flights.csv"}
    config = load_config(tmp_path / "data", overrides, environ={})
    manifest = ingest_month(MONTH, config)["flights"]
    assert manifest["rows"] == len(flights) and manifest["rows_quarantined"] == 0


def test_a_partition_refuses_rows_that_do_not_fit_its_schema(tmp_path):
    schema = pa.schema([("n", pa.int16()), ("t", pa.timestamp("us", tz="UTC"))])
    partition = Partition.of(tmp_path, "raw", "x", schema=schema)
    stamp = pd.Timestamp("2013-01-01T06:00:00Z").as_unit("ns")
    cases = [
        (pd.DataFrame({"n": [40_000], "t": [stamp]}), "kolumna n typu int64"),
        (pd.DataFrame({"n": [1], "t": [stamp + pd.Timedelta(1, "ns")]}), "kolumna t typu"),
        (pd.DataFrame({"n": [1]}), "brak: t; nadmiarowe: —"),
        (pd.DataFrame({"n": [1], "t": [stamp], "x": [0]}), "brak: —; nadmiarowe: x"),
    ]
    for frame, message in cases:
        with pytest.raises(SchemaMismatch, match=message):
            partition.write(frame, {})
        assert not partition.exists()
    manifest = partition.write(pd.DataFrame({"t": [stamp], "n": [7]}), {})
    assert manifest["arrow_schema"] == {"n": "int16", "t": "timestamp[us, tz=UTC]"}
    assert pq.read_schema(partition.folder / manifest["data_file"]).names == ["n", "t"]


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "a,b\n1,2\n")
    return buffer.getvalue()


def _parquet(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_zip("a.csv", "b.csv"), "archiwum zip musi zawierać jeden plik, zawiera: a.csv, b.csv"),
        (
            gzip.compress(b"carrier,name\n", mtime=0)[:-6],
            "nie da się odczytać jako CSV ani Parquet",
        ),
        (_parquet(pa.table({"carrier": ["UA"]})), "brak kolumn name"),
        (
            _parquet(pa.table({"carrier": ["UA"], "name": pa.array([[1]])})),
            r"kolumna name typu list<.*> nie daje się odczytać jako tekst",
        ),
        (b"PAR1 to nie jest parquet", "nie da się odczytać jako CSV ani Parquet"),
    ],
    # Named, not derived from the bytes: every pytest-xdist worker must collect the same ids.
    ids=["zip-two-files", "gzip-truncated", "parquet-no-column", "parquet-list", "not-parquet"],
)
def test_files_that_cannot_be_read_name_the_cause(tmp_path, data, message):
    path = tmp_path / "airlines.plik"
    path.write_bytes(data)
    with pytest.raises(SchemaError, match=message):
        read_raw(path, "airlines")


def test_a_zip_from_macos_keeps_its_one_file(tmp_path):
    path = tmp_path / "airlines.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("__MACOSX/._airlines.csv", b"\x00")
        archive.writestr("airlines.csv", "carrier,name\nUA,United\n")
    path.write_bytes(buffer.getvalue())
    assert read_raw(path, "airlines")["carrier"].tolist() == ["UA"]
