"""Class 07 in ``make run``: the production model behind gunicorn, asked about real flights."""

from __future__ import annotations

from pathlib import Path

from kurs.polish import integer
from kurs.runner import RunContext
from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_07_docker.schema import flight_records
from zajecia_07_docker.server import CLASS_DIR, ApiServer

TITLE = "API i kontener"
ACTION = "gunicorn z modelem production, loty z 2013-07"
# Read from the data folder: features (class 04) and the model registry (class 05).
NEEDS = {"features/flights": 4, "registry": 5}


def run(context: RunContext, month: str = "2013-07", flights: int = 500) -> list[Path]:
    report = context.report
    bodies = flight_records(features_partition(context.data_dir, month).read().head(flights))
    with ApiServer(context.data_dir) as server:
        _, model = server.call("GET", "/model")
        report(
            f"API {server.base_url}: model {model['version']} "
            f"({model['train_months'][0]}…{model['train_months'][-1]}), /ready ok"
        )
        _, batch = server.call("POST", "/predict", {"instances": bodies})
        singles = [server.call("POST", "/predict", body)[1]["probability"] for body in bodies[:50]]
        delayed = sum(p["delayed"] for p in batch["predictions"])
        difference = max(
            abs(single - answer["probability"])
            for single, answer in zip(singles, batch["predictions"][:50], strict=True)
        )
        report(
            f"{integer(len(bodies))} lotów z {month} w jednej partii: opóźnienie przewidziane dla "
            f"{integer(delayed)}; 50 pojedynczych żądań (szybka ścieżka) zgodnych z partią "
            f"(różnica ≤ {difference:.0e})"
        )
        status, error = server.call("POST", "/predict", bodies[0] | {"dep_hour": 25})
        report(f"złe żądanie (dep_hour = 25) → {status}: {error['error']['fields'][0]['message']}")
    return [CLASS_DIR / "Dockerfile", server.log_path]
