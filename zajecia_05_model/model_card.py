"""The model card (Polish Markdown) and its figures, built from a training result.

The card's prose is in ``templates/model_card.md.j2``; this module draws the figures and
hands the template the numbers. Training writes the card into the candidate, so every
registry version has its own; :func:`publish` renders the card of a registered version
again, from its metadata, into ``karta_modelu/`` of this class — the copy that is
committed and graded. The card holds nothing that changes from run to run (no time, no
commit, no path), so the same version gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure
from sklearn.calibration import calibration_curve
from sklearn.metrics import roc_curve

from kurs.atomic_io import write_bytes_atomic, write_text_atomic
from kurs.figures import png_bytes
from kurs.polish import decimal
from kurs.templates import render as render_template
from zajecia_05_model.config import TrainConfig
from zajecia_05_model.metadata import BASELINES, MAIN_MODEL, ModelMetadata
from zajecia_05_model.registry import CARD_FILE, Registry
from zajecia_05_model.train import TrainingResult

# The committed copy of the card (see publish): make run writes it, git keeps it.
PUBLISHED = Path(__file__).resolve().parent / "karta_modelu"
FIGURES = "figures"

AUC_TARGET = 0.75  # cel_biznesowy.md: ROC AUC on July–December
MODEL_LABELS = {
    "dummy": "DummyClassifier (odsetek klasy)",
    "logistic_regression": "regresja logistyczna",
    MAIN_MODEL: "HistGradientBoosting (model główny)",
}


def figures(result: TrainingResult) -> dict[str, bytes]:
    """PNG files for the card: ROC curves, calibration, metrics per month."""
    # BEGIN SOLUTION: wykresy PNG: ROC, kalibracja, AUC per miesiąc
    files = {}
    figure = Figure(figsize=(6, 5), layout="constrained")
    axes = figure.subplots()
    for name, label in MODEL_LABELS.items():
        y, probability = result.scores[f"validation/{name}"]
        fpr, tpr, _ = roc_curve(y, probability)
        axes.plot(fpr, tpr, label=f"{label}: AUC {decimal(result.validation[name]['roc_auc'], 3)}")
    axes.set_title("Krzywe ROC na miesiącu walidacyjnym")
    axes.set_xlabel("Odsetek fałszywych alarmów (FPR)")
    axes.set_ylabel("Czułość (TPR)")
    axes.legend(loc="lower right", fontsize="small")
    files[f"{FIGURES}/roc.png"] = png_bytes(figure)

    figure = Figure(figsize=(6, 5), layout="constrained")
    axes = figure.subplots()
    axes.plot([0, 1], [0, 1], color="grey", linestyle=":", label="idealna kalibracja")
    for key, label in (("validation/" + MAIN_MODEL, "walidacja"), ("backtest", "test wsteczny")):
        if key in result.scores:
            observed, predicted = calibration_curve(
                *result.scores[key], n_bins=10, strategy="quantile"
            )
            axes.plot(predicted, observed, marker="o", label=label)
    axes.set_title("Kalibracja modelu głównego")
    axes.set_xlabel("Średnie przewidziane prawdopodobieństwo")
    axes.set_ylabel("Odsetek lotów z problemem")
    axes.legend()
    files[f"{FIGURES}/calibration.png"] = png_bytes(figure)

    if result.backtest:
        months = list(result.backtest["per_month"])
        auc = [result.backtest["per_month"][m]["roc_auc"] for m in months]
        figure = Figure(figsize=(7, 4), layout="constrained")
        axes = figure.subplots()
        axes.bar(months, auc, color="#2a9d8f")
        axes.axhline(
            AUC_TARGET, color="#b00020", linestyle="--", label=f"cel {decimal(AUC_TARGET, 2)}"
        )
        axes.set_ylim(0.5, 1)
        axes.set_title("ROC AUC w kolejnych miesiącach po oknie treningowym")
        axes.set_xlabel("Miesiąc 2013")
        axes.set_ylabel("ROC AUC")
        axes.legend()
        files[f"{FIGURES}/auc_per_month.png"] = png_bytes(figure)
    return files
    # END SOLUTION


def card_markdown(metadata: ModelMetadata, model_name: str, version: str | None = None) -> str:
    """The model card in Markdown (``templates/model_card.md.j2``); figures in ``figures/``.

    Everything comes from the metadata training records, so a registered version's card
    can be rendered again at any time; ``version`` (``v0001``) is named in the title once
    the model is registered.
    """
    return render_template(
        "zajecia_05_model",
        "model_card.md.j2",
        model_name=model_name,
        version=version,
        metadata=metadata,
        labels={name: MODEL_LABELS[name] for name in (*BASELINES, MAIN_MODEL)},
        auc_target=AUC_TARGET,
    )


def render(result: TrainingResult, config: TrainConfig, metadata: ModelMetadata) -> str:
    """The card of a candidate just trained (its figures: :func:`figures` of ``result``).

    The text needs only ``metadata``: see :func:`card_markdown`.
    """
    return card_markdown(metadata, config.model_name)


def publish(registry: Registry, version: str, destination: Path = PUBLISHED) -> list[Path]:
    """Write the card of a registered ``version`` and its figures into ``destination``.

    The card is rendered from the version's metadata, the figures are the version's own
    PNG files (drawn at training, byte-stable); a figure left in ``destination`` by an
    earlier card that this version does not have is removed. Every file is written
    atomically, and a second call for the same version rewrites the same bytes.

    Returns:
        The card's path, then the figures' paths.

    Raises:
        RegistryError: no such version in the registry.
    """
    # BEGIN SOLUTION: karta wersji i jej wykresy do destination
    metadata = ModelMetadata.from_dict(registry.metadata(version))
    card = write_text_atomic(
        Path(destination) / CARD_FILE, card_markdown(metadata, registry.root.name, version)
    )
    sources = sorted((registry.versions_dir / version / FIGURES).glob("*.png"))
    target = Path(destination) / FIGURES
    figures = [write_bytes_atomic(target / path.name, path.read_bytes()) for path in sources]
    for stale in set(target.glob("*.png")) - set(figures):
        stale.unlink()
    return [card, *figures]
    # END SOLUTION
