"""What every DAG file of the course needs around its tasks: the month param and the rule
for errors that a retry cannot fix.

Kept light on purpose: a DAG file imports this at its top, and Airflow's DAG processor
re-parses DAG files in fresh processes again and again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from airflow.sdk import Param

from kurs.months import MONTH_PATTERN


def month_param(
    description: str = "RRRR-MM przy ręcznym uruchomieniu; puste = miesiąc z harmonogramu",
) -> Param:
    """An optional ``YYYY-MM`` param; by default the month of a manual run."""
    return Param(None, type=["null", "string"], pattern=MONTH_PATTERN, description=description)


@contextmanager
def fail_without_retry(*errors: type[BaseException]) -> Iterator[None]:
    """End the task at once, without retries, when the block raises one of ``errors``.

    For errors a retry cannot fix — bad data, bad settings, a failed quality gate: the
    task fails with the error's (Polish) message. Anything else propagates, and Airflow
    retries the task as its ``retries`` say (a server that does not answer may later).
    """
    from airflow.sdk.exceptions import AirflowFailException

    try:
        yield
    except errors as error:
        raise AirflowFailException(str(error)) from error
