from pathlib import Path

import pandas as pd
import pytest

from zajecia_03_airflow_ingest.partitions import Partition, PartitionError, raw_partition


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


def test_raw_partition_is_the_raw_layer():
    assert raw_partition(Path("/d"), "flights", "2013-05").folder == Path(
        "/d/raw/flights/month=2013-05"
    )
    assert raw_partition(Path("/d"), "planes").folder == Path("/d/raw/planes")
