"""``python -m grading PATH…``: grade repositories, print one format, write them all.

Exit codes (:class:`ExitCode`): 0 every repository graded; 1 some repository or check
could not be graded (the grader's own error — look at the JSON); 2 wrong command line;
3 the rubric is invalid; 4 a deadlines or overrides file is invalid; 5 ``--check-project``
found problems in ``projekt.yaml``.

A batch (several paths or ``--jobs`` > 1) grades each repository in its own process with a
time limit, ``--jobs`` at a time: a repository that crashes or hangs its process becomes an
``error`` row and the batch goes on. With ``--out``, a repository whose graded commit,
rubric and grader version are unchanged since the stored automatic result
(``OUT/.automatic/``) is not graded again; with ``--deadlines`` every repository is graded
again (the result depends on the deadlines and on today's date). Overrides are applied
last, in this process, to automatic results.

``--similarity`` (a batch with ``--out``) then compares the repositories' work pairwise
(:mod:`grading.similarity`) and writes ``podobienstwo.csv`` and ``podobienstwo.md`` beside
the gradebook; ``--similarity-only`` compares without grading. Either reads the
repositories' files as they are in the folder — also with ``--run``, which grades copies,
and with ``--deadlines`` — and never changes a grade or the exit code.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from enum import IntEnum
from pathlib import Path

from grading import GRADER_VERSION, formats, git, sandbox, similarity
from grading.arguments import Parser
from grading.deadlines import Deadlines, grade_with_deadlines, load_deadlines
from grading.engine import RepoResult, grade_repository, result_from_dict
from grading.model import InputError
from grading.overrides import apply_overrides, load_overrides
from grading.polish import pl, plural
from grading.project import PROJECT_FILE, load_project
from grading.repo_files import RepoFiles
from grading.rubric import Rubric, RubricError, load_rubric
from grading.runs import DEFAULT_BUDGET_S, RunSettings, session_prefix

FORMATS = ("table", "json", "markdown", "csv", "gradescope", "classroom")
REPO_TIMEOUT_S = 300
# A run-mode worker gets its budget plus this margin before the batch gives up on it.
RUN_MARGIN_S = 120
PACKAGE_ROOT = Path(__file__).resolve().parents[1]


class ExitCode(IntEnum):
    OK = 0
    NOT_GRADED = 1
    USAGE = 2
    BAD_RUBRIC = 3
    BAD_INPUT = 4
    BAD_PROJECT = 5


def parser() -> Parser:
    p = Parser(
        prog="kurs-grade",
        description="Ocenia repozytoria studentów według rubryki kursu (grading/rubric.yaml).",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="ŚCIEŻKA", help="repozytorium studenta")
    p.add_argument(
        "--format", choices=FORMATS, default="table", help="co wypisać na ekran (domyślnie: table)"
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="FOLDER",
        help="zapisz wszystkie wyniki: JSON, Markdown i results.json na repozytorium, "
        "gradebook.csv",
    )
    p.add_argument(
        "--jobs",
        type=_positive,
        default=1,
        metavar="N",
        help="ile repozytoriów oceniać naraz (domyślnie 1)",
    )
    p.add_argument("--deadlines", type=Path, metavar="PLIK", help="terminy zajęć (YAML)")
    p.add_argument("--overrides", type=Path, metavar="PLIK", help="korekty prowadzącego (YAML)")
    p.add_argument(
        "--classes", type=_class_ids, metavar="NN,NN", help="tylko te zajęcia, np. 01,02"
    )
    p.add_argument(
        "--check-project", action="store_true", help=f"tylko sprawdź {PROJECT_FILE} i zakończ"
    )
    p.add_argument(
        "--run",
        action="store_true",
        help="tryb uruchomieniowy: wykonaj notebooki, DAG-i, API i testy studenta w piaskownicy",
    )
    p.add_argument(
        "--budget",
        type=_minutes,
        default=DEFAULT_BUDGET_S // 60,
        metavar="MIN",
        help="limit czasu trybu --run na repozytorium w minutach "
        f"(domyślnie {DEFAULT_BUDGET_S // 60})",
    )
    p.add_argument(
        "--similarity",
        action="store_true",
        help=f"po ocenie porównaj prace partii parami: {similarity.CSV_FILE} i "
        f"{similarity.MARKDOWN_FILE} w folderze --out",
    )
    p.add_argument(
        "--similarity-only",
        action="store_true",
        help="tylko porównaj prace partii, bez oceniania (wyniki jak przy --similarity)",
    )
    p.add_argument(
        "--similarity-threshold",
        type=_share,
        metavar="PRÓG",
        help="od jakiego wyniku kategorii para jest do sprawdzenia, od 0 do 1 "
        f"(domyślnie {pl(Decimal(str(similarity.THRESHOLD)))})",
    )
    p.add_argument(
        "--reference",
        type=Path,
        metavar="FOLDER",
        help="repozytorium wzorcowe, którego tekst jest odejmowany przy --similarity "
        "(domyślnie to, z którego pochodzi narzędzie)",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    missing = [str(path) for path in args.paths if not path.is_dir()]
    if missing:
        print(f"nie ma takiego folderu (albo to plik): {', '.join(missing)}", file=sys.stderr)
        return ExitCode.USAGE
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        print(f"--out: {args.out} jest plikiem, a powinien być folderem na wyniki", file=sys.stderr)
        return ExitCode.USAGE
    problem = _similarity_problem(args)
    if problem:
        print(problem, file=sys.stderr)
        return ExitCode.USAGE
    if args.check_project:
        return _check_project(args.paths)
    if args.similarity_only:
        _compare(args)
        return ExitCode.OK
    if args.run and args.deadlines:
        # Each deadline's snapshot would need its own pipeline and budget: not yet.
        print(
            "--run razem z --deadlines nie jest jeszcze obsługiwane: oceń terminy statycznie, "
            "a tryb --run na stanie repozytorium z terminu (git checkout)",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    try:
        rubric = load_rubric()
    except RubricError as error:
        print(error, file=sys.stderr)
        return ExitCode.BAD_RUBRIC
    unknown = set(args.classes or ()) - {c.id for c in rubric.classes}
    if unknown:
        print(f"nieznane zajęcia: {', '.join(sorted(unknown))}", file=sys.stderr)
        return ExitCode.USAGE
    try:
        deadlines = (
            load_deadlines(args.deadlines, [c.id for c in rubric.classes])
            if args.deadlines
            else None
        )
        overrides = load_overrides(args.overrides, rubric) if args.overrides else []
    except InputError as error:
        print(error, file=sys.stderr)
        return ExitCode.BAD_INPUT
    started = time.monotonic()
    results = _grade_all(args, rubric, deadlines)
    if args.out and deadlines is None:
        # Results under deadlines depend on the date: never reused, so not kept for it.
        for result in results:
            _write(_automatic(args.out, result.repository), formats.as_json(result))
    try:
        for warning in apply_overrides(results, overrides):
            print(f"korekty: {warning}", file=sys.stderr)
    except InputError as error:
        print(f"{args.overrides}: {error}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    if args.out:
        _write_all(args.out, results)
    _print(args.format, results, rubric)
    if args.similarity:
        _compare(args)
    errors = [r.repository for r in results if r.status == "error"]
    if len(results) > 1 or args.jobs > 1:
        took = f"{time.monotonic() - started:.1f}".replace(".", ",")
        print(
            f"Ocenione repozytoria: {len(results)} w {took} s; "
            f"z błędami: {len(errors)}" + (f" ({', '.join(errors)})" if errors else ""),
            file=sys.stderr,
        )
    return ExitCode.NOT_GRADED if errors else ExitCode.OK


def _grade_all(
    args: argparse.Namespace, rubric: Rubric, deadlines: Deadlines | None
) -> list[RepoResult]:
    """One repository in this process (its main thread, where a check's time limit
    works); several, or ``--jobs`` > 1, each in a child process, ``--jobs`` at a time."""
    names = _unique_names(args.paths)
    if len(args.paths) == 1 and args.jobs == 1:
        return [_grade_one(args.paths[0], names[0], args, rubric, False, deadlines)[0]]
    results = []
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [
            pool.submit(_grade_one, path, name, args, rubric, True, deadlines)
            for path, name in zip(args.paths, names, strict=True)
        ]
        for index, future in enumerate(futures, start=1):
            result, reused = future.result()
            results.append(result)
            state = (
                "bez zmian, wynik zapisany wcześniej"
                if reused
                else f"{pl(result.total)} / {pl(result.max)}"
                + (" — BŁĄD" if result.status == "error" else "")
            )
            print(f"[{index}/{len(futures)}] {result.repository}: {state}", file=sys.stderr)
    return results


def _grade_one(
    path: Path,
    name: str,
    args: argparse.Namespace,
    rubric: Rubric,
    batch: bool,
    deadlines: Deadlines | None,
) -> tuple[RepoResult, bool]:
    reuse = args.out is not None and deadlines is None
    wanted = [c.id for c in rubric.classes if not args.classes or c.id in args.classes]
    mode = "run" if args.run else "static"
    stored = (
        _stored(_automatic(args.out, name), path, rubric.sha256, wanted, mode) if reuse else None
    )
    if stored is not None:
        return stored, True
    run = RunSettings(budget_s=args.budget * 60) if args.run else None
    if batch:
        result = _grade_in_child(path, args)
    elif deadlines is not None:
        result = grade_with_deadlines(path, rubric, deadlines, args.classes)
    else:
        result = grade_repository(path, rubric, args.classes, run)
    result.repository = name
    return result, False


def child_command(path: Path, args: argparse.Namespace) -> list[str]:
    """The command grading ``path`` in a fresh interpreter: ``-P`` and the grader's own
    folder as the working directory, so that no ``grading/`` of a student is imported."""
    command = [sys.executable, "-P", "-m", "grading", str(path.resolve()), "--format", "json"]
    if args.classes:
        command += ["--classes", ",".join(args.classes)]
    if args.deadlines:
        command += ["--deadlines", str(args.deadlines.resolve())]
    if args.run:
        command += ["--run", "--budget", str(args.budget)]
    return command


def _grade_in_child(path: Path, args: argparse.Namespace) -> RepoResult:
    """Grade ``path`` in a fresh interpreter with a time limit; its crash or hang is this
    repository's error, not the batch's."""
    command = child_command(path, args)
    worker = secrets.token_hex(6)
    env = {**os.environ, "PYTHONPATH": str(PACKAGE_ROOT), sandbox.WORKER: worker}
    limit = round(args.budget * 60) + RUN_MARGIN_S if args.run else REPO_TIMEOUT_S
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=limit,
            cwd=PACKAGE_ROOT,
            env=env,
            check=False,
        )
        return result_from_dict(json.loads(done.stdout))
    except subprocess.TimeoutExpired:
        # The worker is gone; what it ran in the sandbox lives in sessions of its own, and
        # its folders stay unless removed here.
        sandbox.kill_marked(worker)
        for folder in Path(tempfile.gettempdir()).glob(f"{session_prefix(worker)}*"):
            shutil.rmtree(folder, ignore_errors=True)
        reason = f"ocena przekroczyła {limit} s"
    except (json.JSONDecodeError, KeyError, ValueError):
        reason = f"proces oceny zakończył się kodem {done.returncode}: {done.stderr[-500:]}"
    result = RepoResult(path.resolve().name, str(path), "")
    result.error = reason
    return result


def _automatic(out: Path, name: str) -> Path:
    """Where the automatic result of ``name`` (before overrides) is kept for re-runs."""
    return out / ".automatic" / f"{name}.json"


def _stored(
    stored: Path, path: Path, rubric_sha256: str, classes: list[str], mode: str
) -> RepoResult | None:
    """The automatic result stored at ``stored`` when it graded the same ``classes`` of
    the same clean commit with the same rubric, grader and mode (static or run); None
    otherwise (a folder without git is always graded again)."""
    commit = git.head(path)
    if commit is None or not stored.is_file() or not git.is_clean(path):
        return None
    try:
        data = json.loads(stored.read_text(encoding="utf-8"))
        same = (
            data.get("graded_commit") == commit
            and data.get("rubric_sha256") == rubric_sha256
            and data.get("grader_version") == GRADER_VERSION
            and data.get("status") == "graded"
            and data.get("mode") == mode
            and [c.get("id") for c in data.get("classes", [])] == classes
        )
        return result_from_dict(data) if same else None
    except (OSError, ValueError, KeyError):
        return None


def _write_all(out: Path, results: list[RepoResult]) -> None:
    """Every output of ``results`` in ``out``; the gradebook also keeps the rows of the
    repositories graded into ``out`` earlier and not in this run."""
    out.mkdir(parents=True, exist_ok=True)
    for result in results:
        _write(out / f"{result.repository}.json", formats.as_json(result))
        _write(out / f"{result.repository}.md", formats.markdown(result))
        _write(out / result.repository / "results.json", formats.gradescope(result))
    graded = {r.repository for r in results}
    earlier = []
    for stored in sorted(out.glob("*.json")):
        if stored.stem not in graded:
            try:
                earlier.append(result_from_dict(json.loads(stored.read_text(encoding="utf-8"))))
            except (OSError, ValueError, KeyError):
                print(f"pominięty w arkuszu (nieczytelny): {stored}", file=sys.stderr)
    _write(out / "gradebook.csv", formats.gradebook([*results, *earlier]))


def _write(path: Path, text: str) -> None:
    """Atomic write: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as handle:
        handle.write(text)
    # NamedTemporaryFile creates 0600; results are for the instructor's group to read.
    Path(handle.name).chmod(0o644)
    Path(handle.name).replace(path)


