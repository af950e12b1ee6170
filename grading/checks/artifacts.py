"""Committed artifacts read as data: the monitoring reports of class 06 (HTML + JSON per
period) and the quality-gate thresholds of class 04 (YAML).

Kinds: ``monitoring_reports`` (06.raport), ``yaml_thresholds`` (04.progi).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

from grading.checks.base import Context, static_check
from grading.model import Evidence, Outcome, StudentError
from grading.polish import kind_name, shown
from grading.repo_files import RepoFiles

_IMAGE = re.compile(r"<(?:img|svg)\b", re.IGNORECASE)


def _pair_problems(
    files: RepoFiles, folder: str, stem: str, fields: list[str], statuses: list[str]
) -> list[str]:
    """What is wrong with the report pair ``stem`` (empty: a good pair)."""
    html, summary = f"{folder}/{stem}.html", f"{folder}/{stem}.json"
    problems = []
    if not files.is_file(html):
        problems.append(f"brak {stem}.html")
    elif not _IMAGE.search(files.read_text(html)):
        problems.append(f"{stem}.html bez wykresu (`<img` ani `<svg`)")
    if not files.is_file(summary):
        return [*problems, f"brak {stem}.json"]
    try:
        data = files.read_json(summary)
    except StudentError as error:
        return [*problems, error.message]
    if not isinstance(data, dict):
        return [*problems, f"{stem}.json nie jest obiektem JSON"]
    missing = [name for name in fields if name not in data]
    if missing:
        problems.append(f"{stem}.json bez pól {', '.join(missing)}")
    if "status" in fields and "status" in data and data["status"] not in statuses:
        problems.append(
            f"{stem}.json ma status {shown(data['status'])} zamiast jednego z: "
            f"{', '.join(statuses)}"
        )
    return problems


@static_check("monitoring_reports", required=("folder", "fields", "statuses"))
def monitoring_reports(context: Context, params: Mapping[str, Any]) -> Outcome:
    """06.raport: in ``folder`` (not its subfolders) pairs ``<period>.html`` and
    ``<period>.json``; a pair is good when the HTML has an image (``<img`` or ``<svg``)
    and the JSON is an object with every one of ``fields`` and a ``status`` from
    ``statuses``. Score: good pairs / periods found (a period is any stem of either
    file)."""
    folder = str(params["folder"]).rstrip("/")
    fields, statuses = list(params["fields"]), list(params["statuses"])
    wanted = (
        f"zapisz w {folder} dla każdego okresu `<okres>.html` z wykresem i `<okres>.json` "
        f"z polami {', '.join(fields)} (status: {', '.join(statuses)})"
    )
    names = context.files.glob(f"{folder}/*.html") + context.files.glob(f"{folder}/*.json")
    stems = sorted({PurePosixPath(name).stem for name in names})
    if not stems:
        return Outcome.failed(f"brak raportów monitoringu — {wanted}", Evidence(file=folder))
    bad = {}
    for stem in stems:
        problems = _pair_problems(context.files, folder, stem, fields, statuses)
        if problems:
            bad[stem] = problems
    good = len(stems) - len(bad)
    message = f"poprawne pary raportów: {good} z {len(stems)} w {folder}"
    if bad:
        listed = "; ".join(f"{stem}: {', '.join(problems)}" for stem, problems in bad.items())
        message += f" ({listed}) — {wanted}"
    evidence = [Evidence(file=f"{folder}/{stem}.json", excerpt=bad[stem][0]) for stem in bad]
    return Outcome.share(good, len(stems), message, *(evidence or [Evidence(file=folder)]))


def numeric_leaves(data: Any) -> Iterator[tuple[str, int | float]]:
    """Every int or float (bool excluded) in nested mappings and lists, with its path, in
    document order. Iterative, whatever the depth; a mapping or list shared through YAML
    aliases (or holding itself) is walked once."""
    stack: list[tuple[str, Any]] = [("", data)]
    seen: set[int] = set()
    while stack:
        path, value = stack.pop()
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            yield path or "(cały plik)", value
        elif isinstance(value, dict | list) and id(value) not in seen:
            seen.add(id(value))
            if isinstance(value, dict):
                items = [(f"{path}.{key}" if path else str(key), v) for key, v in value.items()]
            else:
                items = [(f"{path}[{index}]", v) for index, v in enumerate(value)]
            stack.extend(reversed(items))


@static_check("yaml_thresholds", required=("file",))
def yaml_thresholds(context: Context, params: Mapping[str, Any]) -> Outcome:
    """04.progi: ``file`` is YAML (safe loader) holding a mapping with at least one
    numeric threshold (int or float, not bool) at any depth."""
    path = params["file"]
    data = context.files.read_yaml(path)
    if not isinstance(data, dict):
        return Outcome.failed(
            f"{path} nie jest słownikiem YAML (jest: {kind_name(data)}) — zapisz progi "
            "jako `nazwa: wartość`, np. `min_rows: 5000`",
            Evidence(file=path),
        )
    leaf = next(numeric_leaves(data), None)
    if leaf is None:
        return Outcome.failed(
            f"{path} nie ma żadnego progu liczbowego — wpisz wartości jako liczby "
            "(np. `max_null_rate: 0.05`, bez cudzysłowów)",
            Evidence(file=path),
        )
    where = leaf[0] if len(leaf[0]) <= 80 else leaf[0][:79] + "…"
    return Outcome.passed(
        f"{path}: progi liczbowe, np. {where} = {shown(leaf[1])}",
        Evidence(file=path, excerpt=f"{where}: {shown(leaf[1])}"),
    )
