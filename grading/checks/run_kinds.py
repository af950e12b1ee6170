"""The run-mode check kinds this version of the grader declares but does not check yet:
named here with their parameters so that the rubric is validated whole, and reported as
not evaluated ("nie oceniono", points outside the evaluated maximum) even with ``--run``.
The kinds already checked live in ``run_*.py`` beside this module.
"""

from grading.checks.base import declare_run_check

# The training gate with a shuffled target.
declare_run_check("training_gate_fails", required=("command",))