def _print(kind: str, results: list[RepoResult], rubric: Rubric) -> None:
    if kind == "table":
        text = formats.table(results, [c.id for c in rubric.classes])
    elif kind == "csv":
        text = formats.gradebook(results)
    elif kind == "json":
        text = (
            "".join(formats.as_json(r) for r in results)
            if len(results) == 1
            else (json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2) + "\n")
        )
    elif kind == "markdown":
        text = "\n".join(formats.markdown(r) for r in results)
    elif kind == "classroom":
        text = "".join(formats.classroom(r) for r in results)
    else:
        text = "".join(formats.gradescope(r) for r in results)
    sys.stdout.write(text)


def _similarity_problem(args: argparse.Namespace) -> str | None:
    """Why the similarity options of ``args`` cannot run (Polish), or None."""
    if not (args.similarity or args.similarity_only):
        used = [
            name
            for name, value in (
                ("--similarity-threshold", args.similarity_threshold),
                ("--reference", args.reference),
            )
            if value is not None
        ]
        return f"{', '.join(used)} działa tylko z --similarity" if used else None
    flag = "--similarity-only" if args.similarity_only else "--similarity"
    conflicts = [
        name
        for name, used in (
            ("--similarity", args.similarity and args.similarity_only),
            ("--check-project", args.check_project),
            ("--run", args.similarity_only and args.run),
            ("--deadlines", args.similarity_only and args.deadlines),
            ("--overrides", args.similarity_only and args.overrides),
            ("--classes", args.similarity_only and args.classes),
        )
        if used
    ]
    if conflicts:
        return f"{flag} nie łączy się z {', '.join(conflicts)}"
    if len(args.paths) < 2:
        return (
            f"{flag} porównuje prace partii parami: podaj co najmniej dwa repozytoria (np. grupa/*)"
        )
    if args.out is None:
        return (
            f"{flag} zapisuje {similarity.CSV_FILE} i {similarity.MARKDOWN_FILE}: "
            "podaj folder wyników --out FOLDER"
        )
    if args.reference is not None and not args.reference.is_dir():
        return f"--reference: nie ma takiego folderu: {args.reference}"
    return None


