"""Assets (data-aware scheduling) produced by class 03.

``RAW_FLIGHTS`` is updated by ``flights_ingest`` (the ``monthly_tables`` task) after
each month's partition is written; the event's ``extra`` holds that month's flights
manifest. A DAG scheduled on it starts when a month is ingested and reads the month from
the event.
"""

from airflow.sdk import Asset

RAW_FLIGHTS = Asset(name="raw_flights", uri="mlops://raw/flights", group="flights")
