"""The model card (Polish Markdown) and its figures, built from a training result."""

from __future__ import annotations

import io

from matplotlib.figure import Figure
from sklearn.calibration import calibration_curve
from sklearn.metrics import roc_curve

from zajecia_01_planowanie.polish import decimal, integer, percent
from zajecia_05_model.config import TrainConfig
from zajecia_05_model.train import BASELINES, MAIN_MODEL, TrainingResult

AUC_TARGET = 0.75  # cel_biznesowy.md: ROC AUC on July–December
MODEL_LABELS = {
    "dummy": "DummyClassifier (odsetek klasy)",
    "logistic_regression": "regresja logistyczna",
    MAIN_MODEL: "HistGradientBoosting (model główny)",
}


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


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
    files["figures/roc.png"] = _png(figure)

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
    files["figures/calibration.png"] = _png(figure)

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
        files["figures/auc_per_month.png"] = _png(figure)
    return files


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def render(result: TrainingResult, config: TrainConfig, metadata: dict) -> str:
    """The model card in Markdown; figures are referenced from ``figures/``."""
    main = result.validation[MAIN_MODEL]
    lines = [
        f"# Karta modelu — {config.model_name}",
        "",
        "Model przewiduje **przed odlotem** (2 h wcześniej), czy lot z Nowego Jorku przyleci",
        "≥ 15 min po czasie albo zostanie odwołany lub przekierowany (`disrupted = 1`).",
        "Cel biznesowy, KPI i ograniczenia: `zajecia_01_planowanie/cel_biznesowy.md`.",
        "",
        "## Dane",
        "",
        f"* okno treningowe: {config.train_months[0]} … {config.train_months[-1]} "
        f"({integer(result.rows['window'])} lotów); model końcowy uczony na całym oknie;",
        f"* podział czasowy: dopasowanie na {config.fit_months[0]} … {config.fit_months[-1]} "
        f"({integer(result.rows['fit'])}), walidacja na {config.validation_month} "
        f"({integer(result.rows['validation'])}) — nigdy losowo;",
        f"* liczba cech: {len(metadata['features'])}, wszystkie znane przed odlotem "
        "(`zajecia_04_preprocessing/features.py`); sumy SHA-256 partycji w `metadata.json`.",
        "",
        "## Walidacja: model główny i punkty odniesienia",
        "",
        "| Model | ROC AUC | PR AUC | Brier |",
        "|---|---:|---:|---:|",
    ]
    for name in (*BASELINES, MAIN_MODEL):
        m = result.validation[name]
        lines.append(
            f"| {MODEL_LABELS[name]} | {decimal(m['roc_auc'], 3)} | {decimal(m['pr_auc'], 3)} "
            f"| {decimal(m['brier'], 3)} |"
        )
    gain = main["roc_auc"] - result.best_baseline_auc
    lines += [
        "",
        f"Bramka jakości: model główny musi pokonać najlepszy punkt odniesienia o "
        f"{decimal(config.min_auc_gain, 3)} ROC AUC; przewaga: **{decimal(gain, 3)}**.",
        "",
        "## Próg decyzyjny",
        "",
        "Próg i liczby z walidacji pochodzą z modelu dopasowanego na miesiącach przed "
        f"{config.validation_month}; zarejestrowany model to ten sam przepis dopasowany ponownie "
        "na całym oknie, z tym samym progiem — jak działa poza oknem, pokazuje test wsteczny.",
        "",
        "Najwyższy próg, przy którym czułość na walidacji wynosi co najmniej "
        f"{percent(config.target_recall)} (KPI z `cel_biznesowy.md`): "
        f"**{decimal(result.threshold, 3)}**. Na walidacji: precyzja "
        f"{percent(main['precision'], 1)}, czułość {percent(main['recall'], 1)}, "
        f"F1 {decimal(main['f1'], 3)}, ostrzeżenie dla {percent(main['flagged_share'], 1)} lotów.",
        "",
        "![Krzywe ROC](figures/roc.png)",
        "",
        "![Kalibracja](figures/calibration.png)",
    ]
    if result.backtest:
        pooled = result.backtest["pooled"]
        verdict = "cel osiągnięty" if pooled["roc_auc"] >= AUC_TARGET else "cel NIE osiągnięty"
        lines += [
            "",
            "## Test wsteczny: miesiące po oknie treningowym",
            "",
            "W produkcji te miesiące przychodzą później (ich jakość mierzy monitoring,",
            "zajęcia 06); tu liczymy je od razu, bo dane 2013 są kompletne.",
            "",
            f"Łącznie {integer(pooled['rows'])} lotów: ROC AUC **{decimal(pooled['roc_auc'], 3)}** "
            f"(cel ≥ {decimal(AUC_TARGET, 2)} — {verdict}), PR AUC {decimal(pooled['pr_auc'], 3)}, "
            f"Brier {decimal(pooled['brier'], 3)}; przy progu: precyzja "
            f"{percent(pooled['precision'], 1)}, czułość {percent(pooled['recall'], 1)}. "
            "W miesiącach z mniejszym odsetkiem opóźnień niż w walidacji ten sam próg daje "
            "niższą czułość — dlatego KPI raportujemy per miesiąc.",
            "",
            _row(
                "Miesiąc",
                "Lotów",
                "Z problemem",
                "ROC AUC",
                "PR AUC",
                "Brier",
                "Precyzja",
                "Czułość",
                "F1",
            ),
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [
            _row(
                month,
                integer(m["rows"]),
                percent(m["positive_rate"], 1),
                *(decimal(m[key], 3) for key in ("roc_auc", "pr_auc", "brier")),
                *(percent(m[key], 1) for key in ("precision", "recall")),
                decimal(m["f1"], 3),
            )
            for month, m in result.backtest["per_month"].items()
        ]
        lines += ["", "![ROC AUC w miesiącach](figures/auc_per_month.png)"]
    lines += [
        "",
        "## Ograniczenia",
        "",
        "* pogoda to pomiar z godziny odlotu, a w produkcji byłaby prognoza sprzed 2 h;",
        "* odsetek lotów z problemem zmienia się z miesiąca na miesiąc (15–36%), więc precyzja",
        "  przy stałym progu też się zmienia — raportujemy ją per miesiąc;",
        "* dane z 2013 roku: model jest ćwiczeniem procesu, nie narzędziem dla dzisiejszych lotów.",
        "",
        "## Wersje",
        "",
        f"Kod: `{metadata['code_version']}`. Biblioteki: "
        + ", ".join(f"{name} {version}" for name, version in metadata["libraries"].items())
        + ".",
    ]
    return "\n".join(lines) + "\n"
