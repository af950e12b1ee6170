"""Test infrastructure shared by the classes' test suites: pytest plugins and helpers.

Registered in ``pyproject.toml`` (``-p kurs.testing.airflow``, ``-p kurs.testing.docker``,
``-p kurs.testing.browser``, ``-p kurs.testing.postgres``, ``-p kurs.testing.order``),
so every class's tests can use their fixtures.
"""
