import pandas as pd

from zajecia_02_eda.target import flight_status, is_disrupted


def flights(**columns):
    return pd.DataFrame(columns).astype("Int16")


def test_statuses_follow_the_bts_definition():
    frame = flights(
        dep_time=[600, 600, 600, None, 700],
        arr_delay=[14, 15, -20, None, None],
    )
    assert list(flight_status(frame)) == ["on_time", "delayed", "on_time", "cancelled", "diverted"]
    assert list(is_disrupted(frame)) == [0, 1, 0, 1, 1]
    assert is_disrupted(frame).name == "disrupted"


def test_index_is_preserved():
    frame = flights(dep_time=[600, None], arr_delay=[30, None]).set_axis([10, 20])
    assert list(is_disrupted(frame).index) == [10, 20]
