from datetime import UTC, datetime

import pandas as pd
import pytest

from zajecia_03_airflow_ingest.partitions import Partition, PartitionError, month_of


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
    partition.write(pd.DataFrame({"a": [1]}), {})
    partition.data_path.write_bytes(b"inne dane")
    with pytest.raises(PartitionError, match="suma kontrolna"):
        partition.read()
    partition.remove()
    assert not partition.exists() and not partition.data_path.exists()
