"""The model in service: a registry version, its fast path, and the slot that holds it."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from zajecia_04_preprocessing.features import CATEGORICAL_FEATURES, FEATURES, NUMERIC_FEATURES
from zajecia_05_model.metadata import ModelMetadata
from zajecia_05_model.registry import Registry
from zajecia_07_docker.fast_predict import BinnedForest, CompiledForest

log = logging.getLogger(__name__)


def features_table(flights: list[dict]) -> pd.DataFrame:
    """Validated flights as the table the pipeline was trained on."""
    frame = pd.DataFrame.from_records(flights, columns=list(FEATURES))
    # A column holding only None would stay "object"; the pipeline expects numbers.
    return frame.astype(
        dict.fromkeys(NUMERIC_FEATURES, "float64") | dict.fromkeys(CATEGORICAL_FEATURES, "object")
    )


@dataclass(frozen=True)
class ServedModel:
    """A registry version ready to answer: its metadata, pipeline and fast paths."""

    name: str
    version: str
    metadata: ModelMetadata
    registered_at: str
    pipeline: Pipeline
    forest: CompiledForest
    batch: BinnedForest

    @classmethod
    def load(cls, registry: Registry, name: str) -> ServedModel:
        """Load a version or alias; the registry verifies its checksum, types and the
        library versions it was saved with first.

        Raises:
            LibraryMismatch: saved with other library versions (unless
                ``MLOPS_ALLOW_LIBRARY_MISMATCH=1``); ``/ready`` shows the message.
            RegistryError: unknown, changed or untrusted model file.
            MetadataError: metadata without the fields training writes.
            UnsupportedModel: a model the fast path cannot evaluate.
        """
        loaded = registry.load(name)
        return cls(
            loaded.metadata["model_name"],
            loaded.version,
            ModelMetadata.from_dict(loaded.metadata),
            loaded.metadata["registered_at"],
            loaded.model,
            CompiledForest(loaded.model),
            BinnedForest(loaded.model),
        )

    @property
    def threshold(self) -> float:
        return float(self.metadata.threshold)

    def predict(self, flights: list[dict]) -> np.ndarray:
        """Delay probabilities for validated flights (feature name -> value, None = missing).

        One flight takes the numpy fast path; a batch the binned one (faster per row from
        a few rows on). Both give the pipeline's probabilities.
        """
        if len(flights) == 1:
            return np.array([self.forest.predict_proba(flights[0])])
        return self.batch.predict_proba(features_table(flights))

    def describe(self) -> dict:
        """What ``GET /model`` shows: version, training window, threshold, metrics."""
        meta = self.metadata
        return {
            "name": self.name,
            "version": self.version,
            "type": meta.model_type,
            "registered_at": self.registered_at,
            "train_months": meta.train_months,
            "validation_month": meta.validation_month,
            "threshold": self.threshold,
            "target_recall": meta.target_recall,
            "metrics": {
                "validation": meta.main_validation,
                "backtest": meta.backtest.get("pooled", {}),
            },
            "features": meta.features,
            "code_version": meta.code_version,
        }


class ModelSlot:
    """The model a server process answers with; replaced whole, never changed in place.

    A request takes ``slot.current`` once and uses that object to the end, so a
    replacement in the middle of a request cannot mix two versions. A model that fails to
    load never replaces a working one: the old one keeps serving and ``last_error``
    says why (``/ready`` shows it).
    """

    def __init__(self, registry: Registry, name: str):
        self.registry = registry
        self.name = name
        self._lock = threading.Lock()
        self.current: ServedModel | None = None
        self.last_error: str | None = None

    def refresh(self) -> bool:
        """Serve what ``name`` points at now; return whether the model in service changed."""
        with self._lock:
            try:
                version = self.registry.resolve(self.name)
                if self.current is not None and version == self.current.version:
                    self.last_error = None
                    return False
                model = ServedModel.load(self.registry, version)
            except Exception as error:  # any failure must leave the old model serving
                self.last_error = f"{type(error).__name__}: {error}"
                log.error("model not loaded, %s keeps serving: %s", self._version(), error)
                return False
            log.info("model %s in service (was %s)", model.version, self._version())
            self.current, self.last_error = model, None
            return True

    def _version(self) -> str:
        return self.current.version if self.current else "none"
