"""What the API tells its listeners after each prediction (no Flask needed to read it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PredictionEvent:
    """One answered ``/predict`` request, for listeners (prediction log, metrics)."""

    request_id: str
    model_version: str
    flights: list[dict]
    probabilities: list[float]
    decisions: list[bool]
    threshold: float
    latency_s: float
