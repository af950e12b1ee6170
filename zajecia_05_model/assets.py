"""Assets produced by class 05.

``MODEL`` is updated by ``flights_train`` (the ``register`` task) whenever a new model
version passes the quality gate; the event's ``extra`` holds the version and its
metrics. Consumers: monitoring (class 06) and deployment (class 08).
"""

from airflow.sdk import Asset

MODEL = Asset(name="flight_delay_model", uri="mlops://registry/flights_delay", group="models")
