"""The course's grader as a Gradescope autograder: ``setup.sh`` and ``run_autograder``,
zipped with the repository by :mod:`.build` (``make gradescope``)."""
