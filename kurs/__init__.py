"""The course's shared infrastructure: what several classes need and no lesson owns.

Atomic writes, checksums, Polish numbers, the repository and its data folder, settings,
months, exit codes, the Airflow harness (environment, backfills, DAG helpers, pytest
plugins), figures and report templates, and the runner behind ``make run``. Nothing here
imports a class folder; any class may import it.
"""
