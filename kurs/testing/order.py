"""pytest plugin: under pytest-xdist, the test files with slow tests run first.

Registered in ``pyproject.toml`` (``-p kurs.testing.order``). ``make test`` runs the suite
on one worker per core, and a worker that starts a minutes-long test (a whole DAG run, a
deployment under traffic) late in the session keeps the other one idle at the end. So the
files with a ``slow`` test go first, the later classes' before the earlier ones' (a later
class runs its step on top of everything before it: its slow tests are the longest), and
the session ends on quick tests that an idle worker steals (``--dist worksteal`` takes
them from the end of the other worker's queue). A file moves as a whole, so its
module-scoped fixtures (one server, one browser) are still set up once. Without xdist the
order stays as collected: one process gains nothing, and the quick tests report first.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Every xdist worker collects on its own and must get the same order: the sort is
    # stable and depends on the items only.
    if not hasattr(config, "workerinput"):
        return
    slow_files = list(dict.fromkeys(item.path for item in items if item.get_closest_marker("slow")))
    rank = {path: number for number, path in enumerate(reversed(slow_files))}
    items.sort(key=lambda item: rank.get(item.path, len(rank)))
