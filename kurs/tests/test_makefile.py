"""The Makefile's own logic, read through ``make -n`` (what make would run, not running it)."""

import os
import subprocess

import pytest

from kurs.repository import REPO_ROOT


def planned_commands(target: str, uid: int, tmp_path, *variables: str) -> list[str]:
    """The command lines ``make -n target [NAME=value…]`` prints for a user whose ``id -u``
    is ``uid``."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    # `id` first in PATH answers as that user would: the Makefile asks `id -u` only.
    (fake_bin / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (fake_bin / "id").chmod(0o755)
    result = subprocess.run(
        ["make", "-n", target, *variables],
        cwd=REPO_ROOT,
        env={**os.environ, "PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


@pytest.mark.parametrize(("uid", "allowed"), [(0, True), (1000, False)])
def test_lab_allows_root_only_for_root(uid, allowed, tmp_path):
    """JupyterLab refuses to run as root without ``--allow-root``; course machines are often
    containers where the student is root."""
    [lab] = [line for line in planned_commands("lab", uid, tmp_path) if "jupyter lab" in line]
    assert lab.startswith(".venv/bin/jupyter lab --notebook-dir=.")
    assert ("--allow-root" in lab.split()) is allowed


@pytest.mark.parametrize(("variables", "port"), [((), []), (("PORT=5001",), ["--port", "5001"])])
def test_mlflow_passes_the_port_only_when_given(variables, port, tmp_path):
    """The UI's own default (5000) unless PORT says otherwise."""
    lines = planned_commands("mlflow", 1000, tmp_path, *variables)
    [ui] = [line for line in lines if "mlflow_ui" in line]
    words = ui.split()
    assert words[:2] == [".venv/bin/python", "-m"] and words[3:] == port
