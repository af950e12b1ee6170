"""Retraining after an alert: a challenger on a newer window, champion against challenger
on the month neither has seen, and promotion through the deploy path only on evidence.

``flights_retrain`` runs these functions in order for the alert's month M:

1. :func:`plan` — what to do, or why not (:class:`RetrainingSkipped`): the champion is
   the ``production`` version; the challenger's window is the ``window_months`` months
   ending at M−1. Labels of M are known at the end of M, so M is the first month
   neither model was trained on;
2. :func:`train_challenger` — class 05's training on that window (an MLflow run),
   registered as a new version (once: a re-run finds it by name);
3. :func:`decide` — both models score every flight of M; the paired interval of their
   ROC AUC difference and class 05's quality gate decide (:mod:`comparison`); the
   decision is recorded at once (:mod:`audit`), so the window is never decided twice,
   and logged to MLflow with both models side by side (:mod:`comparison_runs`);
4. :func:`carry_out` — a promoted challenger goes through class 08's deploy path
   (quality gate, staging smoke test, the alias, every running API switching without a
   dropped request); a refused one stays in the registry with a tag saying why.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from kurs.months import MONTHS_2013, data_month
from zajecia_04_preprocessing.feature_partitions import features_partition, load_features
from zajecia_04_preprocessing.features import FEATURES, TARGET
from zajecia_05_model.candidate import (
    QualityGateFailed,
    check_quality_gate,
    register_candidate,
    train_candidate,
)
from zajecia_05_model.config import load_config as load_train_config
from zajecia_05_model.evaluate import all_metrics
from zajecia_05_model.metadata import ModelMetadata
from zajecia_05_model.registry import Registry
from zajecia_06_monitoring.report import summary_path
from zajecia_08_deploy.deploy import SMOKE_FLIGHTS, deploy
from zajecia_08_deploy.traffic import month_requests
from zajecia_09_retraining import audit, comparison_runs
from zajecia_09_retraining.comparison import compare_auc
from zajecia_09_retraining.comparison import decide as decide_on
from zajecia_09_retraining.config import RetrainConfig

log = logging.getLogger(__name__)
Report = Callable[[str], None]


class RetrainingSkipped(Exception):
    """Nothing to decide for this month; the message (Polish) says why."""


@dataclass(frozen=True)
class Plan:
    """What one retraining run compares.

    Attributes:
        month: M, the alert's month: both models are evaluated on its flights.
        window: the challenger's training months, ending at M−1.
        champion: the ``production`` version when the run started.
        champion_window: the champion's training months (from its metadata).
        trigger: what started the run: ``source`` ("model_alert" or "manual") and the
            monitoring of M — ``status``, ``reasons``, ``roc_auc``, ``validation_auc``.
    """

    month: str
    window: tuple[str, ...]
    champion: str
    champion_window: tuple[str, ...]
    trigger: dict

    @property
    def challenger_name(self) -> str:
        """The candidate's name: one per month and window, so a re-run finds its version."""
        return f"retrain_{self.month}_{self.window[0]}_{self.window[-1]}"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> Plan:
        windows = {key: tuple(raw[key]) for key in ("window", "champion_window")}
        return cls(**{**raw, **windows})


def challenger_window(month: str, length: int) -> tuple[str, ...]:
    """The ``length`` months of the data ending at the month before ``month``; fewer when
    the data starts later. ``("2013-04", …, "2013-09")`` for 2013-10 and 6.

    Raises:
        ValueError: ``month`` is not a month of the data.
    """
    # BEGIN SOLUTION: okno length miesięcy do M−1 (README, „Czas”)
    end = MONTHS_2013.index(data_month(month))
    return MONTHS_2013[max(0, end - length) : end]
    # END SOLUTION


def alert_trigger(month: str, data_dir: Path, source: str) -> dict:
    """The monitoring of ``month`` that the run answers (class 06's ``summary.json``)."""
    path = summary_path(data_dir, month)
    trigger = {
        "source": source,
        "status": None,
        "reasons": [],
        "roc_auc": None,
        "validation_auc": None,
        "model_version": None,
    }
    if path.is_file():
        summary = json.loads(path.read_text(encoding="utf-8"))
        trigger |= {
            "status": summary["status"],
            "reasons": summary["reasons"],
            "roc_auc": (summary["performance"] or {}).get("roc_auc"),
            "validation_auc": summary["validation"]["roc_auc"],
            "model_version": summary["model_version"],
        }
    return trigger


