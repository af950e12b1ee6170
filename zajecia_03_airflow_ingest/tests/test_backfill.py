import argparse

import pytest

from zajecia_03_airflow_ingest.backfill import month_start, run_backfill, run_conf
from zajecia_03_airflow_ingest.partitions import Partition


def test_month_start_is_midnight_in_new_york():
    assert month_start("2013-03").isoformat() == "2013-03-01T00:00:00-05:00"
    assert month_start("2013-07").isoformat() == "2013-07-01T00:00:00-04:00"


@pytest.mark.slow
def test_failed_month_stops_the_backfill_with_its_line(tmp_path, monkeypatch):
    """A month without raw data: the child reports it and exits non-zero, Airflow logs aside.

    The successful path runs in zajecia_11_retro's test of the `make run` steps.
    """
    monkeypatch.setenv("MLOPS_DATA_DIR", str(tmp_path))
    lines = []
    with pytest.raises(RuntimeError, match=r"2013-02 … BŁĄD .*zadania build_month"):
        run_backfill("flights_preprocess", ["2013-02", "2013-03"], lines.append)
    assert len(lines) == 1  # March never started
    assert "PartitionError" in (tmp_path / "airflow" / "logs" / "backfill.log").read_text()
    assert not Partition.of(tmp_path, "features", "flights", "2013-02").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{oops", "to nie JSON"),
        ('["2013-02"]', "oczekiwano obiektu JSON"),
        ('{"month": "2013-02"}', "--months"),
    ],
)
def test_run_conf_refuses_what_is_not_a_params_object(text, message):
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        run_conf(text)


def test_run_conf_gives_the_params():
    assert run_conf('{"train_start": "2013-02"}') == {"train_start": "2013-02"}
