#!/usr/bin/env bash
# Entry point of the course's Airflow image (Dockerfile): every class folder's dags/ in the
# mounted repository is one DAG bundle, found when the container starts — the same list
# that `make run` and `make airflow` use (kurs/airflow_env.py) — so a new class needs no
# configuration. Then the image's own entry point runs the Airflow command.
set -euo pipefail

AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST="$(python -m kurs.airflow_env bundles "$MLOPS_PROJECT_DIR")"
export AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST
exec "${AIRFLOW_IMAGE_ENTRYPOINT:-/entrypoint}" "$@"