def _compare(args: argparse.Namespace) -> None:
    """Compare the batch's work and write both outputs into ``args.out``; one line on
    the terminal."""
    compared = similarity.compare(
        list(zip(_unique_names(args.paths), args.paths, strict=True)),
        args.reference or PACKAGE_ROOT,
        args.similarity_threshold or similarity.THRESHOLD,
    )
    if compared.reference.empty:
        print(
            f"podobieństwo: we wzorcu {compared.reference.root} nie ma plików zajęć — nic nie "
            "zostało odjęte; podaj --reference",
            file=sys.stderr,
        )
    _write(args.out / similarity.CSV_FILE, similarity.as_csv(compared))
    _write(args.out / similarity.MARKDOWN_FILE, similarity.as_markdown(compared))
    print(
        f"{similarity.summary(compared)}; zapisano {args.out / similarity.MARKDOWN_FILE}",
        file=sys.stderr,
    )


def _check_project(paths: list[Path]) -> int:
    worst = ExitCode.OK
    for path in paths:
        project = load_project(RepoFiles(path))
        if not project.found:
            print(f"{path}: brak pliku {PROJECT_FILE}")
            worst = ExitCode.BAD_PROJECT
        elif project.problems:
            count = plural(len(project.problems), "problem", "problemy", "problemów")
            print(f"{path}/{PROJECT_FILE}: {count}:")
            for problem in project.problems.values():
                print(f"- {problem}")
            worst = ExitCode.BAD_PROJECT
        else:
            print(f"{path}/{PROJECT_FILE}: poprawny")
        if project.missing:
            print(
                f"Ścieżki, których jeszcze nie ma ({len(project.missing)}) — to nie błąd, dopóki "
                "zajęcia nie są oddane:"
            )
            for entry in project.missing:
                print(f"- {entry}")
    return worst


def _unique_names(paths: list[Path]) -> list[str]:
    """Each repository's folder name; a repeated name gets ``-2``, ``-3``…"""
    names: list[str] = []
    for path in paths:
        base = path.resolve().name or "repozytorium"
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base}-{n}"
        names.append(name)
    return names


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} to nie liczba całkowita") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"musi być ≥ 1, jest {value}")
    return value


def _minutes(text: str) -> float:
    """A positive number of minutes, with a decimal point or a Polish comma: ``0,5``."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} to nie liczba minut") from None
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"musi być liczbą > 0, jest {text}")
    return value


def _share(text: str) -> float:
    """A number from 0 (exclusive) to 1, with a decimal point or a Polish comma."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} to nie liczba") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"musi być większy od 0 i nie większy niż 1, jest {text}")
    return value


def _class_ids(text: str) -> list[str]:
    """``01,02`` or ``1,2`` → ``["01", "02"]``."""
    ids = [part.strip() for part in text.split(",") if part.strip()]
    if not ids or not all(part.isdigit() for part in ids):
        raise argparse.ArgumentTypeError(f"{text!r}: podaj numery zajęć po przecinku, np. 01,02")
    return [f"{int(part):02d}" for part in ids]
