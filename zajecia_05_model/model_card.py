"""The model card (Polish Markdown) and its figures, built from a training result.

The card's prose is in ``templates/model_card.md.j2``; this module draws the figures and
hands the template the numbers.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from sklearn.calibration import calibration_curve
from sklearn.metrics import roc_curve

from kurs.figures import png_bytes
from kurs.polish import decimal
from kurs.templates import render as render_template
from zajecia_05_model.config import TrainConfig
from zajecia_05_model.metadata import BASELINES, MAIN_MODEL, ModelMetadata
from zajecia_05_model.train import TrainingResult

AUC_TARGET = 0.75  # cel_biznesowy.md: ROC AUC on July–December
MODEL_LABELS = {
    "dummy": "DummyClassifier (odsetek klasy)",
    "logistic_regression": "regresja logistyczna",
    MAIN_MODEL: "HistGradientBoosting (model główny)",
}


def figures(result: TrainingResult) -> dict[str, bytes]:
    """PNG files for the card: ROC curves, calibration, metrics per month."""
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
    files["figures/roc.png"] = png_bytes(figure)

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
    files["figures/calibration.png"] = png_bytes(figure)

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
        files["figures/auc_per_month.png"] = png_bytes(figure)
    return files


def render(result: TrainingResult, config: TrainConfig, metadata: ModelMetadata) -> str:
    """The model card in Markdown (``templates/model_card.md.j2``); figures in ``figures/``."""
    return render_template(
        "zajecia_05_model",
        "model_card.md.j2",
        config=config,
        rows=result.rows,
        metadata=metadata,
        labels={name: MODEL_LABELS[name] for name in (*BASELINES, MAIN_MODEL)},
        auc_target=AUC_TARGET,
    )
