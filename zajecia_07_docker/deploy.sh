#!/usr/bin/env bash
# Wdrożenie API prognozy opóźnień: build obrazu, uruchomienie, smoke test.
#
#   zajecia_07_docker/deploy.sh
#
# Obraz dostaje dwa tagi: skrót commita (wersja, do której można wrócić) i latest.
# Kontener uruchamia docker compose (docker-compose.yml obok), z rejestrem z ../data.
# Gdy API nie wstanie albo smoke test się nie powiedzie, skrypt pokazuje logi kontenera
# i kończy się kodem różnym od zera.
#
# Zmienne: API_URL (domyślnie http://127.0.0.1:8000), READY_TIMEOUT_S (domyślnie 60).
set -euo pipefail

CLASS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(dirname "$CLASS_DIR")"
IMAGE=kurs-mlops/flights-api
API_URL="${API_URL:-http://127.0.0.1:8000}"
READY_TIMEOUT_S="${READY_TIMEOUT_S:-60}"
COMPOSE=(docker compose -f "$CLASS_DIR/docker-compose.yml")

fail() {
    echo "BŁĄD: $*" >&2
    echo "--- logi kontenera (ostatnie 100 linii) ---" >&2
    "${COMPOSE[@]}" logs --no-color --tail 100 api >&2 || true
    exit 1
}

# BEGIN SOLUTION: krok 1/3 — zbuduj obraz (docker build z Dockerfile zajęć, kontekst = katalog główny) z tagami: skrót commita (-dirty przy niezatwierdzonych zmianach) i latest, z --build-arg MLOPS_CODE_VERSION
# The same version string as code_version() in kurs/repository.py; '+' is not allowed in a tag.
commit="$(git -C "$REPO_ROOT" rev-parse --short=12 HEAD)"
version="$commit"
tag="$commit"
if [[ -n "$(git -C "$REPO_ROOT" status --porcelain --untracked-files=no)" ]]; then
    echo "Uwaga: niezatwierdzone zmiany w repozytorium — obraz dostaje tag $commit-dirty."
    version="$commit+dirty"
    tag="$commit-dirty"
fi

echo "==> 1/3 Budowanie obrazu $IMAGE:$tag"
docker build \
    --file "$CLASS_DIR/Dockerfile" \
    --build-arg "MLOPS_CODE_VERSION=$version" \
    --tag "$IMAGE:$tag" \
    --tag "$IMAGE:latest" \
    "$REPO_ROOT"

# END SOLUTION

# BEGIN SOLUTION: krok 2/3 — uruchom kontener przez docker compose (up --detach --no-build, API_IMAGE_TAG = tag z kroku 1) i czekaj na 200 z $API_URL/ready najwyżej READY_TIMEOUT_S s, inaczej fail
echo "==> 2/3 Uruchamianie kontenera ($IMAGE:$tag)"
# --no-build: compose runs exactly the image built above, tagged with this commit.
API_IMAGE_TAG="$tag" MLOPS_CODE_VERSION="$version" "${COMPOSE[@]}" up --detach --no-build

echo "==> Czekam, aż API wczyta model ($API_URL/ready, najwyżej $READY_TIMEOUT_S s)"
deadline=$((SECONDS + READY_TIMEOUT_S))
until curl --silent --fail --output /dev/null "$API_URL/ready"; do
    if ((SECONDS >= deadline)); then
        reason="$(curl --silent "$API_URL/ready" || echo 'brak odpowiedzi')"
        fail "API nie jest gotowe po $READY_TIMEOUT_S s: $reason"
    fi
    sleep 1
done

# END SOLUTION

# BEGIN SOLUTION: krok 3/3 — smoke test: GET /health, /ready, /model i POST /predict z przykładowym lotem (pole probability w odpowiedzi); każdy błąd przez fail (logi kontenera, kod ≠ 0)
echo "==> 3/3 Smoke test"
for path in /health /ready /model; do
    curl --silent --show-error --fail --output /dev/null "$API_URL$path" \
        || fail "GET $path nie zwrócił 200"
    echo "GET $path: OK"
done

# The example flight comes from the image itself, so it matches the schema it serves.
flight="$("${COMPOSE[@]}" exec -T api python -c \
    'import json; from zajecia_07_docker.schema import example_flight; print(json.dumps(example_flight()))')" \
    || fail "nie udało się przygotować przykładowego lotu"
answer="$(curl --silent --show-error --fail \
    --header 'Content-Type: application/json' --data "$flight" "$API_URL/predict")" \
    || fail "POST /predict nie zwrócił 200"
grep --quiet '"probability"' <<<"$answer" \
    || fail "odpowiedź POST /predict bez pola probability: $answer"
echo "POST /predict: OK — $answer"

echo "Wdrożono $IMAGE:$tag pod adresem $API_URL"
# END SOLUTION
