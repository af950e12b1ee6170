"""What training records about a model: the ``metadata.json`` of a registry version, typed.

Training writes it (:meth:`ModelMetadata.to_dict`); the quality gate, the API, monitoring
and deployment read it (:meth:`ModelMetadata.from_dict`). The registry adds its own
fields when it registers a version (``version``, ``registered_at``, ``model_sha256``…);
they are read as such, the rest of the file is this record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

MAIN_MODEL = "hist_gradient_boosting"
BASELINES = ("dummy", "logistic_regression")


class MetadataError(ValueError):
    """A metadata file that does not hold what training writes (message in Polish)."""


@dataclass(frozen=True)
class ModelMetadata:
    """One trained model.

    Attributes:
        validation: metrics on the validation month, per model (the main one and the
            baselines): ``roc_auc``, ``pr_auc``, ``brier``…
        backtest: ``{"months": [...], "pooled": {...}, "per_month": {...}}`` on the months
            after the window whose features existed at training; empty if none did.
        threshold: the decision threshold (probability), chosen on the validation month.
        min_auc_gain: the quality gate's margin the model was trained with.
        score_reference: the validation scores as decile bins (``edges``, ``shares``), the
            reference of prediction drift.
        libraries: library -> version at training; the registry refuses to load the model
            with other versions of those that hold its fitted state (``library_versions``).
    """

    model_type: str
    features: list[str]
    train_months: list[str]
    fit_months: list[str]
    validation_month: str
    threshold: float
    target_recall: float
    min_auc_gain: float
    params: dict[str, Any]
    rows: dict[str, int]
    validation: dict[str, dict[str, float]]
    backtest: dict[str, Any]
    data_checksums: dict[str, str]
    score_reference: dict[str, list[float]]
    libraries: dict[str, str]
    code_version: str

    @classmethod
    def from_dict(cls, raw: dict) -> ModelMetadata:
        """The record in a ``metadata.json`` (extra keys, such as the registry's, ignored).

        Raises:
            MetadataError: a field training writes is missing.
        """
        flat = {**raw, **raw.get("metrics", {})}
        missing = [f.name for f in fields(cls) if f.name not in flat]
        if missing:
            raise MetadataError(
                "metadane modelu bez pól zapisywanych przy treningu: " + ", ".join(missing)
            )
        return cls(**{f.name: flat[f.name] for f in fields(cls)})

    def to_dict(self) -> dict:
        """The JSON layout of ``metadata.json``: the metrics grouped under ``metrics``."""
        raw = asdict(self)
        metrics = {"validation": raw.pop("validation"), "backtest": raw.pop("backtest")}
        keys = list(raw)
        after_rows = keys.index("rows") + 1
        return (
            {key: raw[key] for key in keys[:after_rows]}
            | {"metrics": metrics}
            | {key: raw[key] for key in keys[after_rows:]}
        )

    @property
    def main_validation(self) -> dict[str, float]:
        """The main model's metrics on the validation month."""
        return self.validation[self.model_type]

    @property
    def validation_auc(self) -> float:
        return self.main_validation["roc_auc"]

    @property
    def best_baseline_auc(self) -> float:
        return max(self.validation[name]["roc_auc"] for name in BASELINES)

    @property
    def backtest_auc(self) -> float | None:
        """ROC AUC pooled over the backtest months; ``None`` without a backtest."""
        return self.backtest.get("pooled", {}).get("roc_auc")
