"""DAG params shared by the monthly DAGs (classes 03 and 04 and later)."""

from airflow.sdk import Param


def month_param() -> Param:
    """``month`` for a manual run of one month; empty means the run's own month."""
    return Param(
        None,
        type=["null", "string"],
        pattern=r"^\d{4}-\d{2}$",
        description="RRRR-MM przy ręcznym uruchomieniu; puste = miesiąc z harmonogramu",
    )
