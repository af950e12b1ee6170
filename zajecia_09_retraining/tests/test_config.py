import pytest

from zajecia_09_retraining.config import RetrainConfig, load_config


def test_defaults_then_environment_then_overrides():
    assert load_config(environ={}) == RetrainConfig()
    environ = {"MLOPS_RETRAIN_WINDOW_MONTHS": "3", "MLOPS_RETRAIN_MARGIN": "0.01"}
    config = load_config({"window_months": 4, "margin": None}, environ)
    assert (config.window_months, config.margin) == (4, 0.01)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"window_months": 1}, "'window_months': musi być ≥ 2"),
        ({"window_months": 2.5}, "'window_months': niepoprawna wartość 2.5"),
        ({"window_months": 12}, "'window_months': musi być ≤ 11"),
        ({"margin": -0.01}, "'margin': musi być ≥ 0"),
        ({"confidence": 1}, "'confidence': musi być ≤ 0.999"),
        ({"window": 6}, "nieznane ustawienie dotrenowania: 'window'"),
    ],
)
def test_bad_settings_are_refused_naming_them(overrides, message):
    with pytest.raises(ValueError, match=message):
        load_config(overrides, environ={})
