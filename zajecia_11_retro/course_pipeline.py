"""The whole course, class by class, on the embedded data: what ``make run`` executes.

Each class contributes one step that rebuilds its deliverable. Steps run in class
order because each builds on the previous one; the first failure stops the run, so a
broken class never feeds the next one. Classes whose code is not there yet are
listed as such, so the output doubles as a map of the course.

    python -m zajecia_11_retro.course_pipeline [--only 1 2 ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zajecia_01_planowanie.cli import CLASS_DIR as PLANNING_DIR
from zajecia_01_planowanie.cli import DEFAULT_BACKLOG
from zajecia_01_planowanie.polish import integer, seconds
from zajecia_01_planowanie.sprint_plan import write_plan
from zajecia_02_eda.cli import run_eda
from zajecia_03_airflow_ingest.backfill import run_backfill
from zajecia_03_airflow_ingest.config import data_dir
from zajecia_03_airflow_ingest.ingest import ingest_summary
from zajecia_03_airflow_ingest.partitions import MONTHS_2013, Partition
from zajecia_04_preprocessing.preprocess import features_summary
from zajecia_05_model.registry import Registry
from zajecia_05_model.registry_cli import model_summary
from zajecia_06_monitoring.monitor import history
from zajecia_06_monitoring.monthly import status_line
from zajecia_07_docker.schema import flight_records
from zajecia_07_docker.server import CLASS_DIR as API_DIR
from zajecia_07_docker.server import ApiServer
from zajecia_08_deploy.deploy import wait_for_version
from zajecia_08_deploy.live_quality import report_folder, summary_lines
from zajecia_08_deploy.metrics import metric_lines
from zajecia_08_deploy.prediction_log import default_path
from zajecia_08_deploy.production import replay_with_deployment
from zajecia_08_deploy.service import production_server

CLASS_COUNT = 11
INDENT = " " * 8
Report = Callable[[str], None]


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    action: str
    run: Callable[[Report], list[Path]]


def plan_sprints(report: Report) -> list[Path]:
    return write_plan(DEFAULT_BACKLOG, PLANNING_DIR)


def execute_eda(report: Report) -> list[Path]:
    return run_eda()


def ingest_year(report: Report, months: tuple[str, ...] = MONTHS_2013) -> list[Path]:
    run_backfill("flights_ingest", months, report)
    report(ingest_summary(data_dir(), months))
    return [data_dir() / "raw", data_dir() / "quarantine"]


def preprocess_year(report: Report, months: tuple[str, ...] = MONTHS_2013) -> list[Path]:
    run_backfill("flights_preprocess", months, report)
    report(features_summary(data_dir(), months))
    return [data_dir() / "features", data_dir() / "reports" / "quality"]


def train_model(report: Report) -> list[Path]:
    # One run of flights_train with its default window (January–June); the run is
    # labelled with the window's last month.
    run_backfill("flights_train", ("2013-06",), report)
    registry = Registry(data_dir())
    report(model_summary(registry))
    version = registry.resolve("staging")
    return [registry.versions_dir / version / "model_card.md", registry.root]


def monitor_months(report: Report, months: tuple[str, ...] = MONTHS_2013[6:]) -> list[Path]:
    run_backfill("flights_monitor", months, report)
    for summary in history(data_dir()):
        if summary["month"] in months:
            report(status_line(summary))
    return [data_dir() / "monitoring" / f"month={month}" / "report.html" for month in months]


def serve_model(report: Report, month: str = "2013-07", flights: int = 500) -> list[Path]:
    """Class 07: the production model behind gunicorn, asked about a month's real flights."""
    frame = Partition.of(data_dir(), "features", "flights", month).read()
    bodies = flight_records(frame.head(flights))
    with ApiServer(data_dir()) as server:
        _, model = server.call("GET", "/model")
        report(
            f"API {server.base_url}: model {model['version']} "
            f"({model['train_months'][0]}…{model['train_months'][-1]}), /ready ok"
        )
        _, batch = server.call("POST", "/predict", {"instances": bodies})
        singles = [server.call("POST", "/predict", body)[1]["probability"] for body in bodies[:50]]
        delayed = sum(p["delayed"] for p in batch["predictions"])
        difference = max(
            abs(single - answer["probability"])
            for single, answer in zip(singles, batch["predictions"][:50], strict=True)
        )
        report(
            f"{integer(len(bodies))} lotów z {month} w jednej partii: opóźnienie przewidziane dla "
            f"{integer(delayed)}; 50 pojedynczych żądań (szybka ścieżka) zgodnych z partią "
            f"(różnica ≤ {difference:.0e})"
        )
        status, error = server.call("POST", "/predict", bodies[0] | {"dep_hour": 25})
        report(f"złe żądanie (dep_hour = 25) → {status}: {error['error']['fields'][0]['message']}")
    return [API_DIR / "Dockerfile", server.log_path]


