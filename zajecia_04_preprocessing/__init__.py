"""Class 04: cleaning, joins and pre-departure features in Airflow."""
