"""Command line of deployment and production traffic.

python -m zajecia_08_deploy deploy v0002 [--url http://127.0.0.1:8000] [--month 2013-08]
python -m zajecia_08_deploy rollback [--url http://127.0.0.1:8000]
python -m zajecia_08_deploy replay 2013-08 [--url http://127.0.0.1:8000] [--limit 5000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zajecia_03_airflow_ingest.config import data_dir
from zajecia_03_airflow_ingest.partitions import PartitionError
from zajecia_05_model.registry import Registry, RegistryError
from zajecia_08_deploy.deploy import SMOKE_FLIGHTS, WAIT_S, deploy, wait_for_version
from zajecia_08_deploy.traffic import month_requests, replay

EXIT_OK = 0
EXIT_ERROR = 1


def _follow(url: str | None, version: str) -> int:
    if not url:
        return EXIT_OK
    if wait_for_version(url, version):
        print(f"API {url} serwuje {version} (wszystkie workery)")
        return EXIT_OK
    print(f"API {url} nie przełączyło się na {version} w {WAIT_S:.0f} s", file=sys.stderr)
    return EXIT_ERROR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m zajecia_08_deploy", description="Wdrożenie i ruch produkcyjny (zajęcia 08)."
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="domyślnie $MLOPS_DATA_DIR")
    commands = parser.add_subparsers(dest="command", required=True)
    promote = commands.add_parser("deploy", help="kontrole, staging, promocja do production")
    promote.add_argument("version")
    promote.add_argument("--month", help="miesiąc lotów do smoke testu (domyślnie przykład)")
    back = commands.add_parser("rollback", help="production wraca do poprzedniej wersji")
    traffic = commands.add_parser("replay", help="odtwórz loty miesiąca jako ruch do API")
    traffic.add_argument("month")
    traffic.add_argument("--limit", type=int, default=None, help="tylko pierwsze N lotów")
    traffic.add_argument("--concurrency", type=int, default=8)
    for command in (promote, back, traffic):
        command.add_argument(
            "--url", default=None, help="działające API, np. http://127.0.0.1:8000"
        )
    args = parser.parse_args(argv)

    folder = args.data_dir or data_dir()
    registry = Registry(folder)
    try:
        if args.command == "deploy":
            flights = month_requests(folder, args.month, SMOKE_FLIGHTS) if args.month else None
            deployment = deploy(registry, args.version, folder, flights)
            if not deployment.promoted:
                return EXIT_ERROR
            return _follow(args.url, args.version)
        if args.command == "rollback":
            version = registry.rollback("production")
            print(f"production → {version} (przywrócona)")
            return _follow(args.url, version)
        result = replay(
            args.url or "http://127.0.0.1:8000",
            month_requests(folder, args.month, args.limit),
            args.concurrency,
        )
        print(result.summary())
        return EXIT_OK if result.ok == result.sent else EXIT_ERROR
    except (RegistryError, PartitionError, OSError) as error:
        print(f"Błąd: {error}", file=sys.stderr)
        return EXIT_ERROR
