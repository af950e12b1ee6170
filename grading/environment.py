"""The Python environment a student's code runs in: the grader's own, minus the grader.

The run mode executes a student's commands (``.venv/bin/python -m …``, ``gunicorn …``)
with the packages the course pins in ``uv.lock`` — the ones the grader's environment
holds — and never with a student's ``.venv``, which could carry a patched pytest. The
grader's environment cannot be used as it is: it has this repository installed in
editable mode (a ``.pth`` file putting the reference on ``sys.path``), so a student's
missing ``zajecia_05_model`` would be imported from the reference and pass.

:func:`sandbox_environment` builds a *shadow* virtual environment next to the workspace:
the same interpreter and the same installed packages (symbolic links, so it takes a few
milliseconds and no disk), without any ``.pth`` file that adds a folder of the grader's
checkout, and with console scripts (``gunicorn``, ``pytest``, ``kurs-registry``…) whose
``#!`` line points at the shadow interpreter. The repository copy gets it as ``.venv``.
"""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

# Where the grader's own files are: a path .pth pointing here or below is left out.
GRADER_CHECKOUT = Path(__file__).resolve().parents[1]


class RunUnavailable(Exception):
    """The run mode cannot start on this machine; the Polish message says why."""


def sandbox_environment(destination: Path, checkout: Path = GRADER_CHECKOUT) -> Path:
    """Create the shadow environment in ``destination`` (a new folder) and return it.

    Raises:
        RunUnavailable: see :func:`require_virtual_environment`.
    """
    require_virtual_environment()
    source = Path(sys.prefix)
    destination = Path(destination)
    site = Path(sysconfig.get_paths()["purelib"])
    shadow_site = destination / site.relative_to(source)
    shadow_site.mkdir(parents=True)
    (destination / "pyvenv.cfg").write_text(
        (source / "pyvenv.cfg").read_text(encoding="utf-8"), encoding="utf-8"
    )
    for entry in site.iterdir():
        if entry.suffix == ".pth" and _adds_checkout(entry, checkout):
            continue
        (shadow_site / entry.name).symlink_to(entry)
    _shadow_scripts(source / "bin", destination / "bin", source)
    # Data files installed into the environment: Jupyter's kernels, nbconvert's templates
    # (a notebook exported to HTML), reveal.js for the slides.
    for data in ("share", "etc"):
        if (source / data).is_dir():
            (destination / data).symlink_to(source / data)
    return destination


def require_virtual_environment() -> None:
    """Raise RunUnavailable unless the grader runs in a virtual environment (the run mode
    needs one: it is what ``make setup`` and ``grading/Dockerfile`` create)."""
    if sys.prefix == sys.base_prefix:
        raise RunUnavailable(
            "potrzebne środowisko wirtualne narzędzia (make setup albo obraz "
            "grading/Dockerfile); teraz działa Python systemowy"
        )


def _adds_checkout(pth: Path, checkout: Path) -> bool:
    """Whether a ``.pth`` file puts ``checkout`` or a folder under it on ``sys.path``."""
    for line in pth.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip() or line.startswith(("#", "import ", "import\t")):
            continue
        added = Path(line.strip()).resolve()
        if added == checkout or checkout in added.parents:
            return True
    return False


def _shadow_scripts(source: Path, destination: Path, prefix: Path) -> None:
    """The interpreter as links to the base interpreter (so that ``pyvenv.cfg`` here makes
    this folder the environment); scripts naming the grader's interpreter — on their
    ``#!`` line, or on an ``exec`` line as installers write them for long paths — copied
    with it replaced by this one; anything else (ruff, uv, hadolint) as a link."""
    destination.mkdir()
    base = Path(sys._base_executable).resolve()  # the interpreter the venv was made from
    grader_python = str(prefix / "bin" / "python").encode()
    shadow_python = str(destination / "python").encode()
    for entry in source.iterdir():
        target = destination / entry.name
        if entry.name.startswith("python"):
            target.symlink_to(base)
            continue
        with entry.open("rb") as handle:
            start = handle.read(1024)  # compiled tools are large: look at the start only
        if start.startswith(b"#!") and grader_python in start:
            target.write_bytes(entry.read_bytes().replace(grader_python, shadow_python))
            target.chmod(0o755)
        else:
            target.symlink_to(entry)
