"""DAG params shared by the monthly DAGs (classes 03 and 04 and later)."""

from airflow.sdk import Param

from zajecia_03_airflow_ingest.partitions import MONTH_PATTERN


def month_param(
    description: str = "RRRR-MM przy ręcznym uruchomieniu; puste = miesiąc z harmonogramu",
) -> Param:
    """An optional ``YYYY-MM`` param; by default the month of a manual run."""
    return Param(None, type=["null", "string"], pattern=MONTH_PATTERN, description=description)
