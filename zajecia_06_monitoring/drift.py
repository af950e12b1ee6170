"""Data drift between a reference sample (the training window) and a current month.

* **PSI** (Population Stability Index): ``sum((cur - ref) * ln(cur / ref))`` over bins —
  reference deciles for numbers, categories for categories. Rule of thumb: < 0.1 stable,
  0.1–0.25 moderate shift, > 0.25 large shift.
* **KS** (Kolmogorov–Smirnov) for numbers and **chi²** for categories: a test statistic
  and its p-value. With tens of thousands of rows even harmless shifts are
  "significant", so the p-value is reported, while statuses use PSI.
* **missing values**: the share in each sample and the change.

Empty samples give NaN (no verdict instead of a wrong one); a constant column is
compared as a single bin, so an unchanged constant gives 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from zajecia_05_model.evaluate import BINS, bin_shares, reference_bins

FLOOR = 1e-4  # share given to an empty bin so that the logarithm stays finite


# BEGIN SOLUTION NO PROMPT
def _psi(reference_share: np.ndarray, current_share: np.ndarray) -> float:
    reference_share = np.clip(reference_share, FLOOR, None)
    current_share = np.clip(current_share, FLOOR, None)
    return float(
        np.sum((current_share - reference_share) * np.log(current_share / reference_share))
    )


# END SOLUTION


def psi_from_bins(edges: list[float], shares: list[float], current: pd.Series) -> float:
    """PSI of ``current`` against stored reference bins (NaN when either side is empty)."""
    # BEGIN SOLUTION: PSI względem zapisanych przedziałów (bin_shares)
    if not shares or pd.to_numeric(current, errors="coerce").dropna().empty:
        return float("nan")
    return _psi(np.asarray(shares), bin_shares(edges, current))
    # END SOLUTION


def psi_numeric(reference: pd.Series, current: pd.Series, bins: int = BINS) -> float:
    """PSI of a numeric column, with bin edges at the reference quantiles."""
    # BEGIN SOLUTION: PSI cechy liczbowej, przedziały = decyle referencji
    return psi_from_bins(*reference_bins(reference, bins), current)
    # END SOLUTION


def psi_categorical(reference: pd.Series, current: pd.Series) -> float:
    """PSI of a categorical column over the categories seen in either sample."""
    # BEGIN SOLUTION: PSI po kategoriach z obu próbek
    reference, current = reference.dropna().astype(str), current.dropna().astype(str)
    if reference.empty or current.empty:
        return float("nan")
    ref_share = reference.value_counts(normalize=True)
    cur_share = current.value_counts(normalize=True)
    # Counted first, then aligned: hundreds of categories, not a set of every row.
    categories = ref_share.index.union(cur_share.index)
    ref_share = ref_share.reindex(categories, fill_value=0)
    cur_share = cur_share.reindex(categories, fill_value=0)
    return _psi(ref_share.to_numpy(), cur_share.to_numpy())
    # END SOLUTION


def ks_test(reference: pd.Series, current: pd.Series) -> tuple[float, float]:
    """Two-sample Kolmogorov–Smirnov statistic and p-value (NaN for an empty sample)."""
    # BEGIN SOLUTION: test KS dwóch próbek (scipy.stats.ks_2samp)
    reference = pd.to_numeric(reference, errors="coerce").dropna()
    current = pd.to_numeric(current, errors="coerce").dropna()
    if reference.empty or current.empty:
        return float("nan"), float("nan")
    result = stats.ks_2samp(reference, current)
    return float(result.statistic), float(result.pvalue)
    # END SOLUTION


def chi2_test(reference: pd.Series, current: pd.Series) -> tuple[float, float]:
    """Chi-squared test of the category counts of two samples (NaN if it cannot be computed)."""
    # BEGIN SOLUTION: test chi² liczności kategorii
    counts = pd.DataFrame(
        {
            "reference": reference.dropna().astype(str).value_counts(),
            "current": current.dropna().astype(str).value_counts(),
        }
    ).fillna(0)
    if len(counts) < 2 or (counts.sum() == 0).any():
        return float("nan"), float("nan")
    statistic, pvalue, _, _ = stats.chi2_contingency(counts.to_numpy())
    return float(statistic), float(pvalue)
    # END SOLUTION


def feature_drift(
    reference: pd.DataFrame, current: pd.DataFrame, numeric: list[str], categorical: list[str]
) -> pd.DataFrame:
    """One row per feature: PSI, the test statistic and p-value, missing shares.

    Sorted by PSI, largest first.
    """
    # BEGIN SOLUTION: tabela dryfu: PSI, test, p-wartość, braki
    rows = []
    for column in [*numeric, *categorical]:
        is_numeric = column in numeric
        psi = (psi_numeric if is_numeric else psi_categorical)(reference[column], current[column])
        statistic, pvalue = (ks_test if is_numeric else chi2_test)(
            reference[column], current[column]
        )
        rows.append(
            {
                "feature": column,
                "kind": "numeric" if is_numeric else "categorical",
                "psi": psi,
                "test": "KS" if is_numeric else "chi2",
                "statistic": statistic,
                "p_value": pvalue,
                "missing_reference": float(reference[column].isna().mean())
                if len(reference)
                else float("nan"),
                "missing_current": float(current[column].isna().mean())
                if len(current)
                else float("nan"),
            }
        )
    table = pd.DataFrame(rows)
    table["missing_change"] = table["missing_current"] - table["missing_reference"]
    return table.sort_values("psi", ascending=False, na_position="last").reset_index(drop=True)
    # END SOLUTION
