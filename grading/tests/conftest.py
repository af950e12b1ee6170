"""Fixtures shared by the grader's test modules."""

from grading.tests.student_registry import trained  # noqa: F401 - a fixture
