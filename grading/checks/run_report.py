"""The final report's numbers against this grading's own runs (``report_numbers``).

The final report (``artifacts.final_report``, committed Markdown) has to show numbers
that the runs of the pipeline in the sandbox reproduce, so a report with typed-in or
stale numbers loses points. After the training stage (``run.train``) and the monitoring
stage (``run.monitor``) the check reads:

* the registry, only through the student's commands (:class:`StudentRegistry` on a copy
  of the training stage's registry): the ``production`` version and its metrics for the
  period ``run.monitor`` — its ROC AUC when the period's entry has a ``roc_auc``, else
  each of the entry's non-integer numbers; a registry without metrics for that period
  falls back to ``performance`` of the monitoring JSON below;
* the monitoring status of ``run.monitor`` from the JSON the monitoring stage wrote (the
  contract of 06.raport: ``status`` ok / warning / alert and ``performance``),

and looks for them in the report, a third of the points each: the version's name
anywhere; the metric, rounded to 2 decimals or more (decimal comma or dot), and the
status, as the only status word, each on a line (a table row, a sentence) that names
the period. The period's line is what keeps a list of every number from 0,00 to 0,99
from passing: a line with more than :data:`MAX_DECIMALS_ON_LINE` decimals does not count,
nor do the period's lines when together they show more than
:data:`MAX_DECIMALS_FOR_PERIOD`, or more than one status.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from grading.checks.base import Context, run_check
from grading.checks.run_registry import (
    PRODUCTION,
    StudentRegistry,
    json_numbers,
    period_tables,
    registry_copy,
)
from grading.checks.running import declared_dags, session, written_json
from grading.checks.text import numbers
from grading.model import Evidence, Outcome, StudentError

STATUSES = ("ok", "warning", "alert")
MIN_DECIMALS = 2
# A table row of a period holds a few metrics; a line with more decimals than this is a
# list of numbers, not a report of one.
MAX_DECIMALS_ON_LINE = 12
# A report names a period on a few lines (a data table, monitoring, a decision).
MAX_DECIMALS_FOR_PERIOD = 24
# A float printed with many decimals is off by its binary representation.
SLACK = 1e-9
STATUS_WORD = re.compile(r"(?<!\w)(" + "|".join(STATUSES) + r")(?!\w)", re.IGNORECASE)


@run_check("report_numbers", required=("report", "commands", "period"))
def report_numbers(context: Context, params: Mapping[str, Any]) -> Outcome:
    run = session(context)
    report, period = str(params["report"]), str(params["period"])
    lines = _report(context, report).splitlines()
    dags = declared_dags(context)
    run.after("train", dags)  # its reason first: the monitoring stage builds on it
    monitored = run.after("monitor", dags)
    if monitored is None:
        raise StudentError(
            "projekt.yaml nie deklaruje dags.monitor — bez przebiegu monitoringu nie ma "
            "statusu do porównania z raportem"
        )
    summaries = monitoring_summaries(monitored, run.stages["monitor"].written, period)
    with registry_copy(context, params, history=False) as registry:
        version, entries, registry_problem = _production(registry, period)
    metric = _metric_part(lines, period, version, entries, summaries, registry_problem)
    parts = [
        _version_part(lines, version, registry_problem),
        metric,
        _status_part(lines, period, summaries, metric[2]),
    ]
    # The monitoring JSON is in the grader's copy, not in the repository: the messages
    # name it, the evidence does not.
    found = [Evidence(file=report, line=line) for _, _, line in parts if line]
    show = Evidence(command=str(params["commands"].get("registry_show")))
    evidence = [*(found or [Evidence(file=report)]), show]
    done = [text for ok, text, _ in parts if ok]
    missing = [text for ok, text, _ in parts if not ok]
    if not missing:
        message = f"raport {report} zgodny z przebiegami: " + "; ".join(done)
        return Outcome.passed(message, *evidence)
    return Outcome.share(
        len(done),
        len(parts),
        "; ".join(missing)
        + f" — liczby w {report} mają pochodzić z artefaktów (wygeneruj raport z rejestru "
        "i raportów monitoringu, zamiast przepisywać liczby)"
        + (f"; zgodne: {'; '.join(done)}" if done else ""),
        *evidence,
    )


def _report(context: Context, report: str) -> str:
    try:
        return context.files.read_text(report)
    except StudentError as error:
        raise StudentError(f"artifacts.final_report: {error.message}", error.evidence) from None


def monitoring_summaries(
    state: Path, written: Sequence[str], period: str
) -> list[tuple[str, dict]]:
    """The monitoring JSONs (``status`` and ``performance``) the monitoring stage wrote
    in its copy; those naming ``period`` in their path or a top-level value when some
    do (a stage may also rewrite an index of all periods)."""
    found = [
        (name, data)
        for name, data in written_json(state, written)
        if isinstance(data, dict)
        and data.get("status") in STATUSES
        and isinstance(data.get("performance"), Mapping)
    ]
    named = [(n, d) for n, d in found if period in n or period in d.values()]
    return named or found


def _production(registry: StudentRegistry, period: str) -> tuple[str | None, list[Any], str]:
    """The production version, its metrics entries for ``period`` and the problem that
    stopped reading them (empty when none)."""
    try:
        listing = registry.listing()
        version = listing.aliases.get(PRODUCTION)
        if not version or not version.strip():
            raise StudentError(
                f"rejestr po treningu nie ma aliasu {PRODUCTION} z nazwą wersji (aliasy: "
                f"{', '.join(listing.aliases) or 'brak'})"
            )
        metrics = registry.show(version).get("metrics")
    except StudentError as error:
        return None, [], error.message
    return version, [table[period] for table in period_tables(metrics) if period in table], ""


def _version_part(
    lines: list[str], version: str | None, problem: str
) -> tuple[bool, str, int | None]:
    if version is None:
        return False, f"nie wiadomo, która wersja jest produkcyjna: {problem}", None
    line = version_line(lines, version)
    if line is None:
        return (
            False,
            f"raport nie podaje wersji produkcyjnej {version} (alias {PRODUCTION} w "
            "commands.registry_list po treningu)",
            None,
        )
    return True, f"wersja produkcyjna {version} (wiersz {line})", line


def _metric_part(
    lines: list[str],
    period: str,
    version: str | None,
    entries: list[Any],
    summaries: list[tuple[str, dict]],
    problem: str,
) -> tuple[bool, str, int | None]:
    if problem:
        return False, f"nie da się odczytać metryk z rejestru: {problem}", None
    if entries:
        source = f"z rejestru (metrics wersji {version} dla {period})"
        values = metric_values(entries)
    elif summaries:
        # No registry numbers for the period: the monitoring run measured the same model.
        source = f"z {summaries[0][0]} (performance; rejestr nie ma metryk okresu {period})"
        values = metric_values([summaries[0][1]["performance"]])
    else:
        return (
            False,
            f"ani rejestr (metrics wersji {version} z kluczem {period}), ani JSON monitoringu "
            f"nie mają metryk okresu {period}",
            None,
        )
    if not values:
        return False, f"metryki okresu {period} {source} nie mają liczb niecałkowitych", None
    expected = " albo ".join(_shown_value(v) for v in values[:3])
    line = metric_line(lines, period, values)
    if line is None:
        return (
            False,
            f"w żadnym wierszu raportu z okresem {period} nie ma metryki {source}: {expected} "
            f"(zaokrąglonej do co najmniej {MIN_DECIMALS} miejsc po przecinku, z przecinkiem "
            "albo kropką)",
            None,
        )
    return True, f"metryka {period} {source} {expected} (wiersz {line})", line


def _status_part(
    lines: list[str], period: str, summaries: list[tuple[str, dict]], metric: int | None
) -> tuple[bool, str, int | None]:
    if not summaries:
        return (
            False,
            f"przebieg monitoringu dla {period} nie zapisał JSON-a z polami status "
            f"({', '.join(STATUSES)}) i performance (jak w 06.raport), więc nie ma statusu "
            "do porównania",
            None,
        )
    statuses = sorted({data["status"] for _, data in summaries})
    if len(statuses) > 1:
        return (
            False,
            f"przebieg monitoringu dla {period} zapisał różne statusy ({', '.join(statuses)}) w "
            f"{', '.join(name for name, _ in summaries[:4])}",
            None,
        )
    status, source = statuses[0], summaries[0][0]
    line = status_line(lines, period, status, metric)
    if line is None:
        return (
            False,
            f"w żadnym wierszu raportu z okresem {period} nie ma statusu monitoringu "
            f"{status} (z {source} przebiegu w piaskownicy) jako jedynego z: "
            f"{', '.join(STATUSES)}"
            + (f" — wiersz {metric} z metryką okresu ma inny status" if metric else ""),
            None,
        )
    return True, f"status monitoringu {period} {status} (wiersz {line})", line


def metric_values(entries: list[Any]) -> list[float]:
    """What the report may show of a period's metrics: the ROC AUC values of the entries
    (a key spelled ``roc_auc``, ``ROC-AUC``…), else their non-integer numbers (integers
    are counts, which a data table shows anyway)."""
    auc = [value for entry in entries for value in _roc_auc(entry)]
    found = auc or [v for entry in entries for v in json_numbers(entry) if isinstance(v, float)]
    return list(dict.fromkeys(found))


def _roc_auc(value: Any) -> Iterator[float]:
    """The numbers under a ``roc_auc`` key (any case, ``-``, ``_`` or spaces) anywhere in
    ``value`` (walked with a stack: a student's JSON may nest very deep)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, Mapping):
            for key, inner in reversed(list(item.items())):
                if re.sub(r"[\W_]", "", str(key)).lower() != "rocauc":
                    stack.append(inner)
                elif isinstance(inner, int | float) and not isinstance(inner, bool):
                    stack.append(AUC(float(inner)))
        elif isinstance(item, AUC):
            yield float(item)


class AUC(float):
    """A number found under a ``roc_auc`` key (told apart on :func:`_roc_auc`'s stack)."""


def written_decimals(line: str) -> list[tuple[float, int]]:
    """The numbers written on ``line`` with their count of decimals (``0,780`` → (0.78,
    3)); percentages are left out (78,0% is not 0,78)."""
    found = []
    for text in numbers(line):
        if text.endswith("%"):
            continue
        plain = re.sub(r"[ \u00a0]", "", text).replace("−", "-").replace(",", ".")
        found.append((float(plain), len(plain.partition(".")[2])))
    return found


def shows(value: float, written: float, decimals: int) -> bool:
    """Whether a number ``written`` with ``decimals`` decimals is ``value`` rounded
    (either way at a tie: rounding half up and half to even are both fine)."""
    return decimals >= MIN_DECIMALS and abs(written - value) <= 0.5 * 10**-decimals + SLACK


def period_lines(lines: list[str], period: str) -> Iterator[tuple[int, str]]:
    """The lines (1-based number, text) naming ``period`` as written in projekt.yaml
    (``2013-07`` but not ``2013-071``)."""
    pattern = re.compile(r"(?<!\d)" + re.escape(period) + r"(?!\d)")
    for number, line in enumerate(lines, 1):
        if pattern.search(line):
            yield number, line


def metric_line(lines: list[str], period: str, values: list[float]) -> int | None:
    """The first line naming ``period`` that shows one of ``values``; none when the
    period's lines together show more than :data:`MAX_DECIMALS_FOR_PERIOD` decimals (a
    list of every number, spread over lines, is no result)."""
    found = [(number, written_decimals(line)) for number, line in period_lines(lines, period)]
    if sum(1 for _, written in found for _, d in written if d) > MAX_DECIMALS_FOR_PERIOD:
        return None
    for number, written in found:
        if sum(1 for _, decimals in written if decimals) > MAX_DECIMALS_ON_LINE:
            continue
        if any(shows(v, w, d) for v in values for w, d in written):
            return number
    return None


def status_line(
    lines: list[str], period: str, status: str, metric: int | None = None
) -> int | None:
    """The line naming ``period`` whose only status word is ``status`` (a line listing
    ok, warning and alert says nothing). A status on line ``metric`` — where the period's
    metric is — decides alone: another column of the period, a quality gate's ``ok``,
    is not the monitoring status. Otherwise every status the period's lines show must be
    ``status``: lines giving the period each status in turn say nothing either."""
    if metric is not None and STATUS_WORD.search(lines[metric - 1]):
        candidates = [(metric, lines[metric - 1])]
    else:
        candidates = list(period_lines(lines, period))
    shown = {n: {w.lower() for w in STATUS_WORD.findall(line)} for n, line in candidates}
    if set().union(*shown.values()) != {status}:
        return None
    return next(number for number, words in shown.items() if words == {status})


def version_line(lines: list[str], version: str) -> int | None:
    """The first line naming ``version`` as a whole word; a version named by a number
    alone (``3``) only as ``v3`` or after „wersja” / „version” — a bare 3 is any
    number."""
    name = re.escape(version)
    if version.isdigit():
        before = r"(?:(?<!\w)v|(?<!\w)(?:wersj\w*|version)\s+)"
        pattern = re.compile(rf"{before}{name}(?![\w.,]?\d)", re.IGNORECASE)
    else:
        pattern = re.compile(rf"(?<![\w.-]){name}(?![\w-])")
    return next((n for n, line in enumerate(lines, 1) if pattern.search(line)), None)


def _shown_value(value: float) -> str:
    """``0.7796575`` → ``0,7797 (np. 0,78 albo 0,780)``."""
    four, two, three = (f"{value:.{n}f}".replace(".", ",") for n in (4, 2, 3))
    return f"{four} (np. {two} albo {three})"