def alerted_month(events: Iterable) -> str:
    """The month a run started by ``model_alert`` events answers: the latest one in alert.

    One ``flights_monitor`` run may alert for several months, and several runs may end
    before the scheduler starts this DAG; their events then arrive together. The latest
    month is answered: its window (ending at M−1) holds the newest outcomes, so a
    challenger for an earlier month would only be an older version of it.

    Args:
        events: the run's asset events; ``extra["months"]`` lists the months in alert
            (class 06's :func:`~zajecia_06_monitoring.monitor.alert`).

    Raises:
        ValueError: no event names a month.
    """
    # BEGIN SOLUTION: najpóźniejszy miesiąc z extra["months"] zdarzeń
    months = [m for event in events for m in (event.extra or {}).get("months", [])]
    if not months:
        raise ValueError("brak miesiąca: ani parametru month, ani miesięcy w zdarzeniu model_alert")
    return max(months)
    # END SOLUTION


def plan(month: str, data_dir: Path, config: RetrainConfig, source: str = "manual") -> Plan:
    """Decide what this run compares, or raise :class:`RetrainingSkipped`.

    One decision per month: a run skips when the month was decided already — unless that
    decision was never carried out (the run ended in between): then the recorded plan is
    returned, and the run only carries it out. It also skips when the
    outcomes of M are not known yet (no feature partition), or when the window brings no
    labelled month after the champion's training window — a challenger on the same data
    would only repeat the champion.

    Raises:
        RetrainingSkipped: see above; the message names the month and what is missing.
        ValueError: ``month`` is not a month of the data.
        RegistryError: no ``production`` model.
    """
    # BEGIN SOLUTION: champion i okno albo RetrainingSkipped z powodem (README)
    window = challenger_window(month, config.window_months)
    decided = audit.existing(data_dir, month)
    if decided and decided["deployment"]["status"] == "pending":
        # Decided, but the run ended before carrying it out: finish that, decide nothing.
        return Plan.from_dict(decided["plan"])
    if decided:
        raise RetrainingSkipped(
            f"miesiąc {month} już rozstrzygnięty (okno {decided['challenger']['window'][0]}…"
            f"{decided['challenger']['window'][-1]}, decyzja: {audit.verdict(decided)}); "
            f"ponowny przebieg nie tworzy nowej wersji ani drugiej decyzji — zapis: "
            f"{audit.folder(data_dir, month)}"
        )
    if not features_partition(data_dir, month).exists():
        raise RetrainingSkipped(
            f"brak danych z wynikami lotów miesiąca {month}: nie ma na czym porównać modeli"
        )
    registry = Registry(data_dir)
    champion = registry.resolve("production")
    champion_window = tuple(ModelMetadata.from_dict(registry.metadata(champion)).train_months)
    if len(window) < 2:
        raise RetrainingSkipped(
            f"przed miesiącem {month} jest za mało miesięcy danych na okno treningowe "
            "(potrzebne co najmniej 2: ostatni to walidacja)"
        )
    if window[-1] <= champion_window[-1]:
        raise RetrainingSkipped(
            f"brak nowych danych z wynikami: okno challengera kończy się na {window[-1]}, "
            f"a champion {champion} był trenowany do {champion_window[-1]}"
        )
    missing = [m for m in window if not features_partition(data_dir, m).exists()]
    if missing:
        raise RetrainingSkipped(f"brak cech miesięcy okna challengera: {', '.join(missing)}")
    return Plan(month, window, champion, champion_window, alert_trigger(month, data_dir, source))
    # END SOLUTION


def train_challenger(the_plan: Plan, data_dir: Path, config: RetrainConfig) -> str:
    """Train the challenger with class 05's code on the plan's window and register it;
    return its version. The backtest is month M only: nothing after M is looked at.

    Idempotent: a version registered for the same month and window (by its candidate
    name) is returned as it is, without training again.
    """
    # BEGIN SOLUTION: trening z zajęć 05 na oknie planu, rejestracja raz
    registry = Registry(data_dir)
    for version in registry.versions():
        if registry.metadata(version).get("candidate") == the_plan.challenger_name:
            return version
    overrides = {
        "train_start": the_plan.window[0],
        "train_end": the_plan.window[-1],
        "min_auc_gain": config.min_auc_gain,
    }
    train_config = replace(load_train_config(overrides), test_months=(the_plan.month,))
    summary = train_candidate(
        train_config, data_dir, the_plan.challenger_name, {"retraining_month": the_plan.month}
    )
    return register_candidate(summary["candidate"], registry)
    # END SOLUTION


def month_scores(
    data_dir: Path, month: str, models: Mapping[str, Any]
) -> tuple[np.ndarray, dict[str, np.ndarray], str]:
    """Every flight of ``month`` scored by each model, for a paired comparison.

    Args:
        models: name -> a fitted classifier with scikit-learn's ``predict_proba``.

    Returns:
        The outcomes (0/1, one per flight), name -> the delay probabilities in the same
        order, and the SHA-256 of the month's feature partition.

    Raises:
        PartitionError: the month's features are missing or damaged.
    """
    # BEGIN SOLUTION: oceny obu modeli dla wszystkich lotów miesiąca
    frame, checksums = load_features(data_dir, (month,))
    features = frame[list(FEATURES)]
    scores = {name: model.predict_proba(features)[:, 1] for name, model in models.items()}
    return frame[TARGET].to_numpy(), scores, checksums[month]
    # END SOLUTION


