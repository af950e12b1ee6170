from datetime import UTC, datetime

import pandas as pd
import pytest

from zajecia_03_airflow_ingest.partitions import Partition, PartitionError, month_of, parse_month


def test_month_of_uses_new_york_time():
    assert month_of(datetime(2013, 2, 1, 3, 0, tzinfo=UTC)) == "2013-01"
    assert month_of(datetime(2013, 2, 1, 5, 0, tzinfo=UTC)) == "2013-02"


def test_write_then_read(tmp_path):
    partition = Partition.of(tmp_path, "raw", "flights", "2013-01")
    assert partition.folder == tmp_path / "raw" / "flights" / "month=2013-01"
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", None]}).astype({"b": "string"})
    manifest = partition.write(frame, {"table": "flights"})
    assert manifest["rows"] == 2 and manifest["table"] == "flights"
    assert manifest["schema"] == {"a": "int64", "b": "string"}
    pd.testing.assert_frame_equal(partition.read(), frame)


def test_same_rows_give_the_same_bytes(tmp_path):
    frame = pd.DataFrame({"a": range(1000)})
    first = Partition.of(tmp_path, "raw", "t", "2013-01").write(frame, {})
    second = Partition.of(tmp_path, "raw", "t", "2013-01").write(frame, {})
    assert first["data_sha256"] == second["data_sha256"]


def test_changed_or_missing_files_are_refused(tmp_path):
    partition = Partition.of(tmp_path, "raw", "t")
    with pytest.raises(PartitionError, match="brak partycji"):
        partition.read()
    manifest = partition.write(pd.DataFrame({"a": [1]}), {})
    (partition.folder / manifest["data_file"]).write_bytes(b"inne dane")
    with pytest.raises(PartitionError, match="suma kontrolna"):
        partition.read()
    partition.remove()
    assert not partition.exists() and not list(partition.folder.glob("data-*"))


def test_data_file_is_named_by_content_and_old_files_go(tmp_path):
    partition = Partition.of(tmp_path, "raw", "t", "2013-01")
    first = partition.write(pd.DataFrame({"a": [1]}), {})
    second = partition.write(pd.DataFrame({"a": [2]}), {})
    assert first["data_file"] != second["data_file"]
    assert [p.name for p in partition.folder.glob("data-*")] == [second["data_file"]]
    frame, manifest = partition.read_with_manifest()
    assert frame["a"].tolist() == [2] and manifest == second


def test_a_write_interrupted_before_its_manifest_leaves_the_old_partition(tmp_path):
    partition = Partition.of(tmp_path, "raw", "t", "2013-01")
    partition.write(pd.DataFrame({"a": [1]}), {})
    # A crash after the new data file but before the manifest: the data is unreferenced.
    (partition.folder / "data-ffffffffffffffff.parquet").write_bytes(b"niedokonczony zapis")
    assert partition.read()["a"].tolist() == [1]
    partition.write(pd.DataFrame({"a": [3]}), {})
    assert len(list(partition.folder.glob("data-*"))) == 1


@pytest.mark.parametrize("month", ["2013-13", "2013-00", "2013-1", "13-01", None])
def test_parse_month_refuses_what_is_not_a_month(month):
    with pytest.raises(ValueError, match="niepoprawny miesiąc"):
        parse_month(month)
    assert parse_month("2013-12") == (2013, 12)
