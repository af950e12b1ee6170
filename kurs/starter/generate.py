"""``make starter DEST=…``: the student's repository, generated from the reference.

Usage::

    .venv/bin/python -m kurs.starter ../mlops-student     # the folder must not exist or be empty

Every file git tracks goes through :mod:`.rules`: left out, dropped as an output of the
student's work, or copied with its solution regions replaced by their stubs. Then ruff
removes the imports only the solutions used and formats the skeletons, and every Python
file must still compile. The folder is written beside ``DEST`` and renamed into place at
the end, so a failed generation leaves nothing half-written.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from kurs.cli import PolishArgumentParser
from kurs.exit_codes import ERROR, INTERRUPTED, OK
from kurs.repository import REPO_ROOT
from kurs.starter.markers import ANY_MARKER, MarkerError, strip_solutions
from kurs.starter.notebooks import strip_notebook
from kurs.starter.rules import kind, rule


class StarterError(RuntimeError):
    """The starter could not be generated; the message says why, in Polish."""


def _git_paths(source: Path, *arguments: str) -> list[str]:
    """The paths a ``git … -z`` listing in ``source`` prints (POSIX, relative to it).

    Raises:
        StarterError: ``source`` is not a git repository (a copy without ``.git``).
    """
    listing = subprocess.run(
        ["git", "-C", str(source), *arguments, "-z"], capture_output=True, text=True
    )
    if listing.returncode != 0:
        raise StarterError(
            f"{source} nie jest repozytorium git (git {arguments[0]}: "
            f"{listing.stderr.strip().splitlines()[0] if listing.stderr.strip() else '?'}) — "
            "starter powstaje z plików, które git śledzi: użyj klonu wzorca (git clone)"
        )
    return [path for path in listing.stdout.split("\0") if path]


def tracked_files(source: Path) -> list[str]:
    """The files git tracks in ``source`` that exist in its working tree (POSIX paths)."""
    return sorted(path for path in _git_paths(source, "ls-files") if (source / path).is_file())


def transform(path: str, data: bytes) -> bytes:
    """The starter's content of the reference file ``path`` with content ``data``.

    Raises:
        MarkerError: markers that do not pair up.
        StarterError: a marker left in a file whose kind has no markers (JSON, a binary).
    """
    file_kind = kind(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    if file_kind == "notebook":
        return strip_notebook(text, path).encode("utf-8")
    stripped = strip_solutions(text, path, file_kind)
    if ANY_MARKER.search(stripped):
        raise StarterError(f"{path}: znacznik rozwiązania w miejscu, którego generator nie zna")
    return stripped.encode("utf-8")


def _ruff(dest: Path) -> None:
    ruff = Path(sys.executable).parent / "ruff"
    # The skeletons no longer use some imports (F401) and end up in a different shape;
    # the starter's own `make lint` must pass from the first commit.
    # No cache: it would be a folder of ruff's in the student's repository.
    for arguments in (["check", "--fix-only"], ["format"]):
        subprocess.run([str(ruff), *arguments, "--quiet", "--no-cache", "."], cwd=dest, check=True)
    result = subprocess.run(
        [str(ruff), "check", "--quiet", "--no-cache", "."], cwd=dest, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise StarterError("ruff check w starterze nie przechodzi:\n" + result.stdout)


def _compiles(dest: Path) -> None:
    for file in sorted(dest.rglob("*.py")):
        try:
            compile(file.read_text(encoding="utf-8"), str(file), "exec")
        except SyntaxError as error:
            raise StarterError(
                f"{file.relative_to(dest)}:{error.lineno}: szkielet nie jest poprawnym "
                f"Pythonem ({error.msg}) — sprawdź znaczniki rozwiązania"
            ) from error


def generate(dest: Path, source: Path = REPO_ROOT) -> Counter[str]:
    """Write the starter of the repository ``source`` to ``dest``.

    Returns:
        How many files went which way: ``copy`` (written), ``output`` and ``leave`` (the
        rules), ``solution`` (nothing left once the solution regions were stripped).

    Raises:
        StarterError: ``dest`` is not empty, ``source`` is not a git repository, or the
            skeletons do not compile or pass ruff.
        MarkerError: markers that do not pair up, with the file and line.
    """
    dest = dest.resolve()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise StarterError(f"{dest} istnieje i nie jest pustym folderem")
    if dest.is_relative_to(source.resolve()):
        # Its tests would be collected with the reference's, its files shown as untracked.
        raise StarterError(f"{dest} leży w repozytorium wzorcowym — wskaż folder poza nim")
    dest.parent.mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=f".{dest.name}.") as temporary:
        build = Path(temporary) / "starter"
        for path in tracked_files(source):
            taken = rule(path)
            content = transform(path, (source / path).read_bytes()) if taken == "copy" else b""
            if taken == "copy" and not content.strip():
                # A file that is solution from top to bottom (a test of the reference's
                # own outputs) is not in the starter at all.
                taken = "solution"
            counts[taken] += 1
            if taken != "copy":
                continue
            target = build / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            shutil.copymode(source / path, target)
        _compiles(build)
        _ruff(build)
        if dest.exists():
            dest.rmdir()
        build.rename(dest)
    return counts


def uncommitted(source: Path) -> list[str]:
    """Tracked files of ``source`` changed since its last commit: the starter takes the
    working tree, so their changes are in it."""
    return _git_paths(source, "diff", "HEAD", "--name-only")


def untracked(source: Path) -> list[str]:
    """Files of ``source`` git does not track (and does not ignore): not in the starter."""
    return _git_paths(source, "ls-files", "--others", "--exclude-standard")


def main(argv: Sequence[str] | None = None) -> int:
    parser = PolishArgumentParser(
        prog="python -m kurs.starter",
        description="Repozytorium startowe dla studentów: szkielety zamiast rozwiązań.",
    )
    parser.add_argument("dest", type=Path, help="folder docelowy (nie istnieje albo pusty)")
    arguments = parser.parse_args(argv)
    try:
        counts = generate(arguments.dest)
    except (StarterError, MarkerError) as error:
        print(f"Błąd: {error}", file=sys.stderr)
        return ERROR
    except KeyboardInterrupt:  # the folder is renamed into place only at the end
        print(f"Przerwano — w {arguments.dest} nic nie zapisano.", file=sys.stderr)
        return INTERRUPTED
    print(
        f"Starter w {arguments.dest}, liczba plików: {counts['copy']}. Pominięte: wyniki "
        f"pracy studenta ({counts['output']}), pliki całe będące rozwiązaniem "
        f"({counts['solution']}), pliki tylko dla autorów i prowadzącego ({counts['leave']})."
    )
    if changed := uncommitted(REPO_ROOT):
        print(
            f"Uwaga: pliki wzorca ze zmianami niezatwierdzonymi (liczba: {len(changed)}, np. "
            f"{changed[0]}) weszły do startera w obecnym stanie."
        )
    if new := untracked(REPO_ROOT):
        print(
            f"Uwaga: pliki wzorca, których git nie śledzi (liczba: {len(new)}, np. {new[0]}), "
            "nie weszły do startera — dodaj je (git add), jeśli mają w nim być."
        )
    print(
        f"Dalej: cd {shlex.quote(str(arguments.dest))} && git init -b main && git add -A && "
        "git commit -m 'Repozytorium startowe' — potem repozytorium-szablon w GitHub "
        "Classroom (README.md, rozdział dla prowadzącego)."
    )
    return OK
