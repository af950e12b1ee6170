"""What a program of the course imports, read from its source without running it.

A Docker image copies only some of the repository and installs only its requirements
file; these helpers let a test follow the imports from the image's entry points and
check that every first-party file is copied and every third-party module installed.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from importlib.metadata import packages_distributions
from pathlib import Path

from kurs.repository import REPO_ROOT
from kurs.testing.lockfile import normalized

FIRST_PARTY = {"kurs"} | {p.name for p in REPO_ROOT.glob("zajecia_*") if p.is_dir()}


def module_files(name: str) -> list[Path]:
    """The files Python runs to import a first-party module: packages, then the module."""
    parts = name.split(".")
    files = []
    for depth in range(1, len(parts) + 1):
        base = REPO_ROOT.joinpath(*parts[:depth])
        for candidate in (base / "__init__.py", base.with_suffix(".py")):
            if candidate.is_file():
                files.append(candidate)
    return files


def imported_names(path: Path) -> set[str]:
    """Every absolute import in a file, at any depth (a function's imports run too)."""
    names = set()
    for node in ast.walk(ast.parse(Path(path).read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
            # `from package import module` imports a module too.
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def reachable(modules: Iterable[str], files: Iterable[Path] = ()) -> tuple[set[Path], set[str]]:
    """First-party files reached from ``modules`` and from the imports of ``files``
    (gunicorn configs, which are run by path), and the third-party top-level modules."""
    found: set[Path] = set()
    third_party: set[str] = set()
    todo = [name for path in files for name in imported_names(path)] + list(modules)
    while todo:
        name = todo.pop()
        top = name.split(".")[0]
        if top in FIRST_PARTY:
            for path in set(module_files(name)) - found:
                found.add(path)
                todo += imported_names(path)
        elif top not in sys.stdlib_module_names and top != "__future__":
            third_party.add(top)
    return found, third_party


def distributions_of(modules: set[str]) -> set[str]:
    """The installed distributions (normalized names) that provide ``modules``."""
    installed = packages_distributions()
    missing = sorted(m for m in modules if m not in installed)
    assert not missing, f"not installed in .venv: {missing}"
    return {normalized(dist) for module in modules for dist in installed[module]}