def deploy_and_monitor(
    report: Report,
    window: tuple[str, str] = ("2013-02", "2013-07"),
    month: str = "2013-08",
    limit: int | None = None,
    min_auc_gain: float | None = None,
) -> list[Path]:
    """Class 08: a candidate deployed during a month of traffic, live quality, rollback.

    ``min_auc_gain`` overrides the quality gate's margin for the candidate (None: the
    default of class 05).
    """
    start, end = window
    conf = {"train_start": start, "train_end": end, "min_auc_gain": min_auc_gain}
    run_backfill("flights_train", (end,), report, conf)
    registry = Registry(data_dir())
    candidate = registry.resolve("staging")
    with production_server(data_dir()) as server:
        _, ready = server.call("GET", "/ready")
        report(
            f"API produkcyjne (2 workery) serwuje {ready['model_version']}; kandydat {candidate}"
        )
        result, deployment = replay_with_deployment(
            server.base_url, data_dir(), candidate, month, limit, report
        )
        run_backfill("flights_live_quality", (month,), report)
        report_json = report_folder(data_dir(), month) / "report.json"
        for line in summary_lines(json.loads(report_json.read_text(encoding="utf-8"))):
            report(line)
        for line in metric_lines(server.call("GET", "/metrics")[1]):
            report(line)
        if not deployment.promoted:
            raise RuntimeError(f"kandydat {candidate} nie został wdrożony — kontrole wyżej")
        # Back to the version of this run's start: the next `make run` starts the same way.
        previous = registry.rollback()
        switched = wait_for_version(server.base_url, previous)
        report(
            f"rollback: production → {previous}; API przełączone: {'tak' if switched else 'NIE'}"
        )
    if result.ok != result.sent or not switched:
        raise RuntimeError("ruch albo rollback nie powiodły się — szczegóły wyżej")
    return [report_folder(data_dir(), month) / "report.html", default_path()]


STEPS: tuple[Step, ...] = (
    Step(1, "Planowanie", "walidacja backlogu i plan sprintów", plan_sprints),
    Step(2, "EDA", "wykonuję eda.ipynb i eksportuję eda.html", execute_eda),
    Step(3, "Airflow: pobieranie", "flights_ingest dla 12 miesięcy 2013", ingest_year),
    Step(4, "Airflow: przetwarzanie", "flights_preprocess dla 12 miesięcy 2013", preprocess_year),
    Step(5, "Airflow: trening", "flights_train, okno 2013-01…2013-06", train_model),
    Step(6, "Airflow: monitoring", "flights_monitor dla 2013-07…2013-12", monitor_months),
    Step(7, "API i kontener", "gunicorn z modelem production, loty z 2013-07", serve_model),
    Step(
        8,
        "Wdrożenie i produkcja",
        "kandydat 2013-02…2013-07, ruch 2013-08, promocja, jakość, rollback",
        deploy_and_monitor,
    ),
)

# Classes without a step yet; each later issue moves its class into STEPS.
PENDING = {
    9: "Ponowny trening",
    10: "Prezentacja",
    11: "Retrospektywa",
}


def _relative(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run(steps: tuple[Step, ...], out=sys.stdout) -> int:
    """Run ``steps`` in order with one progress line each; return the exit code.

    A step may report details while it runs (a line per month, a summary); they are
    printed indented under its line.
    """
    started = time.perf_counter()
    produced: list[tuple[Step, list[Path]]] = []
    for step in steps:
        print(f"[{step.number:02d}/{CLASS_COUNT}] {step.title}: {step.action} … ", end="", file=out)
        out.flush()
        details = 0

        def report(line: str) -> None:
            nonlocal details
            print(("\n" if details == 0 else "") + INDENT + line, file=out)
            out.flush()
            details += 1

        step_start = time.perf_counter()
        try:
            outputs = step.run(report)
        except Exception as error:
            took = seconds(time.perf_counter() - step_start)
            print(f"{INDENT if details else ''}BŁĄD ({took})", file=out)
            print(f"\n{type(error).__name__}: {error}", file=out)
            print(
                f"\nPrzerwano na zajęciach {step.number:02d}; kolejne nie były uruchamiane.",
                file=out,
            )
            return 1
        took = seconds(time.perf_counter() - step_start)
        print(f"{INDENT if details else ''}ok ({took})", file=out)
        produced.append((step, outputs))

    print(f"\nGotowe w {seconds(time.perf_counter() - started)}. Wyniki:", file=out)
    for step, outputs in produced:
        for index, path in enumerate(outputs):
            label = f"{step.number:02d} {step.title}" if index == 0 else ""
            print(f"  {label:<26} {_relative(path)}", file=out)
    if PENDING:
        listed = ", ".join(f"{number:02d}" for number in PENDING)
        print(f"\nW przygotowaniu (jeszcze bez kodu): zajęcia {listed}.", file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m zajecia_11_retro.course_pipeline",
        description="Cały kurs po kolei na wbudowanych danych (make run).",
    )
    parser.add_argument(
        "--only",
        type=int,
        nargs="+",
        metavar="NR",
        choices=[step.number for step in STEPS],
        help="uruchom tylko te zajęcia (numery)",
    )
    args = parser.parse_args(argv)
    steps = tuple(s for s in STEPS if not args.only or s.number in args.only)
    return run(steps)


if __name__ == "__main__":
    raise SystemExit(main())
