"""Command line of deployment and production traffic.

python -m zajecia_08_deploy deploy v0002 [--url http://127.0.0.1:8000] [--month 2013-08]
python -m zajecia_08_deploy rollback [--url http://127.0.0.1:8000]
python -m zajecia_08_deploy replay 2013-08 [--url http://127.0.0.1:8000] [--limit 5000]

With ``--url``, the API must answer before anything changes; if it then does not switch
to the new version, the alias goes back. A failed command says what happened, what it
left and what to do, and exits with ``exit_codes.ERROR``.
"""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from kurs import exit_codes
from kurs.cli import PolishArgumentParser, month_argument, positive_int
from kurs.repository import data_dir
from zajecia_03_airflow_ingest.partitions import PartitionError
from zajecia_05_model.registry import Registry, RegistryError
from zajecia_05_model.registry_cli import require_registry
from zajecia_08_deploy.deploy import SMOKE_FLIGHTS, WAIT_S, deploy, wait_for_version
from zajecia_08_deploy.traffic import START_API, api_problem, month_requests, replay

DEFAULT_URL = "http://127.0.0.1:8000"


class CommandFailed(RuntimeError):
    """The command did not do what was asked; the message says what happened, what state
    was left and what to do."""


def _require_api(url: str | None) -> None:
    """Raises :class:`CommandFailed` before anything changes when the API at ``url`` does
    not answer (no ``url``: nothing to check)."""
    if url and (problem := api_problem(url)):
        raise CommandFailed(f"{problem}; nic nie zostało zmienione — {START_API}")


def _follow(url: str | None, version: str, undo: Callable[[], str | None]) -> int:
    """With ``--url``, wait until every worker of that API serves ``version``.

    If it does not, ``undo()`` puts the alias back (and returns the version it points at
    again), so that a failed command leaves ``production`` as it found it.
    """
    if not url:
        return exit_codes.OK
    if wait_for_version(url, version, WAIT_S):
        print(f"API {url} serwuje {version} (wszystkie workery)")
        return exit_codes.OK
    cause = api_problem(url) or "nie wszystkie workery serwują tę wersję (metryka w /metrics)"
    restored = undo()
    raise CommandFailed(
        f"API {url} nie przełączyło się na {version} w {WAIT_S:.0f} s: {cause}. "
        f"Alias production przywrócony na {restored or 'brak'}. Sprawdź log API i powtórz "
        "polecenie, albo wykonaj je bez --url (zmieni tylko alias)."
    )


def deploy_version(folder: Path, version: str, month: str | None, url: str | None) -> int:
    """Checks, staging, promotion; smoke-test flights of ``month`` or the example flight."""
    registry = Registry(folder)
    require_registry(registry)
    registry.resolve(version)  # a version that does not exist stops here, before staging
    _require_api(url)
    flights = month_requests(folder, month, SMOKE_FLIGHTS) if month else None
    deployment = deploy(registry, version, folder, flights)
    if not deployment.promoted:
        return exit_codes.ERROR
    previous = deployment.previous
    # Promoting the current version changed nothing, so there is nothing to undo.
    moved = previous not in (None, version)
    return _follow(url, version, registry.rollback if moved else lambda: previous)


def rollback(folder: Path, url: str | None) -> int:
    registry = Registry(folder)
    require_registry(registry)
    _require_api(url)
    current = registry.resolve("production")
    version = registry.rollback("production")
    print(f"production → {version} (przywrócona)")

    def undo() -> str:
        registry.promote(current)
        return current

    return _follow(url, version, undo)


def replay_month(
    folder: Path, month: str, url: str | None, limit: int | None, concurrency: int
) -> int:
    url = url or DEFAULT_URL
    bodies = month_requests(folder, month, limit)
    if problem := api_problem(url):
        raise CommandFailed(f"{problem}; nie wysłano żadnego żądania — {START_API}")
    result = replay(url, bodies, concurrency)
    print(result.summary())
    return exit_codes.OK if result.ok == result.sent else exit_codes.ERROR


def _url(text: str) -> str:
    parts = urllib.parse.urlsplit(text)
    if parts.scheme != "http" or not parts.hostname:
        raise argparse.ArgumentTypeError(f"oczekiwano adresu http://host:port, np. {DEFAULT_URL}")
    return text.rstrip("/")


def main(argv: list[str] | None = None) -> int:
    parser = PolishArgumentParser(
        prog="python -m zajecia_08_deploy", description="Wdrożenie i ruch produkcyjny (zajęcia 08)."
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="domyślnie $MLOPS_DATA_DIR")
    commands = parser.add_subparsers(dest="command", required=True)
    promote = commands.add_parser("deploy", help="kontrole, staging, promocja do production")
    promote.add_argument("version", metavar="WERSJA", help="wersja z rejestru, np. v0002")
    promote.add_argument(
        "--month",
        type=month_argument,
        metavar="RRRR-MM",
        help="miesiąc lotów do smoke testu (domyślnie przykładowy lot)",
    )
    back = commands.add_parser("rollback", help="production wraca do poprzedniej wersji")
    traffic = commands.add_parser("replay", help="odtwórz loty miesiąca jako ruch do API")
    traffic.add_argument(
        "month", type=month_argument, metavar="RRRR-MM", help="miesiąc lotów, np. 2013-08"
    )
    traffic.add_argument(
        "--limit", type=positive_int, default=None, metavar="N", help="tylko pierwsze N lotów"
    )
    traffic.add_argument(
        "--concurrency", type=positive_int, default=8, metavar="N", help="równoległych klientów"
    )
    for command in (promote, back, traffic):
        command.add_argument(
            "--url", type=_url, default=None, help=f"działające API, np. {DEFAULT_URL}"
        )
    args = parser.parse_args(argv)

    folder = args.data_dir or data_dir()
    try:
        if args.command == "deploy":
            return deploy_version(folder, args.version, args.month, args.url)
        if args.command == "rollback":
            return rollback(folder, args.url)
        return replay_month(folder, args.month, args.url, args.limit, args.concurrency)
    except (CommandFailed, RegistryError, PartitionError, OSError) as error:
        print(f"Błąd: {error}", file=sys.stderr)
        return exit_codes.ERROR
