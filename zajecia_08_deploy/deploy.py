"""The deploy pipeline: checks, a staging instance, promotion; and rollback.

``deploy(version)`` promotes a registry version to ``production`` only when every check
passes:

1. **quality gate** — the version's validation ROC AUC beats the best baseline by the
   margin it was trained with (the gate of class 05, re-checked on the stored metrics);
2. **staging smoke test** — the candidate is served by a real gunicorn on a free port
   (the production command, ``MLOPS_MODEL_ALIAS=<version>``): it must become ready with
   that version, answer sample flights with exactly the probabilities of the registered
   pipeline, and refuse a bad request with a 4xx.

Then the alias moves (atomically, class 05) and every running API picks the version up
within a second (``hot_swap``). ``rollback()`` moves the alias back. A tampered version
never gets that far: the registry refuses to load it, in staging and in production.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zajecia_01_planowanie.polish import decimal
from zajecia_05_model.pipeline import QualityGateFailed, check_quality_gate
from zajecia_05_model.registry import Registry, RegistryError
from zajecia_05_model.train import BASELINES, MAIN_MODEL
from zajecia_07_docker.schema import example_flight
from zajecia_07_docker.served_model import ServedModel
from zajecia_07_docker.server import ApiServer, ServerError, call

# Probabilities of the staging API and of the pipeline must agree this closely.
TOLERANCE = 1e-9
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
    meta = registry.metadata(version)
    validation = meta["metrics"]["validation"]
    summary = {
        "validation_auc": validation[MAIN_MODEL]["roc_auc"],
        "best_baseline_auc": max(validation[name]["roc_auc"] for name in BASELINES),
        "min_auc_gain": meta["min_auc_gain"],
    }
    try:
        check_quality_gate(summary)
    except QualityGateFailed as error:
        return Check("bramka jakości", False, str(error))
    return Check(
        "bramka jakości",
        True,
        f"ROC AUC {decimal(summary['validation_auc'], 3)} wobec "
        f"{decimal(summary['best_baseline_auc'], 3)} najlepszego punktu odniesienia",
    )


def staging_smoke_test(
    registry: Registry, version: str, flights: list[dict], data_dir: Path
) -> Check:
    """Serve ``version`` on a staging gunicorn and compare its answers with the pipeline."""
    name = "smoke test (staging)"
    try:
        expected = ServedModel.load(registry, version).predict(flights)
        with ApiServer(
            data_dir,
            env={"MLOPS_MODEL_ALIAS": version, "API_WORKERS": "1"},
            log_path=Path(data_dir) / "logs" / f"staging-{version}.log",
        ) as staging:
            _, ready = staging.call("GET", "/ready")
            if ready.get("model_version") != version:
                return Check(name, False, f"staging serwuje {ready.get('model_version')}")
            answers = [staging.call("POST", "/predict", flight) for flight in flights]
            bad_status, _ = staging.call("POST", "/predict", {"instances": []})
    except (RegistryError, ServerError) as error:
        return Check(name, False, str(error))
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
        f"{len(flights)} lotów: prawdopodobieństwa zgodne z pipeline'em "
        f"(różnica {difference:.1e}), złe żądanie → {bad_status}",
    )


def deploy(
    registry: Registry,
    version: str,
    data_dir: Path,
    flights: list[dict] | None = None,
    report: Report = print,
) -> Deployment:
    """Run the checks and promote ``version`` to ``production`` if all pass."""
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


def wait_for_version(base_url: str, version: str, timeout_s: float = 30.0, probes: int = 8) -> bool:
    """Whether the API at ``base_url`` answers with ``version`` from every worker.

    Any worker may answer a request, so ``probes`` answers in a row must all name it.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        seen = {
            call(base_url, "GET", "/ready", timeout=5)[1].get("model_version")
            for _ in range(probes)
        }
        if seen == {version}:
            return True
        time.sleep(0.2)
    return False
