"""The second half of 2013 replayed month by month, as production would have lived it.

    python -m zajecia_09_retraining.replay [--months 2013-07 ...] [--traffic N]

For each month M, in calendar order:

1. **serve** — N flights of M go to the production API (class 08, gunicorn) as traffic;
   the model that answers is whichever version ``production`` names at that moment;
2. **monitor** — at the end of M its outcomes are known: ``flights_monitor`` (class 06)
   compares M with the production model's training window;
3. **retrain** — on an alert, ``flights_retrain`` trains a challenger on the window ending
   at M−1 and promotes it through the deploy path only when it is better on M beyond
   noise; the running API switches before M+1 is served.

"What we served" — the ROC AUC of the model in production each month — is reported beside
"never retrain", the model in production when the replay started, on the same flights.
The replay decides the year from scratch: records of earlier runs for these months are
moved to ``retraining/archive/`` first (their challengers stay in the registry and are
used again, not retrained). A never-retrain model trained on a replayed month is refused. At the
end ``production`` goes back to where the replay started, so the next ``make run`` starts
the same way. All DAG runs share one Airflow session (:class:`kurs.backfill.AirflowSession`).
"""

from __future__ import annotations

import json
import shutil
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from kurs import exit_codes
from kurs.atomic_io import new_archive_folder
from kurs.backfill import (
    ERROR_MARK,
    AirflowSession,
    airflow_session,
    in_airflow_child,
    run_in_airflow,
    session_log,
)
from kurs.cli import PolishArgumentParser, month_argument, positive_int
from kurs.jsonio import json_ready, write_json_atomic
from kurs.months import MONTHS_2013
from kurs.polish import decimal, integer, seconds, signed
from kurs.repository import data_dir as configured_data_dir
from zajecia_04_preprocessing.feature_partitions import load_features
from zajecia_04_preprocessing.features import FEATURES, TARGET
from zajecia_05_model.metadata import ModelMetadata
from zajecia_05_model.registry import Registry
from zajecia_06_monitoring.report import summary_path
from zajecia_08_deploy.deploy import wait_for_version
from zajecia_08_deploy.service import production_server
from zajecia_08_deploy.traffic import month_requests, replay
from zajecia_09_retraining import audit, report
from zajecia_09_retraining.config import RetrainConfig, load_config

MODULE = "zajecia_09_retraining.replay"
MONTHS = MONTHS_2013[6:]
# Flights per month sent to the API: enough to show who answers, a few seconds a month.
TRAFFIC = 1000


@dataclass
class MonthRow:
    """One month of the replay.

    Attributes:
        served: the production version that answered the month's traffic.
        served_auc, never_auc: ROC AUC on all the month's flights of ``served`` and of
            the model that was in production when the replay started.
        status: the month's monitoring status (class 06).
        requests, answered_by: the month's requests to the API, and how many each model
            version answered (all of them: a failed request stops the replay).
        decision: what retraining did — ``""`` without an alert, else the verdict
            (``zostaje v0001`` / ``promocja v0004``) or why the run skipped.
        record: the decision's audit record; ``None`` without one.
    """

    month: str
    served: str
    served_auc: float
    never_auc: float
    status: str
    requests: int
    answered_by: dict[str, int]
    decision: str = ""
    record: dict | None = None


