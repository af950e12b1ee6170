import argparse

import pytest
from airflow.sdk import Param
from airflow.sdk.definitions.param import ParamsDict

from kurs.run_conf import check_params, parse_conf


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{oops", "to nie jest poprawny JSON \\(znak 2\\): nazwy i teksty w podwójnych"),
        ('{"margin": NaN}', "NaN nie jest liczbą"),
        ('{"margin": -Infinity}', "-Infinity nie jest liczbą"),
        ('{"train_end": "2014-01"}', "train_end: miesiąc 2014-01 jest poza danymi kursu"),
        ('{"train_end": "2013-13"}', "train_end: niepoprawny miesiąc '2013-13'"),
        ('["2013-02"]', "oczekiwano obiektu JSON"),
        ('{"month": "2013-02"}', "--months"),
    ],
)
def test_parse_conf_refuses_what_is_not_a_params_object(text, message):
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        parse_conf(text)


def test_parse_conf_gives_the_params():
    assert parse_conf('{"train_start": "2013-02"}') == {"train_start": "2013-02"}


PARAMS = ParamsDict(
    {
        "margin": Param(
            None, type=["null", "number"], minimum=0, maximum=1, description="wymagany zysk"
        ),
        "window_months": Param(6, type="integer", minimum=2),
        "mode": Param("fast", enum=["fast", "full"]),
        "labels_available": True,
        "month": Param(None, type=["null", "string"]),  # given by --months: never listed
    }
)


def test_values_the_schemas_accept_pass():
    check_params(PARAMS, {"margin": 0.01, "window_months": 3, "mode": "full"})
    check_params(PARAMS, {"margin": None, "labels_available": False})


@pytest.mark.parametrize(
    ("conf", "message"),
    [
        (
            {"margin": "abc"},
            "parametr 'margin' \\(wymagany zysk\\): wartość \"abc\" niepoprawna — oczekiwano: "
            "null \\(brak wartości\\) albo liczba",
        ),
        ({"margin": 2}, "parametr 'margin' \\(wymagany zysk\\): wartość 2 niepoprawna — "),
        ({"margin": 2}, "oczekiwano: wartość ≤ 1"),
        ({"window_months": 1}, "parametr 'window_months': wartość 1 niepoprawna — oczekiwano: w"),
        ({"window_months": 2.5}, "oczekiwano: liczba całkowita"),
        ({"mode": "wolno"}, 'oczekiwano: jedna z: "fast", "full"'),
        (
            {"window_month": 3},
            "'window_month' nie jest parametrem tego DAG-a \\(może 'window_months'\\?\\); są: "
            "labels_available, margin, mode, window_months",
        ),
    ],
)
def test_a_value_or_name_the_dag_would_refuse_is_refused_in_polish(conf, message):
    with pytest.raises(ValueError, match=message):
        check_params(PARAMS, conf)
