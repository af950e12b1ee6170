import argparse

import pytest

from kurs import exit_codes
from kurs.backfill import main, run_conf


@pytest.mark.slow
def test_a_failed_month_stops_the_backfill_with_its_line(tmp_path, monkeypatch, capsys):
    """Started by hand, without Airflow's environment: the command runs itself in a child
    with it. A month without raw data fails there; its line says so, Airflow logs aside.

    The successful path runs in the step tests of the classes with DAGs.
    """
    monkeypatch.delenv("AIRFLOW_HOME")
    monkeypatch.setenv("MLOPS_DATA_DIR", str(tmp_path))
    assert main(["flights_preprocess", "--months", "2013-02", "2013-03"]) == exit_codes.ERROR
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1  # March never started
    assert lines[0].startswith("2013-02 … BŁĄD") and "zadania build_month" in lines[0]
    assert "PartitionError" in (tmp_path / "airflow" / "logs" / "backfill.log").read_text()
    assert not (tmp_path / "features").exists()


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