class Scorer:
    """Each version's probabilities for a month's flights; every version loaded once."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.models: dict[str, object] = {}

    def __call__(self, version: str, features) -> np.ndarray:
        if version not in self.models:
            self.models[version] = self.registry.load(version).model
        return self.models[version].predict_proba(features[list(FEATURES)])[:, 1]


def month_line(row: MonthRow, took: float) -> str:
    """``2013-10: v0001 ROC AUC 0,706 (bez dotrenowania 0,706); alert → zostaje v0001``."""
    line = (
        f"{row.month}: serwował {row.served}, ROC AUC {decimal(row.served_auc, 3)} "
        f"(bez dotrenowania {decimal(row.never_auc, 3)}); monitoring: {row.status}"
    )
    if row.record:
        evaluation, challenger = row.record["evaluation"], row.record["challenger"]
        line += (
            f" → challenger {challenger['version']} ({challenger['window'][0]}…"
            f"{challenger['window'][-1]}): ΔAUC {signed(evaluation['difference'])} "
            f"[{signed(evaluation['low'])}; {signed(evaluation['high'])}] → {row.decision}"
        )
    elif row.decision:
        line += f" → {row.decision}"
    return f"{line} ({seconds(took)})"


def retrain_after_alert(session: AirflowSession, data_dir: Path, month: str, api: str) -> tuple:
    """``flights_retrain`` for ``month``; the API follows a promotion before M+1.

    Returns:
        ``(decision text, audit record or None)``.

    Raises:
        RuntimeError: the run failed, or the API did not switch to the promoted version.
    """
    outcome = session.run("flights_retrain", month)
    if outcome.problem:
        raise RuntimeError(outcome.line(session.log_path))
    record = audit.existing(data_dir, month)
    if record is None:
        return f"pominięty: {audit.skip_reason(data_dir, month)}", None
    if record["decision"]["promote"] and not wait_for_version(api, record["production"]):
        raise RuntimeError(f"API nie przełączyło się na {record['production']}")
    return audit.verdict(record), record


def archive_earlier(data_dir: Path, months: Sequence[str]) -> Path | None:
    """Move the records of ``months`` left by earlier runs to
    ``retraining/archive/<n>/``: the replay decides these months again, and an audit
    record is never deleted. Return the archive folder (``None`` if nothing was there)."""
    earlier = [audit.folder(data_dir, m) for m in months if audit.folder(data_dir, m).is_dir()]
    if not earlier:
        return None
    target = new_archive_folder(Path(data_dir) / "retraining" / "archive")
    for folder in earlier:
        shutil.move(folder, target / folder.name)
    return target


def check_start(data_dir: Path, start: str, first_month: str) -> None:
    """Refuse a never-retrain model trained on a replayed month: it would score months it
    has seen (a leak), and the comparison with "what we served" would be meaningless.

    Raises:
        RuntimeError: its window ends at ``first_month`` or later; the message says what to do.
    """
    window = ModelMetadata.from_dict(Registry(data_dir).metadata(start)).train_months
    if window[-1] >= first_month:
        raise RuntimeError(
            f"model produkcyjny {start} był trenowany do {window[-1]}, a przegląd zaczyna się "
            f"od {first_month}: przywróć model z oknem przed {first_month} "
            "(python -m zajecia_05_model promote v0001) albo zacznij przegląd później (--months)"
        )


def replay_year(
    data_dir: Path, months: Sequence[str], traffic: int, session: AirflowSession, start: str
) -> tuple[list[MonthRow], dict[str, float]]:
    """Serve, monitor and retrain month by month, from ``production`` = ``start`` (the
    never-retrain model); one line per month on the terminal. Return the months and the
    pooled ROC AUC of all their flights (``served``, ``never_retrain``).

    Raises:
        RuntimeError: a DAG run failed, a request to the API failed, or the API did not
            follow a promotion.
    """
    registry = Registry(data_dir)
    archive_earlier(data_dir, months)
    try:
        return _months(data_dir, months, traffic, session, start)
    finally:
        # Also after a failed month: the next run must start from the same model.
        if registry.resolve("production") != start:
            registry.promote(start)
            session.report(f"production → {start}, jak na początku przeglądu roku")


def _months(
    data_dir: Path, months: Sequence[str], traffic: int, session: AirflowSession, start: str
) -> tuple[list[MonthRow], dict[str, float]]:
    registry = Registry(data_dir)
    scorer = Scorer(registry)
    rows = []
    labels: list[np.ndarray] = []
    scores: dict[str, list[np.ndarray]] = {"served": [], "never_retrain": []}
    with production_server(data_dir) as server:
        for month in months:
            started = time.perf_counter()
            served = registry.resolve("production")
            answered = replay(server.base_url, month_requests(data_dir, month, traffic))
            if answered.ok != answered.sent:
                raise RuntimeError(f"{month}: ruch do API nie powiódł się — {answered.summary()}")
            monitored = session.run("flights_monitor", month)
            if monitored.problem:
                raise RuntimeError(monitored.line(session.log_path))
            summary = json.loads(summary_path(data_dir, month).read_text(encoding="utf-8"))
            frame, _ = load_features(data_dir, (month,))
            labels.append(frame[TARGET].to_numpy())
            scores["served"].append(scorer(served, frame))
            scores["never_retrain"].append(scorer(start, frame))
            row = MonthRow(
                month=month,
                served=served,
                served_auc=float(roc_auc_score(labels[-1], scores["served"][-1])),
                never_auc=float(roc_auc_score(labels[-1], scores["never_retrain"][-1])),
                status=summary["status"],
                requests=answered.sent,
                answered_by=dict(answered.versions),
            )
            if summary["status"] == "alert":
                row.decision, row.record = retrain_after_alert(
                    session, data_dir, month, server.base_url
                )
            rows.append(row)
            session.report(month_line(row, time.perf_counter() - started))
    # Over all the months' flights together: what was served against never-retrain.
    pooled = {
        name: float(roc_auc_score(np.concatenate(labels), np.concatenate(parts)))
        for name, parts in scores.items()
    }
    return rows, pooled


def write_results(
    rows: list[MonthRow],
    totals: dict[str, float],
    start: str,
    config: RetrainConfig,
    data_dir: Path,
) -> Path:
    """``retraining/year/replay.json`` (the months, the pooled figures, the never-retrain
    version, the retraining settings) and its Polish report with the figure; return the
    folder."""
    folder = report.results_folder(data_dir)
    results = {
        "never_retrain": start,
        "months": [asdict(row) for row in rows],
        "pooled": totals,
        "settings": asdict(config),
    }
    write_json_atomic(report.results_path(data_dir), json_ready(results))
    report.write(results, folder)
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = PolishArgumentParser(
        prog=f"python -m {MODULE}",
        description="Przegląd roku miesiąc po miesiącu: ruch, monitoring, dotrenowanie.",
    )
    parser.add_argument(
        "--months", nargs="+", type=month_argument, default=list(MONTHS), metavar="RRRR-MM"
    )
    parser.add_argument(
        "--traffic", type=positive_int, default=TRAFFIC, metavar="N", help="lotów miesiąca do API"
    )
    args = parser.parse_args(argv)
    folder = configured_data_dir()
    if not in_airflow_child():
        # Started by hand: the same command again, in a child with the course's Airflow.
        arguments = ["--months", *args.months, "--traffic", str(args.traffic)]
        try:
            run_in_airflow(MODULE, arguments, folder, print)
        except RuntimeError:
            return exit_codes.ERROR
        return exit_codes.OK
    months = sorted(args.months)
    with airflow_session(session_log()) as session:
        try:
            config = load_config()  # as every flights_retrain run will read it
            start = Registry(folder).resolve("production")
            check_start(folder, start, months[0])
            rows, totals = replay_year(folder, months, args.traffic, session, start)
            write_results(rows, totals, start, config, folder)
        except Exception as error:
            traceback.print_exc()  # into the session's log; the terminal gets one line
            session.report(
                f"{ERROR_MARK}: {type(error).__name__}: {error}; szczegóły w {session.log_path}"
            )
            return exit_codes.ERROR
        session.report(
            f"{months[0]}…{months[-1]} razem: serwowane ROC AUC {decimal(totals['served'], 3)}, "
            f"bez dotrenowania {decimal(totals['never_retrain'], 3)}; "
            f"żądań do API {integer(sum(r.requests for r in rows))}, wszystkie z odpowiedzią"
        )
    return exit_codes.OK


if __name__ == "__main__":
    sys.exit(main())
