import pytest

from zajecia_05_model.config import TrainConfig, load_config


def test_default_window_is_january_to_june_validated_on_june():
    config = load_config(environ={})
    assert config == TrainConfig()
    assert config.fit_months == ("2013-01", "2013-02", "2013-03", "2013-04", "2013-05")
    assert config.validation_month == "2013-06"
    assert config.test_months[0] == "2013-07" and len(config.test_months) == 6


def test_environment_then_params():
    config = load_config(
        {"train_end": "2013-08", "min_auc_gain": None},
        environ={"MLOPS_TRAIN_START": "2013-03", "MLOPS_TRAIN_MIN_AUC_GAIN": "0.05"},
    )
    assert config.train_months == ("2013-03", "2013-04", "2013-05", "2013-06", "2013-07", "2013-08")
    assert config.test_months == ("2013-09", "2013-10", "2013-11", "2013-12")
    assert config.min_auc_gain == 0.05


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"train_start": "2013-06", "train_end": "2013-06"}, "co najmniej 2 miesiące"),
        ({"min_auc_gain": "dużo"}, "ustawienie 'min_auc_gain': niepoprawna wartość 'dużo'"),
        ({"min_auc_gain": -0.1}, "ustawienie 'min_auc_gain': musi być ≥ 0"),
        ({"train_start": "2013-13"}, "ustawienie 'train_start': niepoprawny miesiąc '2013-13'"),
        ({"train_end": "2013-00"}, "ustawienie 'train_end': niepoprawny miesiąc"),
        ({"window": 6}, "nieznane ustawienie treningu: 'window'"),
    ],
)
def test_bad_settings(overrides, message):
    with pytest.raises(ValueError, match=message):
        load_config(overrides, environ={})
