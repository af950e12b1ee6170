"""Command line of deployment and production traffic.

python -m zajecia_08_deploy deploy v0002 [--url http://127.0.0.1:8000] [--month 2013-08]
python -m zajecia_08_deploy rollback [--url http://127.0.0.1:8000]
python -m zajecia_08_deploy replay 2013-08 [--url http://127.0.0.1:8000] [--limit 5000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kurs import exit_codes
from kurs.repository import data_dir
from zajecia_03_airflow_ingest.partitions import PartitionError
from zajecia_05_model.registry import Registry, RegistryError
from zajecia_08_deploy.deploy import SMOKE_FLIGHTS, WAIT_S, deploy, wait_for_version
from zajecia_08_deploy.traffic import month_requests, replay

DEFAULT_URL = "http://127.0.0.1:8000"


def _follow(url: str | None, version: str) -> int:
    """With ``--url``, wait until every worker of that API serves ``version``."""
    if not url:
        return exit_codes.OK
    if wait_for_version(url, version):
        print(f"API {url} serwuje {version} (wszystkie workery)")
        return exit_codes.OK
    print(f"API {url} nie przełączyło się na {version} w {WAIT_S:.0f} s", file=sys.stderr)
    return exit_codes.ERROR


def deploy_version(folder: Path, version: str, month: str | None, url: str | None) -> int:
    """Checks, staging, promotion; smoke-test flights of ``month`` or the example flight."""
    flights = month_requests(folder, month, SMOKE_FLIGHTS) if month else None
    deployment = deploy(Registry(folder), version, folder, flights)
    if not deployment.promoted:
        return exit_codes.ERROR
    return _follow(url, version)


def rollback(folder: Path, url: str | None) -> int:
    version = Registry(folder).rollback("production")
    print(f"production → {version} (przywrócona)")
    return _follow(url, version)


def replay_month(
    folder: Path, month: str, url: str | None, limit: int | None, concurrency: int
) -> int:
    result = replay(url or DEFAULT_URL, month_requests(folder, month, limit), concurrency)
    print(result.summary())
    return exit_codes.OK if result.ok == result.sent else exit_codes.ERROR


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
        command.add_argument("--url", default=None, help=f"działające API, np. {DEFAULT_URL}")
    args = parser.parse_args(argv)

    folder = args.data_dir or data_dir()
    try:
        if args.command == "deploy":
            return deploy_version(folder, args.version, args.month, args.url)
        if args.command == "rollback":
            return rollback(folder, args.url)
        return replay_month(folder, args.month, args.url, args.limit, args.concurrency)
    except (RegistryError, PartitionError, OSError) as error:
        print(f"Błąd: {error}", file=sys.stderr)
        return exit_codes.ERROR
