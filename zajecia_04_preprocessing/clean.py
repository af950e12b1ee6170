"""Cleaning a month of raw flights: the EDA's decisions, applied and counted.

* cancelled and diverted flights **stay** — they are positive examples of the target
  (EDA, section 3), not errors;
* duplicates of a scheduled flight (same carrier, flight number, origin and scheduled
  departure) are removed, keeping the first;
* departures or arrivals more than two hours early are impossible for a scheduled
  flight and are removed.

Every removed row is counted by reason; the quality gate limits the total loss.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

DUPLICATE_KEY = ["carrier", "flight", "origin", "sched_dep_utc"]
EARLIEST_PLAUSIBLE_MIN = -120


@dataclass(frozen=True)
class Cleaned:
    flights: pd.DataFrame
    removed: dict[str, int]


def clean_flights(flights: pd.DataFrame) -> Cleaned:
    """Remove duplicates and impossible rows; return the rest and the counts by reason."""
    # BEGIN SOLUTION: usuń duplikaty i niemożliwe opóźnienia, policz powody
    duplicate = flights.duplicated(DUPLICATE_KEY, keep="first")
    too_early = (
        flights["dep_delay"].lt(EARLIEST_PLAUSIBLE_MIN).fillna(False)
        | flights["arr_delay"].lt(EARLIEST_PLAUSIBLE_MIN).fillna(False)
    ) & ~duplicate
    kept = flights[~duplicate & ~too_early].reset_index(drop=True)
    removed = {"duplikat": int(duplicate.sum()), "niemożliwe opóźnienie": int(too_early.sum())}
    return Cleaned(kept, removed)
    # END SOLUTION
