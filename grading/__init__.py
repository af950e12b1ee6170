"""Grader: checks a student's repository against the 100-point rubric."""
