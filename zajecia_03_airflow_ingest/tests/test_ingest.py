import json
import threading
from dataclasses import replace

import pandas as pd
import pytest

from kurs.checksum import sha256_of
from zajecia_03_airflow_ingest.ingest import IngestRejected, ingest_month, ingest_reference
from zajecia_03_airflow_ingest.partitions import Partition
from zajecia_03_airflow_ingest.sources import SourceError, SourceUnavailable


def from_folder(config, folder, **changes):
    return replace(config, source=folder.as_uri(), **changes)


def test_month_partition_and_manifest(config, source_dir, small_flights_rows):
    manifests = ingest_month("2013-01", from_folder(config, source_dir))
    flights = manifests["flights"]
    assert flights["rows"] == flights["rows_in"] == small_flights_rows
    assert flights["rows_quarantined"] == 0
    assert flights["source"] == source_dir.as_uri()
    assert flights["source_sha256"] == sha256_of(source_dir / "flights.csv.zip")
    assert {"written_at", "code_version", "data_sha256", "schema"} <= flights.keys()
    partition = Partition.of(config.data_dir, "raw", "flights", "2013-01")
    assert json.loads(partition.manifest_path.read_text()) == flights
    assert len(partition.read()) == small_flights_rows


def test_rerun_is_byte_identical_and_never_duplicates(config, source_dir):
    cfg = from_folder(config, source_dir)
    first = ingest_month("2013-01", cfg)
    second = ingest_month("2013-01", cfg)
    for table in ("flights", "weather"):
        assert first[table]["data_sha256"] == second[table]["data_sha256"]
        assert second[table]["rows"] == first[table]["rows"]


def test_real_month_from_the_package_quarantines_the_wind_outlier(config):
    manifests = ingest_month("2013-02", config)
    assert manifests["flights"]["rows"] == 24_951
    assert manifests["weather"]["rows_quarantined"] == 1
    quarantine = Partition.of(config.data_dir, "quarantine", "weather", "2013-02")
    assert quarantine.manifest()["reasons"] == {"wind_speed poza zakresem 0–150 mph": 1}
    assert quarantine.read()["wind_speed"].tolist() == ["1048.36058"]


def test_too_many_bad_rows_fail_without_a_partition(config, source_dir):
    text = (
        (source_dir / "weather.csv").read_text().replace(",EWR,", ",XXX,").replace("EWR,", "XXX,")
    )
    (source_dir / "weather.csv").write_text(text)
    with pytest.raises(IngestRejected, match=r"w kwarantannie, próg to 1\.0%"):
        ingest_month("2013-01", from_folder(config, source_dir))
    assert not Partition.of(config.data_dir, "raw", "weather", "2013-01").exists()
    assert not Partition.of(config.data_dir, "quarantine", "weather", "2013-01").exists()
    rejected = Partition.of(config.data_dir, "rejected", "weather", "2013-01").read()
    assert set(rejected["reason"]) == {"origin spoza EWR, JFK, LGA"}


def test_a_clean_rerun_removes_the_old_quarantine(config, source_dir):
    original = (source_dir / "flights.csv.zip").read_bytes()
    (source_dir / "flights.csv").write_text(
        (source_dir / "flights.csv").read_text().replace(",1400,", ",-1,", 1)
    )
    cfg = from_folder(config, source_dir, flights_file="flights.csv")
    ingest_month("2013-01", cfg)
    assert Partition.of(config.data_dir, "quarantine", "flights", "2013-01").exists()
    (source_dir / "flights.csv.zip").write_bytes(original)
    ingest_month("2013-01", from_folder(config, source_dir))
    assert not Partition.of(config.data_dir, "quarantine", "flights", "2013-01").exists()


def test_monthly_files_quarantine_rows_of_another_month(config, source_dir):
    rows = (source_dir / "flights.csv").read_text().splitlines()
    stray = rows[1].replace("2013,1,1,", "2013,2,1,", 1).replace("2013-01-01T", "2013-02-01T")
    (source_dir / "flights-2013-01.csv").write_text("\n".join([*rows, stray]) + "\n")
    cfg = from_folder(config, source_dir, flights_file="flights-{month}.csv")
    assert ingest_month("2013-01", cfg)["flights"]["rows_quarantined"] == 1


