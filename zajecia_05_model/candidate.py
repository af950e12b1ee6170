"""A candidate model, as ``flights_train`` makes it: trained, checked, registered.

1. :func:`train_candidate` — train and evaluate, write the candidate (model, metadata,
   model card) to ``$MLOPS_DATA_DIR/candidates/<run>/``; tasks pass only its path;
2. :func:`check_quality_gate` — the main model must beat the best baseline's
   validation ROC AUC by ``min_auc_gain``, otherwise the run fails and nothing is
   registered;
3. :func:`register_candidate` — a new immutable registry version made of the candidate's
   files as they are; alias ``staging`` points at it, and ``production`` too when there is
   no production model yet.
"""

from __future__ import annotations

import json
import math
import platform
import shutil
from collections.abc import Mapping
from importlib.metadata import version as package_version
from pathlib import Path

import skops.io as sio

from kurs.jsonio import write_json_atomic
from kurs.repository import code_version
from zajecia_04_preprocessing.features import FEATURES
from zajecia_05_model import model_card, tracking
from zajecia_05_model.config import TrainConfig
from zajecia_05_model.metadata import MAIN_MODEL, ModelMetadata
from zajecia_05_model.registry import CARD_FILE, METADATA_FILE, MODEL_FILE, Registry
from zajecia_05_model.tracking_store import tag_run
from zajecia_05_model.train import TrainingResult, train

LIBRARIES = ("scikit-learn", "pandas", "numpy", "skops", "pyarrow")


class QualityGateFailed(RuntimeError):
    """The candidate is not better than the baselines by the configured margin."""


def build_metadata(result: TrainingResult, config: TrainConfig) -> ModelMetadata:
    # BEGIN SOLUTION: ModelMetadata z wyniku treningu i konfiguracji
    return ModelMetadata(
        model_type=MAIN_MODEL,
        features=list(FEATURES),
        train_months=list(config.train_months),
        fit_months=list(config.fit_months),
        validation_month=config.validation_month,
        threshold=result.threshold,
        target_recall=config.target_recall,
        min_auc_gain=config.min_auc_gain,
        params=dict(config.boosting),
        rows=result.rows,
        validation=result.validation,
        backtest=result.backtest,
        data_checksums=result.data_checksums,
        score_reference=result.score_reference,
        libraries={"python": platform.python_version()}
        | {name: package_version(name) for name in LIBRARIES},
        code_version=code_version(),
    )
    # END SOLUTION


def train_candidate(
    config: TrainConfig, data_dir: Path, name: str, tracking_tags: Mapping[str, str] | None = None
) -> dict:
    """Train and write a candidate folder; return a JSON summary with its path.

    The training is an MLflow run (:mod:`tracking`, tagged with ``tracking_tags``); its id
    is in the summary (``tracking_run_id``, ``None`` when MLflow was unavailable) and in
    the candidate's ``metadata.json``, so a registry version leads to its run.
    """
    # BEGIN SOLUTION: trening i folder kandydata (skops, metadane, karta), przebieg MLflow
    with tracking.training_run(data_dir, name, config, tracking_tags) as run:
        result = train(config, data_dir)
        metadata = build_metadata(result, config)
        folder = Path(data_dir) / "candidates" / name
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "figures").mkdir(parents=True)
        sio.dump(result.model, folder / MODEL_FILE)
        write_json_atomic(
            folder / METADATA_FILE, metadata.to_dict() | tracking.run_reference(run.run_id)
        )
        (folder / CARD_FILE).write_text(
            model_card.render(result, config, metadata), encoding="utf-8"
        )
        for relative, data in model_card.figures(result).items():
            (folder / relative).write_bytes(data)
        run.log_result(metadata, folder)
    return {
        "candidate": str(folder),
        "validation_auc": metadata.validation_auc,
        "best_baseline_auc": metadata.best_baseline_auc,
        "min_auc_gain": config.min_auc_gain,
        "threshold": result.threshold,
        "backtest_auc": metadata.backtest_auc,
        "tracking_run_id": run.run_id,
    }
    # END SOLUTION


def candidate_metadata(candidate: Path) -> ModelMetadata:
    """The metadata a candidate folder was written with."""
    return ModelMetadata.from_dict(
        json.loads((Path(candidate) / METADATA_FILE).read_text(encoding="utf-8"))
    )


def check_quality_gate(metadata: ModelMetadata) -> None:
    """Raise :class:`QualityGateFailed` unless the model beats the baselines by the margin."""
    # BEGIN SOLUTION: QualityGateFailed bez przewagi min_auc_gain
    gain = metadata.validation_auc - metadata.best_baseline_auc
    # NaN (a validation month with one class) must fail: `nan < x` is False.
    if not math.isfinite(gain) or gain < metadata.min_auc_gain:
        raise QualityGateFailed(
            f"model główny: ROC AUC {metadata.validation_auc:.4f} na walidacji, najlepszy "
            f"punkt odniesienia {metadata.best_baseline_auc:.4f}; przewaga {gain:.4f} < "
            f"wymagane {metadata.min_auc_gain:.4f}"
        )
    # END SOLUTION


def register_candidate(candidate: Path, registry: Registry) -> str:
    """Register the candidate folder as a new version; return the version.

    The model file goes into the registry as it is — hashed and its types checked, never
    loaded. Idempotent: a retried task whose candidate was registered already gets that
    version back instead of a duplicate, and ``staging`` points at it again, so that
    ``staging`` always names the version the latest run registered. The candidate's
    MLflow run, if it has one, gets the tag ``registry_version``.
    """
    # BEGIN SOLUTION: nowa wersja z plików kandydata i aliasy
    candidate = Path(candidate)
    for version in registry.versions():
        if (registered := registry.metadata(version)).get("candidate") == candidate.name:
            if (candidate / METADATA_FILE).is_file():
                trained = json.loads((candidate / METADATA_FILE).read_text(encoding="utf-8"))
                tag_registration(registry, trained, version, registered)
            shutil.rmtree(candidate, ignore_errors=True)
            registry.promote(version, "staging")
            return version
    metadata = json.loads((candidate / METADATA_FILE).read_text(encoding="utf-8"))
    files = {
        str(path.relative_to(candidate)): path.read_bytes()
        for path in sorted(candidate.rglob("*"))
        if path.is_file() and path.name not in {MODEL_FILE, METADATA_FILE}
    }
    version = registry.register_file(
        candidate / MODEL_FILE, {**metadata, "candidate": candidate.name}, files
    )
    registry.promote(version, "staging")
    if "production" not in registry.aliases():
        registry.promote(version, "production")
    shutil.rmtree(candidate)
    tag_registration(registry, metadata, version, metadata)
    return version
    # END SOLUTION


def tag_registration(registry: Registry, trained: dict, version: str, registered: dict) -> None:
    """Tell the candidate's MLflow run what became of it: ``registry_version`` when its
    model is the version, ``refusal_reason`` when the version came from an earlier
    training under the same name (a re-run of the same DAG run), whose model was kept."""
    run_id = tracking.tracked_run_id(trained)
    earlier = tracking.tracked_run_id(registered)
    if run_id == earlier:
        tag_run(registry.data_dir, run_id, {"registry_version": version})
        return
    reason = (
        f"ponowny trening kandydata {registered['candidate']}, który jest już w rejestrze jako "
        f"{version} (przebieg MLflow {earlier or 'bez zapisu'}): rejestr zostawił tamten "
        "model, ten nie został zarejestrowany"
    )
    tag_run(registry.data_dir, run_id, {"refusal_reason": reason})
