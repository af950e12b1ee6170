"""Small table-producing helpers the EDA notebook uses; tested like any other code."""

from __future__ import annotations

import pandas as pd
from sklearn.metrics import roc_auc_score


def missing_report(frame: pd.DataFrame) -> pd.DataFrame:
    """Count and share of missing values per column, only columns that have gaps."""
    # BEGIN SOLUTION: liczba i odsetek braków w kolumnach z brakami
    missing = frame.isna().sum()
    report = pd.DataFrame({"braki": missing, "udział_%": (100 * missing / len(frame)).round(2)})
    return report[report["braki"] > 0].sort_values("braki", ascending=False)
    # END SOLUTION


def rate_by(frame: pd.DataFrame, key: str | pd.Series, target: str) -> pd.DataFrame:
    """Number of rows and the mean of a 0/1 ``target`` per group of ``key``."""
    # BEGIN SOLUTION: liczba wierszy i odsetek celu w grupach
    grouped = frame.groupby(key, observed=True)[target]
    return pd.DataFrame({"lotów": grouped.size(), "odsetek_%": (100 * grouped.mean()).round(1)})
    # END SOLUTION


def single_feature_auc(frame: pd.DataFrame, columns: list[str], target: str) -> pd.DataFrame:
    """ROC AUC of each numeric column used alone as a score for ``target``.

    Rows where the column is missing are left out and their share is reported, because
    a column that only exists after departure is often missing for exactly the
    flights we most want to catch (cancellations).

    An AUC below 0.5 means the column ranks the classes in reverse; what matters for
    leakage is the distance from 0.5, reported as ``|AUC-0.5|``.
    """
    # BEGIN SOLUTION: ROC AUC każdej kolumny użytej samodzielnie
    rows = []
    for column in columns:
        known = frame[column].notna()
        auc = roc_auc_score(frame.loc[known, target], frame.loc[known, column].astype(float))
        rows.append(
            {
                "cecha": column,
                "ROC_AUC": round(auc, 3),
                "|AUC-0.5|": round(abs(auc - 0.5), 3),
                "braki_%": round(100 * (1 - known.mean()), 2),
            }
        )
    return pd.DataFrame(rows).set_index("cecha").sort_values("|AUC-0.5|", ascending=False)
    # END SOLUTION
