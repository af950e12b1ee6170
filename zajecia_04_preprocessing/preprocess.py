"""Preprocessing of one month: raw partitions in, a feature partition and a report out."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kurs.polish import integer, percent
from kurs.repository import code_version
from zajecia_03_airflow_ingest.partitions import raw_partition
from zajecia_04_preprocessing.clean import clean_flights
from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_04_preprocessing.features import FEATURES, TARGET, build_features

# Re-exported (the DAG and the tests import it from here), so it stays in the skeleton.
from zajecia_04_preprocessing.quality import QualityGateFailed as QualityGateFailed
from zajecia_04_preprocessing.quality import evaluate, load_gates, write_report


def months_to_process(month: str | None, events: list) -> list[str]:
    """The months a run works on: the ``month`` param, else those in the asset events.

    Several ingest runs may finish before the scheduler starts this DAG; their events
    then arrive together and one run processes all their months.

    Raises:
        ValueError: neither a month nor an event with one.
    """
    if month:
        return [month]
    months = sorted({event.extra["month"] for event in events if event.extra.get("month")})
    if not months:
        raise ValueError(
            "brak miesiąca: podaj parametr 'month' albo uruchom przez zasób raw_flights"
        )
    return months


def report_folder(data_dir: Path, month: str) -> Path:
    return Path(data_dir) / "reports" / "quality" / f"month={month}"


def preprocess_month(month: str, data_dir: Path, gates_path: Path | None = None) -> dict:
    """Build the month's features, run the quality gate, and write the partition.

    Returns:
        The manifest of ``features/flights/month=YYYY-MM``.

    Raises:
        PartitionError: an input partition is missing or damaged.
        QualityGateFailed: a check failed; the report is written, the features are not.
    """
    # BEGIN SOLUTION: czyszczenie → cechy → bramka → partycja (README)
    inputs = {
        "flights": raw_partition(data_dir, "flights", month),
        "weather": raw_partition(data_dir, "weather", month),
        "planes": raw_partition(data_dir, "planes"),
    }
    read = {name: partition.read_with_manifest() for name, partition in inputs.items()}
    tables = {name: frame for name, (frame, _) in read.items()}
    cleaned = clean_flights(tables["flights"])
    features = build_features(cleaned.flights, tables["weather"], tables["planes"])
    report = evaluate(
        features, month, len(tables["flights"]), cleaned.removed, load_gates(gates_path)
    )
    report_files = write_report(report, report_folder(data_dir, month))
    if not report.passed:
        failed = "; ".join(f"{c.name}: {c.value} (próg {c.limit})" for c in report.failures())
        raise QualityGateFailed(
            f"{month}: bramka jakości nie przeszła — {failed}. Raport: {report_files[1]}"
        )
    return features_partition(data_dir, month).write(
        features,
        {
            "table": "features",
            "month": month,
            "inputs": {name: manifest["data_sha256"] for name, (_, manifest) in read.items()},
            "rows_in": len(tables["flights"]),
            "removed": cleaned.removed,
            "features": list(FEATURES),
            "target": TARGET,
            "target_rate": round(float(features[TARGET].mean()), 4),
            "quality_report": str(report_files[0]),
            "code_version": code_version(),
        },
    )
    # END SOLUTION


def features_summary(data_dir: Path, months: Sequence[str]) -> str:
    """One line on the months' feature partitions: rows, features and the target rate."""
    manifests = [features_partition(data_dir, month).manifest() for month in months]
    rows = sum(m["rows"] for m in manifests)
    rates = [m["target_rate"] for m in manifests]
    return (
        f"cechy: {integer(rows)} wierszy, liczba cech {len(FEATURES)}; bramka jakości ok w "
        f"{len(manifests)} miesiącach; loty z problemem: {percent(min(rates))}–"
        f"{percent(max(rates))} w miesiącu"
    )
