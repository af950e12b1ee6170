from datetime import UTC, datetime

import pytest

from kurs.months import (
    MONTHS_2013,
    data_month,
    month_of,
    month_start,
    months_between,
    parse_month,
)


def test_month_of_uses_new_york_time():
    assert month_of(datetime(2013, 2, 1, 3, 0, tzinfo=UTC)) == "2013-01"
    assert month_of(datetime(2013, 2, 1, 5, 0, tzinfo=UTC)) == "2013-02"


def test_month_start_is_midnight_in_new_york():
    assert month_start("2013-03").isoformat() == "2013-03-01T00:00:00-05:00"
    assert month_start("2013-07").isoformat() == "2013-07-01T00:00:00-04:00"


@pytest.mark.parametrize("month", ["2013-13", "2013-00", "2013-1", "13-01", None])
def test_parse_month_refuses_what_is_not_a_month(month):
    with pytest.raises(ValueError, match="niepoprawny miesiąc"):
        parse_month(month)
    assert parse_month("2013-12") == (2013, 12)


def test_months_between_crosses_years():
    assert months_between("2013-11", "2014-02") == ("2013-11", "2013-12", "2014-01", "2014-02")
    with pytest.raises(ValueError, match="pusty zakres"):
        months_between("2013-05", "2013-04")


def test_the_data_set_covers_2013():
    assert months_between("2013-01", "2013-12") == MONTHS_2013


def test_data_month_is_a_month_of_the_data_set():
    assert data_month("2013-07") == "2013-07"
    with pytest.raises(
        ValueError, match=r"miesiąc 2014-01 jest poza danymi kursu \(2013-01…2013-12\)"
    ):
        data_month("2014-01")
    with pytest.raises(ValueError, match="niepoprawny miesiąc"):
        data_month("2013-7")
