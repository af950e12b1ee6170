#!/usr/bin/env bash
# Entry point of the course's Airflow image (Dockerfile); every container of
# docker-compose.yml starts here, as root, and:
#
# 1. `init` (the airflow-init service) prepares what the stack shares: the secrets
#    (airflow_secrets.py) and the folders it writes — ../data, the logs and config
#    volumes — created and handed to the stack's user (kurs/stack_folders.py); then it
#    migrates the metadata database;
# 2. exports the shared secrets, so that every container signs and checks with the same
#    keys (task logs in the UI, tokens, encrypted connections);
# 3. makes every class folder's dags/ in the mounted repository one DAG bundle — the same
#    list that `make run` and `make airflow` use (kurs/airflow_env.py);
# 4. runs the image's own entry point with the command as the stack's user: the owner of
#    the mounted repository (who cloned it), so what Airflow writes in ../data is theirs;
#    AIRFLOW_UID overrides it, and a repository owned by root runs as the image's user.
set -euo pipefail

project="$MLOPS_PROJECT_DIR"
owner="$(stat -c '%u %g' "$project")"
read -r owner_uid owner_gid <<<"$owner"
uid="${AIRFLOW_UID:-$owner_uid}"
gid="$owner_gid"
if [[ "$uid" != "$owner_uid" ]]; then
    gid=0
fi
if [[ "$uid" == 0 ]]; then
    uid=50000 gid=0
fi

if [[ "${1:-}" == init ]]; then
    python -m zajecia_03_airflow_ingest.airflow_secrets
    python -m kurs.stack_folders --owner "$uid:$gid" \
        "$MLOPS_DATA_DIR" "$AIRFLOW_HOME/logs" "$(dirname "$MLOPS_AIRFLOW_SECRETS")"
    set -- db migrate
fi

if [[ ! -r "$MLOPS_AIRFLOW_SECRETS" ]]; then
    echo "Brak sekretów stosu ($MLOPS_AIRFLOW_SECRETS): najpierw musi przejść airflow-init" \
        "(docker compose up uruchamia go sam; zobacz: docker compose logs airflow-init)." >&2
    exit 1
fi
set -a
# shellcheck source=/dev/null
source "$MLOPS_AIRFLOW_SECRETS"
set +a
# Airflow reads the password from its password file; tasks need not see it.
unset MLOPS_AIRFLOW_ADMIN_PASSWORD

AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST="$(python -m kurs.airflow_env bundles "$project")"
export AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST

official="${AIRFLOW_IMAGE_ENTRYPOINT:-/entrypoint}"
if [[ "$(id -u)" == 0 ]]; then
    # GID 0, as the image expects of any user; its home holds what Airflow writes there.
    export HOME="${AIRFLOW_USER_HOME_DIR:-/home/airflow}"
    exec setpriv --reuid="$uid" --regid=0 --clear-groups -- "$official" "$@"
fi
exec "$official" "$@"
