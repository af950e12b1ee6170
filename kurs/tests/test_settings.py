import pytest

from kurs.settings import number, read_settings

TABLE = {
    "retries": ("TEST_RETRIES", number(int, 0)),
    "share": ("TEST_SHARE", number(float, 0, 1)),
    "timeout_s": ("TEST_TIMEOUT_S", number(float, 0, above=True)),
    "name": ("TEST_NAME", str),
}


def test_environment_then_overrides_none_meaning_not_set():
    environ = {"TEST_RETRIES": "5", "TEST_NAME": "z-otoczenia"}
    settings = read_settings(TABLE, {"name": "z-parametru", "retries": None}, environ, "testu")
    assert settings == {"retries": 5, "name": "z-parametru"}


def test_an_empty_variable_is_not_set():
    assert read_settings(TABLE, None, {"TEST_RETRIES": ""}, "testu") == {}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"retries": "trzy"}, "ustawienie 'retries': niepoprawna wartość 'trzy'"),
        ({"retries": -1}, "ustawienie 'retries': musi być ≥ 0, jest -1"),
        ({"retries": 2.5}, "ustawienie 'retries': niepoprawna wartość 2.5: oczekiwano liczby ca"),
        ({"share": 2}, "ustawienie 'share': musi być ≤ 1, jest 2"),
        ({"timeout_s": 0}, "ustawienie 'timeout_s': musi być > 0, jest 0"),
        ({"timeout_s": "nan"}, "ustawienie 'timeout_s': musi być > 0"),
        ({"retires": 3}, "nieznane ustawienie testu: 'retires'"),
    ],
)
def test_bad_settings_are_named(overrides, message):
    with pytest.raises(ValueError, match=message):
        read_settings(TABLE, overrides, {}, "testu")


def test_a_bad_value_from_the_environment_names_its_variable():
    with pytest.raises(ValueError, match=r"'share' \(zmienna środowiskowa TEST_SHARE\): musi"):
        read_settings(TABLE, None, {"TEST_SHARE": "1.5"}, "testu")


def test_an_override_replacing_a_bad_variable_is_what_counts():
    assert read_settings(TABLE, {"share": 0.5}, {"TEST_SHARE": "abc"}, "testu") == {"share": 0.5}
