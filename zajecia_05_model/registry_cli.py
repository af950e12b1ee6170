"""Command line of the model registry.

python -m zajecia_05_model list
python -m zajecia_05_model show production        (a version or an alias)
python -m zajecia_05_model promote v0002 [--alias production]
python -m zajecia_05_model rollback [--alias production]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zajecia_01_planowanie.polish import decimal
from zajecia_03_airflow_ingest.config import data_dir
from zajecia_05_model.registry import Registry, RegistryError

EXIT_OK = 0
EXIT_ERROR = 1


def _auc(metadata: dict, section: str) -> str:
    metrics = metadata["metrics"].get(section) or {}
    value = metrics.get("hist_gradient_boosting", metrics.get("pooled", {})).get("roc_auc")
    return decimal(value, 3) if value is not None else "—"


def model_summary(registry: Registry, alias: str = "staging") -> str:
    """One line about the newest model: version, AUCs, where production points."""
    version = registry.resolve(alias)
    meta = registry.metadata(version)
    return (
        f"model {version}: ROC AUC walidacja {_auc(meta, 'validation')}, test wsteczny "
        f"{_auc(meta, 'backtest')}; próg {decimal(meta['threshold'], 3)}; "
        f"production → {registry.aliases().get('production', 'brak')}"
    )


def list_versions(registry: Registry) -> int:
    aliases = registry.aliases()
    if not registry.versions():
        print("Rejestr jest pusty.")
        return EXIT_OK
    print(
        f"{'wersja':<8} {'zarejestrowana':<26} {'okno':<17} {'AUC wal.':>8} {'AUC test':>8}  aliasy"
    )
    for version in registry.versions():
        meta = registry.metadata(version)
        window = f"{meta['train_months'][0]}…{meta['train_months'][-1]}"
        names = ", ".join(alias for alias, target in aliases.items() if target == version)
        print(
            f"{version:<8} {meta['registered_at']:<26} {window:<17} "
            f"{_auc(meta, 'validation'):>8} {_auc(meta, 'backtest'):>8}  {names}"
        )
    return EXIT_OK


def show(registry: Registry, name: str) -> int:
    version = registry.resolve(name)
    meta = registry.metadata(version)
    print(f"{meta['model_name']} {version} (zarejestrowana {meta['registered_at']})")
    print(
        f"  okno treningowe: {', '.join(meta['train_months'])}; "
        f"walidacja: {meta['validation_month']}"
    )
    print(f"  próg decyzyjny: {decimal(meta['threshold'], 3)}")
    print(
        f"  ROC AUC walidacja: {_auc(meta, 'validation')}, test wsteczny: {_auc(meta, 'backtest')}"
    )
    print(
        f"  plik: {meta['model_file']} (SHA-256 {meta['model_sha256'][:16]}…), "
        f"kod: {meta['code_version']}"
    )
    print(f"  karta modelu: {registry.versions_dir / version / 'model_card.md'}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m zajecia_05_model", description="Rejestr modeli (zajęcia 05)."
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="domyślnie $MLOPS_DATA_DIR")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="wersje, metryki i aliasy")
    show_parser = commands.add_parser("show", help="szczegóły wersji lub aliasu")
    show_parser.add_argument("name")
    promote = commands.add_parser("promote", help="ustaw alias na wersję")
    promote.add_argument("version")
    promote.add_argument("--alias", default="production")
    rollback = commands.add_parser("rollback", help="przywróć poprzednią wersję aliasu")
    rollback.add_argument("--alias", default="production")
    args = parser.parse_args(argv)

    registry = Registry(args.data_dir or data_dir())
    try:
        if args.command == "list":
            return list_versions(registry)
        if args.command == "show":
            return show(registry, args.name)
        if args.command == "promote":
            previous = registry.promote(args.version, args.alias)
            print(f"{args.alias}: {previous or 'brak'} → {args.version}")
            return EXIT_OK
        version = registry.rollback(args.alias)
        print(f"{args.alias} → {version} (przywrócona)")
        return EXIT_OK
    except RegistryError as error:
        print(f"Błąd: {error}", file=sys.stderr)
        return EXIT_ERROR
