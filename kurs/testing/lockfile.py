"""``uv.lock`` read by tests: the pinned versions that requirements files of images must match.

The Docker images install from requirements files rather than from ``uv.lock``; these
helpers let a test compare the two, so an image never runs other versions than the ones
tested here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.markers import Marker

from kurs.testing.due import read_text

LOCK = Path(__file__).resolve().parents[2] / "uv.lock"


def normalized(name: str) -> str:
    """A distribution name in its normalized form (PEP 503): ``Flask_Cors`` → ``flask-cors``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_pins(path: Path) -> dict[str, str]:
    """``name==version`` lines of a requirements file, by normalized name.

    Raises:
        NotImplementedError: the file is not written yet (:func:`kurs.testing.due.written`).
    """
    return {
        normalized(name): version
        for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", read_text(path), re.M)
    }


def locked_versions() -> dict[str, str]:
    """Name -> version of every package ``uv.lock`` pins (the last one when several are)."""
    lock = tomllib.loads(LOCK.read_text())
    return {package["name"]: package["version"] for package in lock["package"]}


def locked_tree(roots: set[str], python: str) -> dict[str, str]:
    """Name -> version of ``roots`` and all their dependencies in uv.lock, on Linux x86_64.

    Args:
        python: the image's Python version (``3.11.17``): markers are evaluated for it.
    """
    lock = tomllib.loads(LOCK.read_text())
    by_name: dict[str, list[dict]] = {}
    for package in lock["package"]:
        by_name.setdefault(package["name"], []).append(package)
    environment = {
        "python_version": python.rsplit(".", 1)[0],
        "python_full_version": python,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "os_name": "posix",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": "x86_64",
        "extra": "",
    }

    def applies(marker: str | None) -> bool:
        return marker is None or Marker(marker).evaluate(environment)

    def package(name: str, version: str | None = None) -> dict:
        # A package locked in several versions (one per Python range) names the version
        # in its dependents, and its own resolution markers say which one a root is.
        candidates = [
            p
            for p in by_name[name]
            if (version or p["version"]) == p["version"]
            and (version or any(map(applies, p.get("resolution-markers", [None]))))
        ]
        assert len(candidates) == 1, (name, version)
        return candidates[0]

    tree: dict[str, str] = {}
    todo = [package(name) for name in roots]
    while todo:
        current = todo.pop()
        if current["name"] in tree:
            continue
        tree[current["name"]] = current["version"]
        todo += [
            package(d["name"], d.get("version"))
            for d in current.get("dependencies", [])
            if applies(d.get("marker"))
        ]
    return tree