def decide(the_plan: Plan, challenger: str, data_dir: Path, config: RetrainConfig) -> dict:
    """Score month M with both models, compare them, decide; record the decision.
    A decision recorded already for the month (not carried out yet) is returned as it is.

    Returns:
        The audit record (:mod:`audit`), written to ``retraining/month=M/``; its
        ``deployment`` is still pending when the decision is to promote.
    """
    # BEGIN SOLUTION: oceń oba modele na M, zapisz rekord (README, „Zapis decyzji”)
    if (decided := audit.existing(data_dir, the_plan.month)) is not None:
        return decided  # pending: recorded by a run that ended before carrying it out
    registry = Registry(data_dir)
    models = {
        "champion": registry.load(the_plan.champion),
        "challenger": registry.load(challenger),
    }
    fitted = {role: loaded.model for role, loaded in models.items()}
    y, scores, checksum = month_scores(data_dir, the_plan.month, fitted)
    comparison = compare_auc(y, scores["champion"], scores["challenger"], config.confidence)
    metadata = ModelMetadata.from_dict(models["challenger"].metadata)
    try:
        check_quality_gate(metadata)
        gate = {"passed": True, "detail": ""}
    except QualityGateFailed as error:
        gate = {"passed": False, "detail": str(error)}
    decision = decide_on(comparison, config.margin, gate["detail"] or None)

    def model(role: str) -> dict:
        loaded = models[role]
        meta = ModelMetadata.from_dict(loaded.metadata)
        return {
            "version": loaded.version,
            "window": meta.train_months,
            "data_checksums": {m: meta.data_checksums[m] for m in meta.train_months},
            "validation_auc": meta.validation_auc,
            "threshold": meta.threshold,
            "metrics": all_metrics(y, scores[role], meta.threshold),
            # Per model, as the grader's contract reads it: both on the same flights.
            "evaluated_on": {"period": the_plan.month, "rows": len(y)},
        }

    record = {
        "month": the_plan.month,
        "plan": the_plan.to_dict(),
        "trigger": the_plan.trigger,
        "champion": model("champion"),
        "challenger": model("challenger"),
        "evaluation": {
            "month": the_plan.month,
            "flights": len(y),
            "data_checksum": checksum,
            "difference": comparison.difference,
            "low": comparison.low,
            "high": comparison.high,
            "standard_error": comparison.standard_error,
            "confidence": comparison.confidence,
        },
        "settings": asdict(config),
        "gate": gate,
        "decision": {"promote": decision.promote, "reason": decision.reason},
        "deployment": {"status": "pending" if decision.promote else "not_needed", "checks": []},
        "production": the_plan.champion,
    }
    if run_id := comparison_runs.log_decision(data_dir, record):
        record["tracking"] = {"experiment": comparison_runs.EXPERIMENT, "run_id": run_id}
    audit.write(data_dir, record)
    return record
    # END SOLUTION


def carry_out(month: str, data_dir: Path, report: Report = log.info) -> dict:
    """Act on the recorded decision of ``month``; return the completed audit record.

    A promotion goes through class 08's :func:`deploy` with the month's first flights as
    the smoke test's sample; if a check there fails, production stays and the challenger
    is refused after all. Either way the challenger gets a ``decision`` tag in the
    registry, and the record says which version serves from the next month.
    """
    # BEGIN SOLUTION: promocja przez deploy() (zajęcia 08) albo „odrzucona”
    record = audit.existing(data_dir, month)
    registry = Registry(data_dir)
    challenger = record["challenger"]["version"]
    if record["decision"]["promote"]:
        flights = month_requests(data_dir, month, SMOKE_FLIGHTS)
        deployment = deploy(registry, challenger, data_dir, flights, report)
        record["deployment"] = {
            "status": "promoted" if deployment.promoted else "failed",
            "checks": [asdict(check) for check in deployment.checks],
        }
        if not deployment.promoted:
            failed = "; ".join(c.detail for c in deployment.checks if not c.passed)
            record["decision"] = {
                "promote": False,
                "reason": f"{record['decision']['reason']}; wdrożenie nie przeszło kontroli: "
                f"{failed}",
            }
    verdict = "promowana" if record["decision"]["promote"] else "odrzucona"
    registry.tag(
        challenger, "decision", f"{verdict} (miesiąc {month}): {record['decision']['reason']}"
    )
    record["production"] = registry.resolve("production")
    comparison_runs.log_outcome(data_dir, record, record.get("tracking", {}).get("run_id"))
    audit.write(data_dir, record)
    return record
    # END SOLUTION
