"""The outputs of a grading: terminal table, JSON, Markdown feedback (Polish), CSV
gradebook, Gradescope's ``results.json`` and GitHub Classroom's autograding result.

Every function takes finished :class:`grading.engine.RepoResult` records and returns
text; writing files is the caller's business. Points are printed the Polish way
(``57,5``) for people and as exact decimal strings (``"57.5"``) for machines.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal

from grading.engine import RepoResult
from grading.model import CheckResult, ClassResult
from grading.polish import pl, plural

SYMBOLS = {"pass": "✅", "fail": "❌", "error": "⚠️", "skipped": "⏭️", "timeout": "⏱️"}
STATUS_PL = {
    "pass": "zaliczone",
    "fail": "niezaliczone",
    "error": "błąd narzędzia",
    "skipped": "nie oceniono",
    "timeout": "przekroczony czas",
}
RECHECK = ".venv/bin/python -m grading ."
LOST = frozenset({"fail", "error", "timeout"})


def as_json(result: RepoResult) -> str:
    return json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n"


def table(results: Sequence[RepoResult], ids: Sequence[str]) -> str:
    """One repository: its classes one per row; several: one row per repository, with a
    column for each of ``ids`` (the rubric's classes)."""
    if len(results) == 1:
        return _repository_table(results[0])
    name_width = max([len("Repozytorium"), *(len(r.repository) for r in results)])
    lines = [f"{'Repozytorium':<{name_width}}  " + " ".join(f"{i:>5}" for i in ids) + "  Razem"]
    for result in results:
        cells = {c.id: pl(c.points) + ("*" if c.late else "") for c in result.classes}
        row = " ".join(f"{cells.get(i, '—'):>5}" for i in ids)
        total = "—" if result.error else pl(result.total)
        status = "" if result.status == "graded" else f"  ({_problem(result)})"
        lines.append(f"{result.repository:<{name_width}}  {row}  {total:>5}{status}")
    if any(c.late for r in results for c in r.classes):
        lines.append("* spóźnienie — szczegóły w informacji zwrotnej (--format markdown)")
    return "\n".join(lines) + "\n"


def _repository_table(result: RepoResult) -> str:
    lines = [f"Repozytorium: {result.repository}" + _commit(result.graded_commit)]
    if result.error:
        return "\n".join([*lines, f"Nie oceniono: {result.error}"]) + "\n"
    width = max(len(f"{c.id} {c.title}") for c in result.classes) if result.classes else 10
    for spec in result.classes:
        skipped = sum((k.max for k in spec.checks if k.status == "skipped"), Decimal(0))
        failed = [k.id for k in spec.checks if k.status in ("fail", "timeout")]
        broken = [k.id for k in spec.checks if k.status == "error"]
        note = f"  nie oceniono: {pl(skipped)}" if skipped else ""
        note += f"  do poprawy: {', '.join(failed)}" if failed else ""
        note += f"  błąd narzędzia: {', '.join(broken)}" if broken else ""
        note += f"  spóźnienie: {spec.late}" if spec.late else ""
        lines.append(
            f"{spec.id} {spec.title:<{width - 3}} {pl(spec.points):>5} / {pl(spec.max):<3}{note}"
        )
    lines.append(_total_line(result))
    if result.project_problems:
        count = plural(len(result.project_problems), "problem", "problemy", "problemów")
        lines.append(f"projekt.yaml: {count} — szczegóły: --check-project albo --format markdown")
    lines += [f"Uwaga: {note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def _total_line(result: RepoResult) -> str:
    line = f"Razem: {pl(result.total)} / {pl(result.max)} pkt"
    outside = result.max - result.evaluated_max
    if outside:
        line += (
            f" — w tej ocenie sprawdzono {pl(result.evaluated_max)} pkt, resztę "
            f"({pl(outside)} pkt) sprawdza tryb --run (nie oceniono)"
        )
    line += f"; w skali 100: {pl(result.score_100)}"
    errors = [k.id for c in result.classes for k in c.checks if k.status == "error"]
    if errors:
        line += f"\nBłędy narzędzia oceniania (punkty wstrzymane): {', '.join(errors)}"
    return line


def markdown(result: RepoResult) -> str:
    """Feedback for the student (Polish): per class what passed, what failed and how to
    fix it, with the evidence and the command to check again."""
    out = [f"# Informacja zwrotna — {result.repository}", ""]
    if result.error:
        return "\n".join([*out, f"Repozytorium nie zostało ocenione: {result.error}", ""])
    out += [
        f"**Wynik: {pl(result.total)} / {pl(result.max)} pkt** "
        f"(w skali 100: {pl(result.score_100)}).",
        "",
    ]
    outside = result.max - result.evaluated_max
    if outside:
        out += [
            f"Ocena statyczna objęła sprawdzenia za {pl(result.evaluated_max)} pkt; "
            f"resztę ({pl(outside)} pkt) sprawdza tryb `--run`, uruchamiając Twój kod "
            "(oznaczone ⏭️ — nie oceniono).",
            "",
        ]
    if result.graded_commit:
        out += [f"Oceniony commit: `{result.graded_commit}`.", ""]
    for note in result.notes:
        out.append(f"> {note}")
    if result.notes:
        out.append("")
    if result.project_problems:
        out += ["## Problemy w `projekt.yaml`", ""]
        out += [f"- {problem}" for problem in result.project_problems.values()]
        out.append("")
    for spec in result.classes:
        header = f"## Zajęcia {spec.id} — {spec.title}: {pl(spec.points)} / {pl(spec.max)} pkt"
        out += [header, ""]
        if spec.graded_commit and spec.graded_commit != result.graded_commit:
            out += [f"Oceniony commit zajęć: `{spec.graded_commit}`.", ""]
        if spec.late:
            out += [f"> Spóźnienie: {spec.late}", ""]
        out += [check_markdown(check) for check in spec.checks]
        out.append("")
    out += [
        "## Jak sprawdzić ponownie",
        "",
        "W katalogu głównym repozytorium (po `make test`, który przygotowuje środowisko):",
        "",
        "```bash",
        *recheck_commands(result),
        "```",
        "",
    ]
    return "\n".join(out)


def recheck_commands(result: RepoResult) -> list[str]:
    """The commands a student runs to check again: the static grading, and, when a run-mode
    check was evaluated and lost points, the run mode for every class up to the last such
    one — a pipeline stage's check needs the earlier classes' runs in the same grading."""
    failed = [
        spec.id
        for spec in result.classes
        if any(check.mode == "run" and check.status in LOST for check in spec.checks)
    ]
    if not failed:
        return [RECHECK]
    classes = [spec.id for spec in result.classes if spec.id <= max(failed)]
    return [
        f"{RECHECK}   # sprawdzenia statyczne (sekundy)",
        f"{RECHECK} --run --classes {','.join(classes)}   # z uruchomieniem Twojego kodu",
    ]


def check_markdown(check: CheckResult) -> str:
    """One check of the feedback: a list item with its points, status, message and evidence;
    the message's own lines are indented under it."""
    line = (
        f"- {SYMBOLS[check.status]} **{check.id}** ({pl(check.points)} / {pl(check.max)} pkt, "
        # A message's own list ("Do poprawy:" and its items) nests under the check's item.
        f"{STATUS_PL[check.status]}): {check.message.replace(chr(10), chr(10) + '  ')}"
    )
    for evidence in check.evidence:
        where = evidence.file or evidence.command or ""
        if evidence.line:
            where += f":{evidence.line}"
        if evidence.cell:
            where += f", komórka {evidence.cell}"
        line += f"\n  - dowód: `{where}`" if where else "\n  - dowód:"
        if evidence.excerpt:
            excerpt = evidence.excerpt.replace("`", "'").replace("\n", " ")[:200]
            line += f" — `{excerpt}`"
    return line


def gradebook(results: Sequence[RepoResult]) -> str:
    """CSV, one row per repository sorted by name: points per class, total, status and
    the graded commits (``01=sha …`` when classes were graded at different commits)."""
    ids = sorted({c.id for r in results for c in r.classes})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "repository",
            "status",
            *ids,
            "total",
            "max",
            "score_100",
            "evaluated_max",
            "graded_commit",
            "class_commits",
            "late",
            "errors",
        ]
    )
    for result in sorted(results, key=lambda r: r.repository):
        points = {c.id: str(c.points) for c in result.classes}
        commits = {c.id: c.graded_commit for c in result.classes}
        differ = len(set(commits.values())) > 1
        writer.writerow(
            [
                result.repository,
                result.status,
                *(points.get(i, "") for i in ids),
                "" if result.error else str(result.total),
                str(result.max),
                "" if result.error else str(result.score_100),
                str(result.evaluated_max),
                result.graded_commit or "",
                " ".join(f"{i}={c or '-'}" for i, c in commits.items()) if differ else "",
                " ".join(c.id for c in result.classes if c.late),
                result.error
                or " ".join(k.id for c in result.classes for k in c.checks if k.status == "error"),
            ]
        )
    return buffer.getvalue()


