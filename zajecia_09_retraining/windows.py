"""Would another window length make a better challenger? An experiment beside the pipeline.

    python -m zajecia_09_retraining.windows --months 2013-10 2013-11 --lengths 3 6 9 \
        [--out zajecia_09_retraining/wyniki/okna_treningowe.md]

For each month M and each length L: class 05's training on the L months ending at M−1
(nothing is registered), compared with the ``production`` model on every flight of M by
the same paired interval as ``flights_retrain`` uses. One line per pair; with ``--out``
also a Markdown table (Polish). Each training takes about a minute on six months of
flights, so this is not part of ``make run``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kurs import exit_codes
from kurs.atomic_io import write_text_atomic
from kurs.cli import PolishArgumentParser, month_argument, positive_int
from kurs.polish import decimal, signed
from kurs.repository import data_dir as configured_data_dir
from zajecia_03_airflow_ingest.partitions import PartitionError
from zajecia_05_model.config import load_config as load_train_config
from zajecia_05_model.registry import LoadedModel, Registry, RegistryError
from zajecia_05_model.train import train
from zajecia_09_retraining.comparison import AucComparison, compare_auc
from zajecia_09_retraining.config import RetrainConfig, load_config
from zajecia_09_retraining.retrain import challenger_window, month_scores


@dataclass(frozen=True)
class WindowResult:
    month: str
    window: tuple[str, ...]
    comparison: AucComparison

    def line(self, champion: str) -> str:
        c = self.comparison
        return (
            f"{self.month}: okno {len(self.window)} mies. ({self.window[0]}…{self.window[-1]}) "
            f"ROC AUC {decimal(c.challenger_auc, 4)} wobec {champion} "
            f"{decimal(c.champion_auc, 4)}: {signed(c.difference)} "
            f"[{signed(c.low)}; {signed(c.high)}]"
        )


def try_window(
    data_dir: Path, month: str, length: int, champion: LoadedModel, confidence: float
) -> WindowResult:
    """Train on the ``length`` months before ``month`` and compare with ``champion`` on it.

    Raises:
        ValueError: fewer than 2 months before ``month``, or a champion trained on
            ``month`` or later (it would be judged on data it has seen).
        PartitionError: features of a month are missing.
    """
    if champion.metadata["train_months"][-1] >= month:
        raise ValueError(
            f"model {champion.version} był trenowany do {champion.metadata['train_months'][-1]}:"
            f" na {month} nie da się go uczciwie porównać"
        )
    window = challenger_window(month, length)
    if len(window) < 2:
        raise ValueError(f"przed {month} jest mniej niż 2 miesiące danych")
    overrides = {"train_start": window[0], "train_end": window[-1]}
    result = train(replace(load_train_config(overrides), test_months=()), data_dir)
    models = {"champion": champion.model, "challenger": result.model}
    y, scores, _ = month_scores(data_dir, month, models)
    comparison = compare_auc(y, scores["champion"], scores["challenger"], confidence)
    return WindowResult(month, window, comparison)


def table(results: list[WindowResult], champion: str, config: RetrainConfig) -> str:
    """The results as a Markdown table, with the rule the pipeline would apply."""
    lines = [
        f"# Długość okna challengera wobec {champion}",
        "",
        "Wynik `python -m zajecia_09_retraining.windows`: challenger uczony kodem z zajęć 05",
        "na oknie kończącym się przed miesiącem oceny, porównany z modelem produkcyjnym na",
        "wszystkich lotach tego miesiąca (różnica ROC AUC, przedział DeLonga).",
        "",
        "| Miesiąc oceny | Okno | ROC AUC challengera | ROC AUC championa | Różnica | "
        f"Przedział {decimal(config.confidence * 100, 0)}% | "
        f"Dolna granica > marginesu {decimal(config.margin, 3)} |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for r in results:
        c = r.comparison
        lines.append(
            f"| {r.month} | {len(r.window)} mies. ({r.window[0]}…{r.window[-1]}) | "
            f"{decimal(c.challenger_auc, 4)} | {decimal(c.champion_auc, 4)} | "
            f"{signed(c.difference)} | [{signed(c.low)}; {signed(c.high)}] | "
            f"{'tak' if c.low > config.margin else 'nie'} |"
        )
    return "\n".join(lines) + "\n"


def window_length(text: str) -> int:
    """An argparse ``type``: a window of at least 2 months (the last one is validation)."""
    months = positive_int(text)
    if months < 2:
        raise argparse.ArgumentTypeError(
            "okno musi mieć co najmniej 2 miesiące (ostatni to walidacja)"
        )
    return months


def main(argv: Sequence[str] | None = None) -> int:
    parser = PolishArgumentParser(
        prog="python -m zajecia_09_retraining.windows",
        description="Porównanie długości okna challengera z modelem produkcyjnym.",
    )
    parser.add_argument("--months", nargs="+", type=month_argument, required=True)
    parser.add_argument("--lengths", nargs="+", type=window_length, default=[3, 6, 9], metavar="L")
    parser.add_argument("--out", type=Path, default=None, help="tabela Markdown do tego pliku")
    args = parser.parse_args(argv)
    folder = configured_data_dir()
    results = []
    try:
        config = load_config()  # a bad setting stops here, before minutes of training
        champion = Registry(folder).load("production")
        for month in args.months:
            for length in args.lengths:
                results.append(try_window(folder, month, length, champion, config.confidence))
                print(results[-1].line(champion.version), flush=True)
    except (RegistryError, PartitionError, ValueError) as error:
        print(f"Błąd: {error}", file=sys.stderr)
        return exit_codes.ERROR
    if args.out:
        write_text_atomic(args.out, table(results, champion.version, config))
        print(f"tabela: {args.out}")
    return exit_codes.OK


if __name__ == "__main__":
    sys.exit(main())
