"""Benchmark of class 05: training on January–June (aim ≤ 60 s on 2 cores).

Builds the features of 2013 in a temporary folder with the class 03–04 functions (not
timed), then times one full training: three models fitted and validated, the final
refit and the July–December backtest.

    python -m zajecia_05_model.bench      (or: make bench)
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from kurs import exit_codes
from kurs.polish import decimal, seconds
from zajecia_04_preprocessing.bench import build_year
from zajecia_05_model.config import TrainConfig
from zajecia_05_model.metadata import MAIN_MODEL
from zajecia_05_model.train import train

AIM_SECONDS = 60


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        data_dir = build_year(Path(folder))
        started = time.perf_counter()
        result = train(TrainConfig(), data_dir)
        took = time.perf_counter() - started
    print("Zajęcia 05: trening na 2013-01…2013-06\n")
    print(
        "Czas treningu (3 modele, model końcowy, test wsteczny): "
        f"{seconds(took)} (cel ≤ {AIM_SECONDS} s)"
    )
    print(f"ROC AUC walidacja: {decimal(result.validation[MAIN_MODEL]['roc_auc'], 3)}")
    print(
        f"ROC AUC lipiec–grudzień: {decimal(result.backtest['pooled']['roc_auc'], 3)} (cel ≥ 0,75)"
    )
    return exit_codes.OK


if __name__ == "__main__":
    raise SystemExit(main())
