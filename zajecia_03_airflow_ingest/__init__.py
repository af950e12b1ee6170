"""Class 03: monthly ingest of the flight data with Apache Airflow."""
