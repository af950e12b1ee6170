"""A notebook that reads what the pipeline wrote (the final presentation) runs after the
project's pipeline command on a fresh copy, not on a bare copy of the repository."""

from __future__ import annotations

import json

import pytest

from grading.checks.base import Context
from grading.checks.run_notebooks import notebook_fresh_run
from grading.model import NotRunnable
from grading.repo_files import RepoFiles
from grading.runs import RunSession, RunSettings
from grading.tests.repos import write_files

pytestmark = pytest.mark.slow  # a Jupyter kernel

PIPELINE = """\
import pathlib, sys
if "--fail" in sys.argv:
    sys.exit("brak danych źródłowych")
pathlib.Path("data").mkdir()
pathlib.Path("data/wynik.txt").write_text("z potoku")
"""


def test_the_notebook_runs_after_the_pipeline_command(tmp_path):
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
        repo,
        {
            "projekt.yaml": "schema_version: 1\n",
            "raport/nb.ipynb": json.dumps(notebook),
            "potok.py": PIPELINE,
        },
    )
    params = {"notebook": "raport/nb.ipynb", "timeout": 60}
    with RunSession(repo, RunSettings(budget_s=300)) as run:
        context = Context(RepoFiles(repo), {}, run)
        prepared = notebook_fresh_run(context, {**params, "prepare": ".venv/bin/python potok.py"})
        assert prepared.score == 1, prepared.message
        broken = notebook_fresh_run(
            context, {**params, "prepare": ".venv/bin/python potok.py --fail"}
        )
        assert broken.score == 0
        assert "commands.pipeline" in broken.message and "kod wyjścia 1" in broken.message
        bare = notebook_fresh_run(context, params)
        assert bare.score == 0 and "FileNotFoundError" in bare.message
    assert not (repo / "data").exists()


def test_a_pipeline_cut_short_by_the_budget_is_skipped_not_failed(tmp_path):
    repo = tmp_path / "r"
    write_files(repo, {"projekt.yaml": "schema_version: 1\n", "raport/nb.ipynb": "{}"})
    params = {"notebook": "raport/nb.ipynb", "timeout": 60}
    slow = ".venv/bin/python -c 'import time; time.sleep(120)'"
    with RunSession(repo, RunSettings(budget_s=15)) as run:
        context = Context(RepoFiles(repo), {}, run)
        with pytest.raises(NotRunnable, match="budżet czasu repozytorium wyczerpany"):
            notebook_fresh_run(context, {**params, "prepare": slow})
