"""Command line of the model registry.

python -m zajecia_05_model list [--json]
python -m zajecia_05_model show production [--json]    (a version or an alias)
python -m zajecia_05_model promote v0002 [--alias production]
python -m zajecia_05_model rollback [--alias production]

``--json`` prints what the grader's run mode reads (grading/README.md, "Rejestr"): the
list as ``{"versions": [...], "aliases": {alias: version}}``, a version as its
``metadata.json`` plus ``version``, ``model_path``, ``aliases`` and ``tags``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kurs import exit_codes
from kurs.cli import PolishArgumentParser
from kurs.polish import decimal
from kurs.repository import data_dir
from zajecia_05_model.library_versions import OVERRIDE_VARIABLE
from zajecia_05_model.metadata import MetadataError, ModelMetadata
from zajecia_05_model.registry import CARD_FILE, MODEL_FILE, Registry, RegistryError


def _auc(value: float | None) -> str:
    return decimal(value, 3) if value is not None else "—"


def model_summary(registry: Registry, alias: str = "staging") -> str:
    """One line about the newest model: version, AUCs, where production points."""
    version = registry.resolve(alias)
    meta = ModelMetadata.from_dict(registry.metadata(version))
    return (
        f"model {version}: ROC AUC walidacja {_auc(meta.validation_auc)}, test wsteczny "
        f"{_auc(meta.backtest_auc)}; próg {decimal(meta.threshold, 3)}; "
        f"production → {registry.aliases().get('production', 'brak')}"
    )


def require_registry(registry: Registry) -> None:
    """Raises :class:`RegistryError` naming the folder and the next step when the registry
    does not exist — a data folder before training, or the wrong data folder."""
    if not registry.root.is_dir():
        raise RegistryError(
            f"brak rejestru modeli w {registry.root}. Model rejestruje trening z zajęć 05: "
            "make run albo python -m kurs --only 5 (po krokach 03–04); inny folder danych "
            "wskazuje --data-dir albo MLOPS_DATA_DIR"
        )


def version_table(registry: Registry) -> list[str]:
    """The registry's versions as table lines (a header, then one line per version: when
    registered, training window, validation and backtest ROC AUC, aliases); one line
    saying so when there is none."""
    # BEGIN SOLUTION: tabela wersji: nagłówek i wiersz na wersję
    if not registry.versions():
        return [f"Rejestr {registry.root} nie ma jeszcze żadnej wersji modelu."]
    aliases = registry.aliases()
    lines = [
        f"{'wersja':<8} {'zarejestrowana':<26} {'okno':<17} {'AUC wal.':>8} {'AUC test':>8}  aliasy"
    ]
    for version in registry.versions():
        raw = registry.metadata(version)
        meta = ModelMetadata.from_dict(raw)
        window = f"{meta.train_months[0]}…{meta.train_months[-1]}"
        names = ", ".join(alias for alias, target in aliases.items() if target == version)
        lines.append(
            f"{version:<8} {raw['registered_at']:<26} {window:<17} "
            f"{_auc(meta.validation_auc):>8} {_auc(meta.backtest_auc):>8}  {names}".rstrip()
        )
    return lines
    # END SOLUTION


def list_versions(registry: Registry, as_json: bool = False) -> int:
    # BEGIN SOLUTION: --json: versions i aliases; inaczej tabela wersji
    if as_json:
        versions = {"versions": registry.versions(), "aliases": registry.aliases()}
        print(json.dumps(versions, indent=2))
        return exit_codes.OK
    print(*version_table(registry), sep="\n")
    return exit_codes.OK
    # END SOLUTION


def show(registry: Registry, name: str, as_json: bool = False) -> int:
    # BEGIN SOLUTION: szczegóły wersji; --json jak w grading/README.md
    version = registry.resolve(name)
    raw = registry.metadata(version)
    if as_json:
        record = {
            **raw,
            "version": version,
            "model_path": str(registry.versions_dir / version / MODEL_FILE),
            "aliases": sorted(a for a, target in registry.aliases().items() if target == version),
            "tags": registry.tags(version),
        }
        print(json.dumps(record, indent=2, ensure_ascii=False))
        return exit_codes.OK
    meta = ModelMetadata.from_dict(raw)
    print(f"{raw['model_name']} {version} (zarejestrowana {raw['registered_at']})")
    print(f"  okno treningowe: {', '.join(meta.train_months)}; walidacja: {meta.validation_month}")
    print(f"  próg decyzyjny: {decimal(meta.threshold, 3)}")
    print(
        f"  ROC AUC walidacja: {_auc(meta.validation_auc)}, "
        f"test wsteczny: {_auc(meta.backtest_auc)}"
    )
    print(
        f"  plik: {raw['model_file']} (SHA-256 {raw['model_sha256'][:16]}…), "
        f"kod: {meta.code_version}"
    )
    print(f"  karta modelu: {registry.versions_dir / version / CARD_FILE}")
    for key, value in registry.tags(version).items():
        print(f"  znacznik {key}: {value}")
    libraries = ", ".join(f"{lib} {number}" for lib, number in sorted(meta.libraries.items()))
    print(f"  biblioteki przy treningu: {libraries or 'nie zapisano'}")
    if mismatches := registry.library_mismatches(version):
        print(
            f"  UWAGA: inne wersje niż zainstalowane: {', '.join(map(str, mismatches))} — "
            f"rejestr nie wczyta tej wersji bez {OVERRIDE_VARIABLE}=1 "
            "(albo wytrenuj ją ponownie: make run)"
        )
    return exit_codes.OK
    # END SOLUTION


def promote(registry: Registry, version: str, alias: str) -> int:
    previous = registry.promote(version, alias)
    print(f"{alias}: {previous or 'brak'} → {version}")
    return exit_codes.OK


def rollback(registry: Registry, alias: str) -> int:
    version = registry.rollback(alias)
    print(f"{alias} → {version} (przywrócona)")
    return exit_codes.OK


def main(argv: list[str] | None = None) -> int:
    parser = PolishArgumentParser(
        prog="python -m zajecia_05_model", description="Rejestr modeli (zajęcia 05)."
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="domyślnie $MLOPS_DATA_DIR")
    commands = parser.add_subparsers(dest="command", required=True)
    list_parser = commands.add_parser("list", help="wersje, metryki i aliasy")
    show_parser = commands.add_parser("show", help="szczegóły wersji lub aliasu")
    show_parser.add_argument("name", metavar="WERSJA_LUB_ALIAS", help="np. v0002 albo production")
    for readable in (list_parser, show_parser):
        readable.add_argument(
            "--json", action="store_true", help="wynik jako JSON (dla narzędzia oceniania)"
        )
    promote_parser = commands.add_parser("promote", help="ustaw alias na wersję")
    promote_parser.add_argument("version", metavar="WERSJA", help="np. v0002")
    promote_parser.add_argument("--alias", default="production")
    rollback_parser = commands.add_parser("rollback", help="przywróć poprzednią wersję aliasu")
    rollback_parser.add_argument("--alias", default="production")
    args = parser.parse_args(argv)

    registry = Registry(args.data_dir or data_dir())
    try:
        require_registry(registry)
        if args.command == "list":
            return list_versions(registry, args.json)
        if args.command == "show":
            return show(registry, args.name, args.json)
        if args.command == "promote":
            return promote(registry, args.version, args.alias)
        return rollback(registry, args.alias)
    except (RegistryError, MetadataError) as error:
        print(f"Błąd: {error}", file=sys.stderr)
        return exit_codes.ERROR
