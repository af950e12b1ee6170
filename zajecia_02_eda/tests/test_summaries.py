import pandas as pd
import pytest

from zajecia_02_eda.summaries import missing_report, rate_by, single_feature_auc


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "hour": [6, 6, 18, 18, 18],
            "delay": pd.array([None, 1, 30, 50, None], dtype="Int16"),
            "note": ["a", None, "b", "c", "d"],
            "y": [0, 0, 1, 1, 0],
        }
    )


def test_missing_report_lists_only_columns_with_gaps(frame):
    report = missing_report(frame)
    assert list(report.index) == ["delay", "note"]
    assert report.loc["delay", "braki"] == 2
    assert report.loc["delay", "udział_%"] == 40.0


def test_rate_by_counts_and_percent(frame):
    rates = rate_by(frame, "hour", "y")
    assert rates.loc[6].tolist() == [2, 0.0]
    assert rates.loc[18].tolist() == [3, 66.7]


def test_single_feature_auc_skips_missing_rows_and_reports_them(frame):
    table = single_feature_auc(frame, ["delay", "hour"], "y")
    assert table.loc["delay", "ROC_AUC"] == 1.0
    assert table.loc["delay", "braki_%"] == 40.0
    assert table.loc["hour", "ROC_AUC"] == pytest.approx(5 / 6, abs=1e-3)
    assert list(table.index) == ["delay", "hour"]
