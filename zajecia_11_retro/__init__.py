"""Class 11: the retrospective — plan against execution from the backlog, the git history."""
