"""The prediction target, as decided in the EDA (``eda.ipynb``, section 3).

A flight is *disrupted* (target = 1) when it arrives 15 or more minutes late, or when
it is cancelled or diverted. This follows the US Bureau of Transportation Statistics
on-time definition: cancelled and diverted flights are not on time. For the passenger
being warned, a cancellation is worse than a delay, so dropping those flights would
hide exactly the cases the warning is for.
"""

from __future__ import annotations

import pandas as pd

DELAY_THRESHOLD_MIN = 15
STATUSES = ("on_time", "delayed", "cancelled", "diverted")


def flight_status(flights: pd.DataFrame) -> pd.Series:
    """Classify each flight as on_time, delayed, cancelled or diverted.

    Cancelled flights never departed (no ``dep_time``); diverted flights departed
    but have no arrival delay at their destination.
    """
    # BEGIN SOLUTION: reguła statusu lotu z README (sekcja „Zmienna celu”)
    cancelled = flights["dep_time"].isna()
    diverted = ~cancelled & flights["arr_delay"].isna()
    delayed = flights["arr_delay"].fillna(0).ge(DELAY_THRESHOLD_MIN).astype(bool)
    status = pd.Series("on_time", index=flights.index)
    status[delayed] = "delayed"
    status[diverted] = "diverted"
    status[cancelled] = "cancelled"
    return status.astype(pd.CategoricalDtype(STATUSES))
    # END SOLUTION


def is_disrupted(flights: pd.DataFrame) -> pd.Series:
    """The binary target: 1 for delayed (>= 15 min), cancelled or diverted flights."""
    # BEGIN SOLUTION: zmienna celu 0/1 o nazwie disrupted
    return flight_status(flights).ne("on_time").astype("int8").rename("disrupted")
    # END SOLUTION
