from types import SimpleNamespace

import pytest

from kurs.testing.shared import private_copy
from zajecia_03_airflow_ingest.partitions import PartitionError, raw_partition
from zajecia_03_airflow_ingest.tests.shared_data import ingested_quarter
from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_04_preprocessing.preprocess import (
    QualityGateFailed,
    months_to_process,
    preprocess_month,
    report_folder,
)


@pytest.fixture(scope="module")
def raw_data(tmp_path_factory):
    """January–March 2013 ingested from the package, as class 03 leaves them (a copy)."""
    return private_copy(
        ingested_quarter(tmp_path_factory), tmp_path_factory.mktemp("preprocess") / "data"
    )


def test_month_of_features_with_manifest_and_report(raw_data):
    manifest = preprocess_month("2013-01", raw_data)
    assert manifest["rows"] == manifest["rows_in"] == 27_004
    assert manifest["target_rate"] == pytest.approx(0.2521, abs=1e-4)
    raw = raw_partition(raw_data, "flights", "2013-01").manifest()
    assert manifest["inputs"]["flights"] == raw["data_sha256"]
    assert (report_folder(raw_data, "2013-01") / "quality.md").is_file()
    features = features_partition(raw_data, "2013-01").read()
    assert features["month"].unique().tolist() == ["2013-01"]


def test_rerun_gives_identical_features(raw_data):
    assert (
        preprocess_month("2013-02", raw_data)["data_sha256"]
        == preprocess_month("2013-02", raw_data)["data_sha256"]
    )


def test_failed_gate_writes_the_report_but_no_features(raw_data, tmp_path):
    gates = tmp_path / "gates.yaml"
    gates.write_text("target_rate: [0.5, 0.9]\n")
    features_partition(raw_data, "2013-02").remove()
    with pytest.raises(QualityGateFailed, match="odsetek lotów z problemem: 27,87%"):
        preprocess_month("2013-02", raw_data, gates)
    assert not features_partition(raw_data, "2013-02").exists()
    assert '"status": "failed"' in (report_folder(raw_data, "2013-02") / "quality.json").read_text()


def test_missing_input_partition(raw_data):
    with pytest.raises(PartitionError, match="month=2013-04"):
        preprocess_month("2013-04", raw_data)


def test_months_from_the_param_or_the_asset_events():
    events = [SimpleNamespace(extra={"month": m}) for m in ("2013-02", "2013-01", "2013-02")]
    assert months_to_process("2013-05", events) == ["2013-05"]
    assert months_to_process(None, events) == ["2013-01", "2013-02"]
    with pytest.raises(ValueError, match="brak miesiąca"):
        months_to_process(None, [SimpleNamespace(extra={})])
