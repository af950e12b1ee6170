"""``make gradescope``: the autograder zip to upload to Gradescope.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh`` from there
once and copies ``run_autograder`` to ``/autograder/``. The zip holds those two at its
top and the repository at the commit checked out (``git archive HEAD``, so nothing
uncommitted or generated) under ``repo/``: the grader, its rubric and the lock file its
environment is installed from.

Usage: ``python -m grading.gradescope.build OUT.zip``.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCRIPTS = ("setup.sh", "run_autograder")
EXECUTABLE = 0o755 << 16  # Unix mode in the zip's external attributes


def build(out: Path, root: Path = ROOT) -> Path:
    """Write the autograder zip to ``out`` (atomically) and return it.

    Raises:
        ValueError: ``root`` is not a git repository with a commit (the message in Polish).
    """
    command = ["git", "-C", str(root), "archive", "--format=tar", "HEAD"]
    archived = subprocess.run(command, capture_output=True)
    if archived.returncode != 0:
        problem = archived.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ValueError(
            f"{root} nie jest repozytorium git z commitem (git archive: "
            f"{problem[0] if problem else '?'}) — paczka bierze pliki z ostatniego commita"
        )
    archive = archived.stdout
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name in SCRIPTS:
            info = zipfile.ZipInfo(name)
            info.external_attr = EXECUTABLE
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, (HERE / name).read_bytes())
        with tarfile.open(fileobj=io.BytesIO(archive)) as tree:
            for member in tree:
                if not member.isfile():
                    continue
                info = zipfile.ZipInfo(f"repo/{member.name}", time.gmtime(member.mtime)[:6])
                info.external_attr = (member.mode & 0o777) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(info, tree.extractfile(member).read())
    partial.replace(out)
    return out


def uncommitted(root: Path = ROOT) -> list[str]:
    """Lines of ``git status --short`` for ``root``: changes the zip, made from the last
    commit, does not have."""
    status = ["git", "-C", str(root), "status", "--short", "--untracked-files=no"]
    return subprocess.run(status, capture_output=True, text=True).stdout.splitlines()


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if len(arguments) != 1:
        print("Użycie: python -m grading.gradescope.build PLIK.zip", file=sys.stderr)
        return 2
    try:
        out = build(Path(arguments[0]), ROOT)
    except ValueError as error:
        print(f"Błąd: {error}", file=sys.stderr)
        return 1
    print(f"Autograder Gradescope: {out} — wgraj go w Configure Autograder → Zip file")
    if changed := uncommitted(ROOT):
        print(
            f"Uwaga: zmiany niezatwierdzone (liczba plików: {len(changed)}, np. "
            f"{changed[0].strip()}) nie weszły do paczki — ona bierze ostatni commit."
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
