import pytest
from airflow.sdk.exceptions import AirflowFailException

from kurs.dag_tasks import fail_without_retry, month_param


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