def test_unparseable_month_goes_to_the_unassigned_quarantine(config, source_dir):
    rows = (source_dir / "flights.csv").read_text().splitlines()
    (source_dir / "flights.csv").write_text(
        "\n".join([*rows, rows[1].replace("2013,1,", "dwa,1,", 1)]) + "\n"
    )
    ingest_month("2013-01", from_folder(config, source_dir, flights_file="flights.csv"))
    unassigned = Partition.of(config.data_dir, "quarantine", "flights", "unassigned")
    assert unassigned.read()["year"].tolist() == ["dwa"]


def test_many_rows_without_a_month_reject_the_file(config, source_dir):
    rows = (source_dir / "flights.csv").read_text().splitlines()
    broken = [row.replace("2013,1,", "????,1,", 1) for row in rows[1:21]]
    (source_dir / "flights.csv").write_text("\n".join([rows[0], *broken, *rows[21:]]) + "\n")
    with pytest.raises(IngestRejected, match="bez poprawnego roku lub miesiąca"):
        ingest_month("2013-01", from_folder(config, source_dir, flights_file="flights.csv"))


def test_month_without_rows_is_rejected(config, source_dir):
    with pytest.raises(IngestRejected, match="nie ma wierszy"):
        ingest_month("2013-07", from_folder(config, source_dir))


def test_expected_checksum_is_enforced(config, source_dir):
    cfg = from_folder(config, source_dir, checksums={"weather.csv": "0" * 64})
    with pytest.raises(SourceError, match=r"weather\.csv: suma SHA-256"):
        ingest_month("2013-01", cfg)


def test_reference_tables(config):
    manifests = ingest_reference(config)
    assert {name: m["rows"] for name, m in manifests.items()} == {
        "planes": 3_322,
        "airports": 1_458,
        "airlines": 16,
    }


def test_two_months_at_once_do_not_interfere(config):
    results, errors = {}, []

    def run(month):
        try:
            results[month] = ingest_month(month, config)
        except Exception as error:  # any failure is reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(m,)) for m in ("2013-03", "2013-04")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for month, rows in (("2013-03", 28_834), ("2013-04", 28_330)):
        frame = Partition.of(config.data_dir, "raw", "flights", month).read()
        assert len(frame) == rows == results[month]["flights"]["rows"]
        assert (frame["month"] == int(month[-2:])).all()
        assert frame["sched_dep_utc"].is_monotonic_increasing


class TestHttpSource:
    def serve_all(self, server, files, flights_behaviour="ok"):
        for name, data in files.items():
            server.serve(f"/{name}", data, flights_behaviour if name == "flights.csv.zip" else "ok")

    def test_month_over_http(self, config, file_server, small_files, small_flights_rows):
        self.serve_all(file_server, small_files)
        manifests = ingest_month("2013-01", replace(config, source=file_server.url))
        assert manifests["flights"]["rows"] == small_flights_rows
        assert manifests["flights"]["source"] == file_server.url

    @pytest.mark.parametrize("behaviour", ["error", "truncated"])
    def test_failed_download_writes_no_partition(self, config, file_server, small_files, behaviour):
        self.serve_all(file_server, small_files, behaviour)
        with pytest.raises(SourceUnavailable, match="po 3 próbach"):
            ingest_month("2013-01", replace(config, source=file_server.url))
        assert not Partition.of(config.data_dir, "raw", "flights", "2013-01").exists()

    def test_corrupt_file_writes_no_partition(self, config, file_server, small_files):
        self.serve_all(file_server, {**small_files, "flights.csv.zip": b"PK\x03\x04 uszkodzony"})
        with pytest.raises(ValueError, match="nie da się odczytać"):
            ingest_month("2013-01", replace(config, source=file_server.url))
        assert not Partition.of(config.data_dir, "raw", "flights", "2013-01").exists()

    def test_slow_server_times_out(self, config, file_server, small_files):
        self.serve_all(file_server, small_files, "slow")
        with pytest.raises(SourceUnavailable, match="timed out"):
            ingest_month("2013-01", replace(config, source=file_server.url, retries=0, timeout_s=1))
        assert not Partition.of(config.data_dir, "raw", "flights", "2013-01").exists()


def test_quarantine_rows_are_text(config):
    ingest_month("2013-02", config)
    quarantine = Partition.of(config.data_dir, "quarantine", "weather", "2013-02").read()
    assert set(quarantine.dtypes.astype(str)) == {"string"}
    assert isinstance(quarantine, pd.DataFrame)
