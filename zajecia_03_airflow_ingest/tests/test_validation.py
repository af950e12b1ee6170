import pandas as pd
import pytest

from zajecia_02_eda.data import TABLES
from zajecia_03_airflow_ingest.validation import SchemaError, read_raw, validate

HEADER = ",".join(TABLES["flights"].dtypes)
GOOD = "2013,1,1,517,515,2,830,819,11,UA,1545,N14228,EWR,IAH,227,1400,5,15,2013-01-01T10:00:00Z"


def flights_file(tmp_path, *rows):
    path = tmp_path / "flights.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def reasons_of(tmp_path, row, month=None):
    result = validate(read_raw(flights_file(tmp_path, GOOD, row), "flights"), "flights", month)
    assert len(result.valid) == 1
    return result.quarantine["reason"].tolist()


def test_good_rows_get_the_declared_dtypes(tmp_path):
    result = validate(read_raw(flights_file(tmp_path, GOOD), "flights"), "flights")
    assert result.quarantine.empty and result.bad_share == 0
    row = result.valid.iloc[0]
    assert row["sched_dep_utc"] == pd.Timestamp("2013-01-01T10:15:00Z")
    assert str(result.valid["dep_delay"].dtype) == "Int16"
    assert str(result.valid["carrier"].dtype) == "string"  # categories are stored as text


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("517", "5x7"), "dep_time: niepoprawna wartość '5x7'"),
        (("2013,1,1", "2013,2,30"), "nieistniejąca data"),
        ((",515,", ",575,"), "sched_dep_time nie jest godziną 0000–2359"),
        ((",UA,", ",,"), "carrier: brak wymaganej wartości"),
        ((",EWR,", ",WAW,"), "origin spoza EWR, JFK, LGA"),
        ((",1400,", ",0,"), "distance musi być > 0"),
        (("T10:00", "T11:00"), "time_hour niezgodny z datą i godziną"),
        ((",5,15,", ",6,15,"), "hour/minute niezgodne z sched_dep_time"),
        ((",1545,", ",99999,"), "flight: niepoprawna wartość '99999'"),
    ],
)
def test_bad_values_are_quarantined_with_a_reason(tmp_path, change, reason):
    assert reason in reasons_of(tmp_path, GOOD.replace(*change, 1))[0]


def test_every_reason_of_a_row_is_kept(tmp_path):
    row = GOOD.replace(",EWR,", ",WAW,").replace(",1400,", ",-5,")
    assert reasons_of(tmp_path, row) == ["origin spoza EWR, JFK, LGA; distance musi być > 0"]


def test_rows_outside_the_run_month(tmp_path):
    row = GOOD.replace("2013,1,1,", "2013,2,1,").replace("2013-01-01T10", "2013-02-01T10")
    assert reasons_of(tmp_path, row, month="2013-01") == ["wiersz spoza miesiąca 2013-01"]


def test_quarantine_keeps_the_original_text_and_line(tmp_path):
    result = validate(
        read_raw(flights_file(tmp_path, GOOD, GOOD.replace("517", "x")), "flights"), "flights"
    )
    assert result.quarantine.loc[0, "dep_time"] == "x"
    assert result.quarantine.loc[0, "source_line"] == 3
    assert result.bad_share == 0.5


def test_weather_outlier(tmp_path):
    path = tmp_path / "weather.csv"
    path.write_text(
        ",".join(TABLES["weather"].dtypes)
        + "\nEWR,2013,2,12,3,39.02,26.96,61.63,260,1048.36,NA,0,1011.6,10,2013-02-12T08:00:00Z\n",
        encoding="utf-8",
    )
    result = validate(read_raw(path, "weather"), "weather")
    assert result.quarantine["reason"].tolist() == ["wind_speed poza zakresem 0–150 mph"]


def test_missing_columns_reject_the_file(tmp_path):
    path = tmp_path / "flights.csv"
    path.write_text("year,month\n2013,1\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="brak kolumn day, dep_time"):
        read_raw(path, "flights")


def test_unreadable_file_is_a_schema_error(tmp_path):
    path = tmp_path / "flights.csv.zip"
    path.write_bytes(b"PK\x03\x04 to nie jest zip")
    with pytest.raises(SchemaError, match="nie da się odczytać"):
        read_raw(path, "flights")


def test_zipped_and_plain_files_read_the_same(tmp_path, small_files):
    (tmp_path / "f.csv").write_bytes(small_files["flights.csv"])
    (tmp_path / "f.zip").write_bytes(small_files["flights.csv.zip"])
    pd.testing.assert_frame_equal(
        read_raw(tmp_path / "f.csv", "flights"), read_raw(tmp_path / "f.zip", "flights")
    )


def test_repeated_keys_are_quarantined_keeping_the_first(tmp_path):
    path = tmp_path / "planes.csv"
    header = ",".join(TABLES["planes"].dtypes)
    path.write_text(
        f"{header}\nN1,2004,t,m,x,2,55,NA,e\nN1,1999,t,m,y,2,60,NA,e\nN2,2000,t,m,z,2,70,NA,e\n",
        encoding="utf-8",
    )
    result = validate(read_raw(path, "planes"), "planes")
    assert result.valid["tailnum"].tolist() == ["N1", "N2"]
    assert result.valid["year"].tolist() == [2004, 2000]
    assert result.quarantine["reason"].tolist() == ["powtórzony klucz (tailnum)"]
