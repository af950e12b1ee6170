"""Assets produced by class 05.

``MODEL`` is updated by ``flights_train`` (the ``register`` task) whenever a new model
version passes the quality gate; the event's ``extra`` holds the version and its
metrics. No DAG schedules on it here: its events are the history, in Airflow, of which
run registered which version.
"""

from airflow.sdk import Asset

MODEL = Asset(name="flight_delay_model", uri="mlops://registry/flights_delay", group="models")