def gradescope(result: RepoResult) -> str:
    """Gradescope's ``results.json``: the total as ``score`` and one test per check.
    Not evaluated checks are listed without ``max_score`` or status, never as passed."""
    tests = []
    for spec in result.classes:
        for check in spec.checks:
            test = {
                "name": f"{check.id}",
                "number": check.id,
                "output": check.message,
                "visibility": "visible",
            }
            if check.status in ("skipped", "error"):
                # Not evaluated, or the grader broke: no verdict and no points at stake.
                test["score"] = 0.0
            else:
                test |= {
                    "score": float(check.points),
                    "max_score": float(check.max),
                    "status": "passed" if check.status == "pass" else "failed",
                }
            tests.append(test)
        adjustment = _adjustment(spec)
        if adjustment:
            points, reason = adjustment
            tests.append(
                {
                    "name": f"{spec.id}.korekta",
                    "number": f"{spec.id}.korekta",
                    "score": float(points),
                    "output": reason,
                    "visibility": "visible",
                }
            )
    document = {
        "score": float(result.total),
        "output": "\n".join(
            [
                f"Wynik: {pl(result.total)} / {pl(result.max)} pkt"
                + (f". {result.error}" if result.error else ""),
                *result.notes,
            ]
        ),
        "visibility": "visible",
        "tests": tests,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def classroom(result: RepoResult) -> str:
    """GitHub Classroom's autograding result: the JSON a runner step hands, base64-encoded,
    to ``classroom-resources/autograding-grading-reporter`` (its ``<RUNNER>_RESULTS``).

    Shape (version 1 of the reporter's format): ``status`` ``pass`` / ``fail`` /
    ``error``, ``max_score`` and one test per evaluated check with its ``score``; the
    reporter adds the tests' scores up as the points Classroom records. Checks not
    evaluated (run mode on a push) are left out of the tests and of ``max_score``.
    """
    tests = []
    for spec in result.classes:
        for check in spec.checks:
            if check.status == "skipped":
                continue
            tests.append(
                {
                    "name": check.id,
                    "status": {"pass": "pass", "error": "error"}.get(check.status, "fail"),
                    "score": float(check.points),
                    "message": check.message,
                    "line_no": 0,
                    "execution_time": "",
                }
            )
        adjustment = _adjustment(spec)
        if adjustment:
            points, reason = adjustment
            tests.append(
                {
                    "name": f"{spec.id}.korekta",
                    "status": "fail" if points < 0 else "pass",
                    "score": float(points),
                    "message": reason,
                    "line_no": 0,
                    "execution_time": "",
                }
            )
    if result.error or any(test["status"] == "error" for test in tests):
        status = "error"
    else:
        status = "pass" if all(test["status"] == "pass" for test in tests) else "fail"
    document = {
        "version": 1,
        "status": status,
        "max_score": float(result.evaluated_max),
        "tests": tests,
    }
    return json.dumps(document, ensure_ascii=False) + "\n"


def _adjustment(spec: ClassResult) -> tuple[Decimal, str] | None:
    """A class's points beyond its checks' sum (a late penalty or an instructor's class
    override) and why, or None: the platforms show it as a test of its own, so that the
    tests add up to the score."""
    adjustment = spec.points - sum((check.points for check in spec.checks), Decimal(0))
    if not adjustment:
        return None
    return adjustment, spec.late or "korekta prowadzącego wyniku zajęć (zob. uwagi)"


def _commit(sha: str | None) -> str:
    return f" (commit {sha[:12]})" if sha else " (bez git)"


def _problem(result: RepoResult) -> str:
    if result.error:
        return f"nie oceniono: {result.error}"
    return "błędy narzędzia w sprawdzeniach — zob. JSON"
