from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from airflow.sdk.exceptions import AirflowFailException

from kurs.dag_tasks import fail_without_retry, month_param, param_month, run_month


class BadData(ValueError):
    pass


def test_listed_errors_fail_the_task_at_once_with_their_message():
    with (
        pytest.raises(AirflowFailException, match="zły plik") as caught,
        fail_without_retry(BadData),
    ):
        raise BadData("zły plik")
    assert isinstance(caught.value.__cause__, BadData)


def test_other_errors_pass_through_for_airflow_to_retry():
    with pytest.raises(ConnectionError), fail_without_retry(BadData):
        raise ConnectionError("serwer nie odpowiada")


def test_month_param_is_optional_and_checked():
    param = month_param()
    assert param.resolve(None) is None
    assert param.resolve("2013-07") == "2013-07"
    with pytest.raises(Exception, match="2013-13"):
        param.resolve("2013-13")


def run(run_type: str, start: datetime | None = None) -> SimpleNamespace:
    """The fields of a task's ``dag_run`` that the month rule reads."""
    return SimpleNamespace(run_type=run_type, data_interval_start=start)


MARCH_NY = datetime(2013, 3, 1, 5, 0, tzinfo=UTC)  # midnight in New York


def test_the_month_param_comes_first():
    assert run_month({"month": "2013-05"}, run("scheduled", MARCH_NY)) == "2013-05"
    assert run_month({"month": "2013-05"}, run("manual")) == "2013-05"


@pytest.mark.parametrize("run_type", ["scheduled", "backfill"])
def test_a_timetable_run_without_the_param_takes_its_data_interval(run_type):
    assert run_month({"month": None}, run(run_type, MARCH_NY)) == "2013-03"


def test_a_manual_run_without_the_param_is_refused_whatever_its_dates():
    # Airflow gives a manual run for 2013-03-01 the interval of February.
    february = datetime(2013, 2, 1, 5, 0, tzinfo=UTC)
    with pytest.raises(AirflowFailException, match="bez parametru month"):
        run_month({}, run("manual", february))
    assert run_month({}, run("asset_triggered"), required=False) is None


@pytest.mark.parametrize(
    ("params", "dag_run"),
    [
        ({"month": "2014-01"}, run("manual")),
        ({"month": None}, run("scheduled", datetime(2014, 1, 1, 5, 0, tzinfo=UTC))),
    ],
)
def test_a_month_outside_the_data_is_refused_naming_the_param(params, dag_run):
    with pytest.raises(AirflowFailException, match="parametr month: miesiąc 2014-01 jest poza"):
        run_month(params, dag_run)


def test_other_month_params_are_named_in_their_error():
    assert param_month({"train_end": None}, "train_end") is None
    with pytest.raises(AirflowFailException, match="parametr train_end: miesiąc 2012-12"):
        param_month({"train_end": "2012-12"}, "train_end")
