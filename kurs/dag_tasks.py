"""What every DAG file of the course needs around its tasks: the month param, the one rule
for which month a run processes, and the rule for errors that a retry cannot fix.

Kept light on purpose: a DAG file imports this at its top, and Airflow's DAG processor
re-parses DAG files in fresh processes again and again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from airflow.sdk import Param

from kurs.months import MONTH_PATTERN, data_month, month_of

# Runs the scheduler makes from a DAG's timetable: their data interval is the month.
TIMETABLE_RUNS = ("scheduled", "backfill")


def month_param(
    description: str = "RRRR-MM; puste = miesiąc z harmonogramu (przebieg ręczny: wymagany)",
) -> Param:
    """An optional ``YYYY-MM`` param; see :func:`run_month` for what an empty one means."""
    return Param(None, type=["null", "string"], pattern=MONTH_PATTERN, description=description)


def param_month(params: Mapping, name: str = "month") -> str | None:
    """The month in the param ``name``, or ``None`` when it is not given.

    Raises:
        AirflowFailException: a month outside the data set; the message names the param.
    """
    from airflow.sdk.exceptions import AirflowFailException

    month = params.get(name)
    try:
        return data_month(month) if month else None
    except ValueError as error:
        raise AirflowFailException(f"parametr {name}: {error}") from error


def run_month(params: Mapping, dag_run, required: bool = True) -> str | None:
    """The month a run of a monthly DAG processes — one rule for every DAG of the course:

    1. the ``month`` param, when given;
    2. otherwise, in a run made from the DAG's timetable (``scheduled``, or Airflow's own
       ``backfill``), the month (New York time) in which its data interval starts — the
       month of its logical date;
    3. otherwise none. An asset-triggered DAG then takes its months from the asset events
       (``required=False``); any other run is refused.

    A manual run gets no month from its dates on purpose: Airflow gives it the last whole
    interval *before* its logical date (a run for 2013-03-01 would get February), and the
    date typed in a UI or CLI may be midnight UTC, the evening before in New York.

    Args:
        dag_run: the run (the task's ``dag_run``); its ``run_type`` and
            ``data_interval_start`` are read.

    Returns:
        ``YYYY-MM``, a month of the data set; ``None`` only when not ``required``.

    Raises:
        AirflowFailException: a month outside the data set, or none when ``required``;
            the message names the ``month`` param.
    """
    from airflow.sdk.exceptions import AirflowFailException

    month = param_month(params)
    if month is None and dag_run.run_type in TIMETABLE_RUNS and dag_run.data_interval_start:
        month = param_month({"month": month_of(dag_run.data_interval_start)})
    if month is None and required:
        kind = getattr(dag_run.run_type, "value", dag_run.run_type)
        raise AirflowFailException(
            f"brak miesiąca: przebieg typu {kind} bez parametru month — uruchom go ponownie "
            "z parametrem month (RRRR-MM), np. 2013-03"
        )
    return month


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
