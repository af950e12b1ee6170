"""Assets produced by class 04.

``FEATURES`` is updated by ``flights_preprocess`` (the ``build_month`` task) for every
month whose feature partition passed the quality gate; the event's ``extra`` holds the
partition's manifest. A DAG scheduled on it starts when a month of features is ready.
"""

from airflow.sdk import Asset

FEATURES = Asset(name="flight_features", uri="mlops://features/flights", group="flights")
