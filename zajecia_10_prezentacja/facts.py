"""The facts of the project, gathered from the artifacts for the report and the slides.

:func:`collect` reads every artifact once (:mod:`artifacts`) and returns :class:`Facts`:
the goal and KPI targets (class 01), the data (03–04), the production model and its
baselines (05), the monitoring history (06), production figures (08) and the year of
retraining decisions (09). Each part keeps the :class:`~artifacts.Source` of its
numbers, so the report can name it. Nothing here is formatted for reading except the
KPI results, whose units differ row by row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kurs.polish import decimal
from zajecia_01_planowanie.backlog import load_backlog
from zajecia_03_airflow_ingest.partitions import raw_partition
from zajecia_04_preprocessing.feature_partitions import features_partition
from zajecia_04_preprocessing.preprocess import report_folder as quality_folder
from zajecia_04_preprocessing.quality import REPORT_JSON
from zajecia_05_model.registry import METADATA_FILE, Registry
from zajecia_06_monitoring.report import summary_path
from zajecia_07_docker.bench import results_path as bench_path
from zajecia_08_deploy.live_quality import report_path as live_quality_path
from zajecia_09_retraining.report import results_path as replay_path
from zajecia_10_prezentacja.artifacts import Artifacts, Source

GOAL = Source("zajecia_01_planowanie/cel_biznesowy.md", 1, in_data=False)
BACKLOG = Source("zajecia_01_planowanie/backlog.yaml", 1, in_data=False)
KPI_HEADING = "## KPI i metryka ML"
# A target written as "≥ 0,40" or "< 50 ms": the comparison and the number.
TARGET = re.compile(r"(?P<op>[≥<])\s*(?P<number>\d+(?:,\d+)?)")


@dataclass(frozen=True)
class Kpi:
    """One row of class 01's KPI table, with what the project reached.

    Attributes:
        measure, baseline, target: the row's cells as class 01 wrote them.
        result: what the artifacts say (Polish text with its unit); ``None`` when no
            artifact measures it.
        met: whether ``result`` meets a numeric target; ``None`` when either is missing.
        source: the artifact of ``result``.
    """

    measure: str
    baseline: str
    target: str
    result: str | None = None
    met: bool | None = None
    source: Source | None = None


@dataclass(frozen=True)
class DataMonth:
    """A month of flights through ingest (03) and preprocessing (04)."""

    month: str
    flights: int
    quarantined: int
    features_rows: int
    delay_rate: float
    quality: str


@dataclass(frozen=True)
class Facts:
    """Everything the report and the slides say; ``sources`` by section."""

    project: str
    problem: str
    kpis: list[Kpi]
    data: list[DataMonth]
    quarantine: list[dict]
    model: dict
    monitoring: list[dict]
    production: list[dict]
    replay: dict
    sources: dict[str, list[Source]]
    bench: dict | None = None

    @property
    def decisions(self) -> list[dict]:
        """The retraining runs of the replay (class 09's audit records), by month."""
        return [row["record"] for row in self.replay["months"] if row.get("record")]


def table_after(text: str, heading: str) -> list[dict[str, str]]:
    """The first Markdown table after ``heading``: a dict per row, by header cell,
    ``**bold**`` removed.

    Raises:
        ValueError: no such heading, or no table under it.
    """
    lines = text.splitlines()
    if heading not in lines:
        raise ValueError(f"brak sekcji „{heading}”")
    rows = []
    for line in lines[lines.index(heading) + 1 :]:
        if line.startswith("|"):
            rows.append([cell.strip().replace("**", "") for cell in line.strip("|").split("|")])
        elif rows:
            break
    if len(rows) < 3:
        raise ValueError(f"brak tabeli w sekcji „{heading}”")
    header, *body = rows
    return [dict(zip(header, row, strict=False)) for row in body[1:]]


def first_paragraph(text: str, heading: str) -> str:
    """The paragraph right under ``heading``, joined into one line.

    Raises:
        ValueError: no such heading.
    """
    if heading not in text.splitlines():
        raise ValueError(f"brak sekcji „{heading}”")
    after = text.split(heading, 1)[1].strip()
    return " ".join(after.split("\n\n", 1)[0].split())


def met(result: float, target: str) -> bool | None:
    """Whether ``result`` meets ``target`` ("≥ 0,40", "< 50 ms"); None when not numeric."""
    found = TARGET.search(target)
    if not found:
        return None
    bound = float(found["number"].replace(",", "."))
    return result >= bound if found["op"] == "≥" else result < bound


# How far the backtest's recall may be from the recall the threshold was chosen for
# before precision at that threshold stops being "precision at that recall".
RECALL_TOLERANCE = 0.02


def latency_result(production: list[dict], bench: tuple[dict, Source] | None) -> tuple:
    """The latency KPI's (value, text, source, comparable). Neither measurement is the
    target's (p99 of one flight's request): the API benchmark (07), when it ran, gives the
    p99 of ``/predict`` at full load, queueing included — an upper bound; otherwise the
    prediction log (08) gives the p95 of the prediction time inside the workers, without
    HTTP. Both are reported, neither gets a verdict."""
    # BEGIN SOLUTION: KPI czasu: benchmark (07) albo log predykcji (08)
    if bench is not None:
        figures, source = bench
        text = (
            f"p99 /predict {decimal(figures['predict_p99_ms'], 1)} ms przy pełnym obciążeniu "
            f"({figures['connections']} połączeń wrk, make bench; z czekaniem w kolejce)"
        )
        return figures["predict_p99_ms"], text, source, False
    p95, source = max(
        ((v["latency_ms"]["p95"], r["source"]) for r in production for v in r["versions"]),
        key=lambda found: found[0],
    )
    text = (
        f"p95 czasu predykcji w workerze API {decimal(p95, 1)} ms (cel dotyczy p99 całego "
        "żądania: make bench, zajęcia 07)"
    )
    return p95, text, source, False
    # END SOLUTION


def kpis(
    goal_text: str,
    model: dict,
    production: list[dict],
    model_source: Source,
    bench: tuple[dict, Source] | None = None,
) -> list[Kpi]:
    """Class 01's KPI rows with the results of the production model's backtest (05) and
    the latency (:func:`latency_result`), matched by the measure's first words.

    A result measured differently from its target gets no verdict (``met`` is ``None``)
    and says how it differs: precision at a recall other than the target's, and the
    latencies of :func:`latency_result`.
    """
    # BEGIN SOLUTION: wiersze KPI z zajęć 01 z wynikami backtestu i źródłem
    pooled = model["metrics"]["backtest"]["pooled"]
    same_recall = abs(pooled["recall"] - model["target_recall"]) <= RECALL_TOLERANCE
    precision = (
        f"precyzja {decimal(pooled['precision'], 2)} przy czułości {decimal(pooled['recall'], 2)}"
    )
    if not same_recall:
        precision += f" (cel mierzy ją przy czułości {decimal(model['target_recall'], 2)})"
    results = {
        "KPI": (pooled["precision"], precision, model_source, same_recall),
        "Metryka ML": (
            pooled["roc_auc"],
            f"ROC AUC {decimal(pooled['roc_auc'], 3)}",
            model_source,
            True,
        ),
        "PR AUC": (pooled["pr_auc"], decimal(pooled["pr_auc"], 3), model_source, True),
        "Brier": (pooled["brier"], decimal(pooled["brier"], 3), model_source, True),
        "Opóźnienie": latency_result(production, bench),
    }
    rows = []
    for row in table_after(goal_text, KPI_HEADING):
        measure = row["Miara"]
        found = next((key for key in results if measure.startswith(key)), None)
        kpi = Kpi(measure, row.get("Punkt odniesienia (baseline)", "—"), row["Cel"])
        if found:
            value, text, source, comparable = results[found]
            verdict = met(value, kpi.target) if comparable else None
            kpi = Kpi(kpi.measure, kpi.baseline, kpi.target, text, verdict, source)
        rows.append(kpi)
    return rows
    # END SOLUTION


# A month's files from ingest (03) and preprocessing (04), where those classes write
# them: kind -> (path of the data folder and the month, producer).
MONTH_FILES = {
    "raw": (lambda data_dir, month: raw_partition(data_dir, "flights", month).manifest_path, 3),
    "features": (lambda data_dir, month: features_partition(data_dir, month).manifest_path, 4),
    "quality": (lambda data_dir, month: quality_folder(data_dir, month) / REPORT_JSON, 4),
}


def data_months(artifacts: Artifacts) -> tuple[list[DataMonth], list[Source]]:
    """Per ingested month: flights ingested and quarantined (03), feature rows, delay rate
    and the quality gate's status (04).

    Raises:
        MissingArtifact: no month was ingested, or an ingested month lacks a file.
    """
    # BEGIN SOLUTION: miesiące z manifestów pobierania (03), cech i bramki (04)
    data_dir = artifacts.data_dir
    ingested = artifacts.monthly(MONTH_FILES["raw"][0](data_dir, "*"), 3)
    months, sources = [], []
    for path in ingested:
        month = Path(path.path).parent.name.removeprefix("month=")
        files = {
            kind: artifacts.in_data(where(data_dir, month), producer)
            for kind, (where, producer) in MONTH_FILES.items()
        }
        parts = {kind: artifacts.json(source) for kind, source in files.items()}
        sources.extend(files.values())
        months.append(
            DataMonth(
                month=month,
                flights=parts["raw"]["rows"],
                quarantined=parts["raw"]["rows_quarantined"],
                features_rows=parts["features"]["rows"],
                delay_rate=parts["features"]["target_rate"],
                quality=parts["quality"]["status"],
            )
        )
    return months, sources
    # END SOLUTION


def quarantined(artifacts: Artifacts) -> list[dict]:
    """Every quarantined partition (03): table, month, rows and the reasons."""
    # BEGIN SOLUTION: partycje kwarantanny (03): tabela, miesiąc, wiersze, powody
    found = sorted(artifacts.data_dir.glob("quarantine/*/month=*/_manifest.json"))
    rows = []
    for path in found:
        manifest = artifacts.json(Source(str(path.relative_to(artifacts.data_dir)), 3))
        rows.append(
            {
                "table": manifest["table"],
                "month": manifest["month"],
                "rows": manifest["rows_quarantined"],
                "reasons": manifest.get("reasons", {}),
            }
        )
    return rows
    # END SOLUTION


def collect(artifacts: Artifacts) -> Facts:
    """Read every artifact the report and the slides use.

    Raises:
        MissingArtifact: a file is missing or from an older version of its class; the
            message names it and the class that writes it.
        ValueError: class 01's goal has no problem section or no KPI table.
        BacklogError: class 01's backlog is not valid.
    """
    # BEGIN SOLUTION: fakty z artefaktów zajęć 01–09, każdy ze źródłem (Source)
    data_dir = artifacts.data_dir
    goal_text = artifacts.text(GOAL)
    registry = Registry(data_dir)
    alias_source = artifacts.in_data(registry.alias_path("production"), 5)
    version = artifacts.json(alias_source)["version"]
    model_source = artifacts.in_data(registry.versions_dir / version / METADATA_FILE, 5)
    model = artifacts.json(model_source)
    monitoring_sources = artifacts.monthly(summary_path(data_dir, "*"), 6)
    monitoring = [artifacts.json(source) for source in monitoring_sources]
    production = []
    for source in artifacts.monthly(live_quality_path(data_dir, "*"), 8):
        production.append({**artifacts.json(source), "source": source})
    data, data_sources = data_months(artifacts)
    bench_source = artifacts.in_data(bench_path(data_dir), 7)
    figures = artifacts.optional_json(bench_source)
    bench = (figures, bench_source) if figures is not None else None
    replay_source = artifacts.in_data(replay_path(data_dir), 9)
    backlog = load_backlog(artifacts.path(BACKLOG))
    return Facts(
        project=backlog.project,
        problem=first_paragraph(goal_text, "## Problem"),
        kpis=kpis(goal_text, model, production, model_source, bench),
        data=data,
        quarantine=quarantined(artifacts),
        model=model,
        monitoring=monitoring,
        production=production,
        replay=artifacts.json(
            replay_source, required=("months", "pooled", "never_retrain", "settings")
        ),
        sources={
            "cel": [GOAL, BACKLOG],
            "dane": data_sources,
            "model": [alias_source, model_source],
            "monitoring": monitoring_sources,
            "produkcja": [report["source"] for report in production]
            + ([bench_source] if figures is not None else []),
            "dotrenowanie": [replay_source],
        },
        bench=figures,
    )
    # END SOLUTION
