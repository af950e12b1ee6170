"""The deploy pipeline: checks, a staging instance, promotion; and rollback.

``deploy(version)`` promotes a registry version to ``production`` only when every check
passes:

1. **quality gate** — the version's validation ROC AUC beats the best baseline by the
   margin it was trained with (the gate of class 05, re-checked on the stored metrics);
2. **staging smoke test** — the candidate is served by a real gunicorn on a free port
   (the production command and app, ``MLOPS_MODEL_ALIAS=<version>``): it must become
   ready with that version, answer sample flights one by one (the fast path) with the
   probabilities of the registered pipeline, and refuse a bad request with a 4xx.

Then the alias moves (atomically, class 05) and every running API picks the version up
within a second (``hot_swap``). ``rollback()`` moves the alias back. A tampered version
never gets that far: the registry refuses to load it, in staging and in production.

The command line (``cli.py``) checks a running API given by ``--url`` before any of this,
and moves the alias back when that API does not switch — a failed command leaves
``production`` as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kurs.polish import decimal
from zajecia_05_model.candidate import QualityGateFailed, check_quality_gate
from zajecia_05_model.metadata import MetadataError, ModelMetadata
from zajecia_05_model.registry import Registry, RegistryError
from zajecia_07_docker.schema import example_flight
from zajecia_07_docker.served_model import features_table
from zajecia_07_docker.server import ServerError, call
from zajecia_08_deploy.metrics import versions_in_service
from zajecia_08_deploy.service import production_server

# Probabilities of the staging API and of the pipeline must agree this closely.
TOLERANCE = 1e-9
# Flights of a month for the smoke test, and how long a running API may take to switch.
SMOKE_FLIGHTS = 20
WAIT_S = 30.0
Report = Callable[[str], None]


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class Deployment:
    version: str
    checks: list[Check] = field(default_factory=list)
    previous: str | None = None

    @property
    def promoted(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)


def quality_gate(registry: Registry, version: str) -> Check:
    name = "bramka jakości"
    try:
        metadata = ModelMetadata.from_dict(registry.metadata(version))
        check_quality_gate(metadata)
    except (QualityGateFailed, MetadataError) as error:
        return Check(name, False, str(error))
    return Check(
        name,
        True,
        f"ROC AUC {decimal(metadata.validation_auc, 3)} wobec "
        f"{decimal(metadata.best_baseline_auc, 3)} najlepszego punktu odniesienia",
    )


def staging_smoke_test(
    registry: Registry, version: str, flights: list[dict], data_dir: Path
) -> Check:
    """Serve ``version`` on a staging copy of production and compare it with the pipeline.

    The staging server is the production command (class 08 app, its gunicorn settings)
    with the candidate pinned by version; its predictions go to a log of their own.
    """
    # BEGIN SOLUTION: kandydat na stagingu zgodny z pipeline'em (README)
    name = "smoke test (staging)"
    staging_dir = Path(data_dir) / "staging"
    try:
        pipeline = registry.load(version).model
        expected = pipeline.predict_proba(features_table(flights))[:, 1]
        with production_server(
            data_dir,
            workers=1,
            MLOPS_MODEL_ALIAS=version,
            PREDICTION_LOG_PATH=str(staging_dir / f"predictions-{version}.sqlite3"),
        ) as staging:
            _, ready = staging.call("GET", "/ready")
            if ready.get("model_version") != version:
                return Check(name, False, f"staging serwuje {ready.get('model_version')}")
            answers = [staging.call("POST", "/predict", flight) for flight in flights]
            bad_status, _ = staging.call("POST", "/predict", {"instances": []})
    except (RegistryError, ServerError, OSError, ValueError) as error:
        return Check(name, False, f"{type(error).__name__}: {error}")
    if any(status != 200 for status, _ in answers):
        return Check(name, False, f"odpowiedzi: {sorted({status for status, _ in answers})}")
    served = np.array([answer["probability"] for _, answer in answers])
    difference = float(np.max(np.abs(served - expected)))
    if difference > TOLERANCE:
        return Check(name, False, f"różnica prawdopodobieństw {difference:.2e} > {TOLERANCE}")
    if not 400 <= bad_status < 500:
        return Check(name, False, f"złe żądanie dało status {bad_status}, oczekiwano 4xx")
    return Check(
        name,
        True,
        f"lotów: {len(flights)}, prawdopodobieństwa zgodne z pipeline'em z rejestru "
        f"(różnica {difference:.1e}), złe żądanie → {bad_status}",
    )
    # END SOLUTION


def deploy(
    registry: Registry,
    version: str,
    data_dir: Path,
    flights: list[dict] | None = None,
    report: Report = print,
) -> Deployment:
    """Run the checks and promote ``version`` to ``production`` if all pass."""
    # BEGIN SOLUTION: bramka jakości, smoke test, dopiero wtedy promocja (README)
    deployment = Deployment(version)
    deployment.checks.append(quality_gate(registry, version))
    if deployment.checks[-1].passed:
        sample = flights or [example_flight()]
        deployment.checks.append(staging_smoke_test(registry, version, sample, data_dir))
    for check in deployment.checks:
        report(f"{'ok ' if check.passed else 'BŁĄD'} {check.name}: {check.detail}")
    if deployment.promoted:
        deployment.previous = registry.promote(version, "production")
        report(f"production: {deployment.previous or 'brak'} → {version}")
    else:
        report(f"{version} NIE została wdrożona; production bez zmian")
    return deployment
    # END SOLUTION


def wait_for_version(base_url: str, version: str, timeout_s: float = WAIT_S) -> bool:
    """Whether every live worker of the API at ``base_url`` serves ``version``.

    Read from ``api_model_in_service`` in ``/metrics``: a version stays there while any
    live worker serves it, so only ``{version}`` means that all of them switched. An API
    that does not answer (restarting, stopped) is asked again until ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            status, exposition = call(base_url, "GET", "/metrics", timeout=5)
        except OSError:
            status, exposition = None, ""
        if status == 200 and versions_in_service(exposition) == {version}:
            return True
        time.sleep(0.2)
    return False
