"""Assets produced by class 06.

``MODEL_ALERT`` is updated by ``flights_monitor`` (the ``raise_alert`` task) only when a
monitored month ends in status ``alert``; the event's ``extra`` names the months, the
model version and the reasons. A retraining DAG scheduled on it starts on every alert.
"""

from airflow.sdk import Asset

MODEL_ALERT = Asset(name="model_alert", uri="mlops://monitoring/alerts", group="models")
