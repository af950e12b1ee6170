"""Grader: checks a student's repository against the 100-point rubric of the course."""

# Bumped whenever a check's rule changes: a stored result of another version is re-graded.
GRADER_VERSION = "1.0.0"
