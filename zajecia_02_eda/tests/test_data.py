import pandas as pd
import pytest

from zajecia_02_eda.data import CARRIERS, ORIGINS, TABLES, load_all, package_data_dir, read_table

ROW_COUNTS = {
    "flights": 336_776,
    "weather": 26_115,
    "planes": 3_322,
    "airports": 1_458,
    "airlines": 16,
}


@pytest.fixture(scope="module")
def tables():
    return load_all()


def test_row_counts(tables):
    assert {name: len(frame) for name, frame in tables.items()} == ROW_COUNTS


@pytest.mark.parametrize("name", list(TABLES))
def test_declared_dtypes(tables, name):
    spec = TABLES[name]
    frame = tables[name]
    for column, dtype in spec.dtypes.items():
        if column in spec.utc_columns:
            assert isinstance(frame[column].dtype, pd.DatetimeTZDtype), column
            assert str(frame[column].dt.tz) == "UTC", column
        else:
            assert str(frame[column].dtype) == dtype, column


def test_missing_values_stay_missing(tables):
    flights = tables["flights"]
    assert flights["dep_time"].isna().sum() == 8_255
    assert flights["arr_delay"].isna().sum() == 9_430
    assert flights["tailnum"].isna().sum() == 2_512


def test_flights_are_in_scheduled_time_order(tables):
    flights = tables["flights"]
    assert flights["sched_dep_utc"].is_monotonic_increasing
    assert flights.index.equals(pd.RangeIndex(len(flights)))
    assert set(flights["origin"].cat.categories) == set(ORIGINS)


def test_scheduled_departure_is_the_local_clock_time(tables):
    local = tables["flights"]["sched_dep_utc"].dt.tz_convert("America/New_York")
    flights = tables["flights"]
    assert (local.dt.hour == flights["hour"]).all()
    assert (local.dt.minute == flights["minute"]).all()
    assert (local.dt.day == flights["day"]).all()


def test_read_table_from_another_file(tmp_path):
    path = tmp_path / "airlines.csv"
    path.write_text("carrier,name\nLO,Polskie Linie Lotnicze LOT\n", encoding="utf-8")
    frame = read_table("airlines", path)
    assert frame.to_dict("records") == [{"carrier": "LO", "name": "Polskie Linie Lotnicze LOT"}]
    assert frame["carrier"].dtype == "string"


def test_read_table_rejects_a_missing_column(tmp_path):
    path = tmp_path / "airlines.csv"
    path.write_text("carrier\nLO\n", encoding="utf-8")
    with pytest.raises(ValueError, match="name"):
        read_table("airlines", path)


def test_read_table_rejects_a_value_of_the_wrong_type(tmp_path):
    header = ",".join(TABLES["planes"].dtypes)
    path = tmp_path / "planes.csv"
    path.write_text(f"{header}\nN1,dwa tysiące,t,m,x,2,100,NA,e\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_table("planes", path)


def test_package_data_dir_holds_every_table():
    folder = package_data_dir()
    assert all((folder / spec.file).is_file() for spec in TABLES.values())


def test_carriers_are_those_of_the_airlines_table(tables):
    assert tuple(sorted(tables["airlines"]["carrier"])) == CARRIERS
