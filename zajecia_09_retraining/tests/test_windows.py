"""The window-length experiment: trains without registering, compares on the month."""

import pytest

from kurs.exit_codes import ERROR, OK
from zajecia_05_model.registry import Registry
from zajecia_09_retraining.tests.scenario import year
from zajecia_09_retraining.windows import main


@pytest.mark.slow
def test_each_length_is_trained_and_compared_nothing_is_registered(tmp_path, monkeypatch, capsys):
    data = year(tmp_path, changed_from="2013-04")
    monkeypatch.setenv("MLOPS_DATA_DIR", str(data))
    table = tmp_path / "okna.md"
    assert main(["--months", "2013-05", "--lengths", "2", "3", "--out", str(table)]) == OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("2013-05: okno 2 mies. (2013-03…2013-04) ROC AUC ")
    assert lines[1].startswith("2013-05: okno 3 mies. (2013-02…2013-04) ROC AUC ")
    assert "wobec v0001" in lines[0]
    rows = [line for line in table.read_text().splitlines() if line.startswith("| 2013-05")]
    # March–April saw the changed world, so it wins; February–April is half the old one.
    assert rows[0].startswith("| 2013-05 | 2 mies. (2013-03…2013-04) |")
    assert rows[0].endswith("| tak |") and len(rows) == 2
    assert Registry(data).versions() == ["v0001"]


def test_a_window_without_data_is_an_error_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MLOPS_DATA_DIR", str(year(tmp_path)))
    assert main(["--months", "2013-07", "--lengths", "2"]) == ERROR
    assert capsys.readouterr().err.startswith("Błąd: ")


def test_a_bad_setting_or_length_stops_before_any_training(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MLOPS_DATA_DIR", str(year(tmp_path)))
    monkeypatch.setenv("MLOPS_RETRAIN_MARGIN", "abc")
    assert main(["--months", "2013-05", "--lengths", "2"]) == ERROR
    assert "ustawienie 'margin'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--months", "2013-05", "--lengths", "1"])
    assert "okno musi mieć co najmniej 2 miesiące" in capsys.readouterr().err


def test_a_champion_trained_on_the_month_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MLOPS_DATA_DIR", str(year(tmp_path)))
    assert main(["--months", "2013-02", "--lengths", "2"]) == ERROR
    assert "był trenowany do 2013-02" in capsys.readouterr().err
