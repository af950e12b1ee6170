"""A notebook that reads what the pipeline wrote (the final presentation) runs on the
copy the last pipeline stage left, not on a bare copy of the repository."""

from __future__ import annotations

import json

import pytest

from grading.checks.base import Context
from grading.checks.run_notebooks import notebook_fresh_run
from grading.model import NotRunnable
from grading.repo_files import RepoFiles
from grading.runs import RunSession, RunSettings, StageResult
from grading.tests.repos import write_files

pytestmark = pytest.mark.slow  # a Jupyter kernel


def test_the_notebook_runs_on_the_copy_the_pipeline_left(tmp_path):
    cell = {
        "cell_type": "code",
        "metadata": {},
        "source": "print(open('../data/wynik.txt').read())",
        "outputs": [],
        "execution_count": None,
    }
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    repo = tmp_path / "r"
    write_files(
        repo, {"projekt.yaml": "schema_version: 1\n", "raport/nb.ipynb": json.dumps(notebook)}
    )
    project = {"dags": {"retrain": {"id": "retrain_dag"}}}
    params = {"notebook": "raport/nb.ipynb", "timeout": 60, "after": "retrain"}
    with RunSession(repo, RunSettings(budget_s=300)) as run:
        context = Context(RepoFiles(repo), project, run)
        with pytest.raises(NotRunnable, match=r"dags\.retrain"):
            notebook_fresh_run(context, params)
        state = run.copy(run.folder("retrain"))
        write_files(state, {"data/wynik.txt": "z potoku"})
        run.stages["retrain"] = StageResult("retrain_dag", state)
        assert notebook_fresh_run(context, params).score == 1
        bare = notebook_fresh_run(context, {k: v for k, v in params.items() if k != "after"})
        assert bare.score == 0 and "FileNotFoundError" in bare.message
