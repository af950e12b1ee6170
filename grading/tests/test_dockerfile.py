"""grading/Dockerfile, checked statically (no Docker engine here) and by running its
exact entry point outside Docker."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

from grading.tests.repos import ROOT

DOCKERFILE = ROOT / "grading" / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_hadolint_has_no_findings():
    hadolint = Path(sys.prefix) / "bin" / "hadolint"
    done = subprocess.run([str(hadolint), str(DOCKERFILE)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_grader_runs_as_an_unprivileged_user_without_the_reference_installed():
    found = instructions()
    users = [args for name, args in found if name == "USER"]
    assert users and users[-1].isdigit() and int(users[-1]) != 0
    runs = " ".join(args for name, args in found if name == "RUN")
    assert "uv sync --frozen --no-install-project" in runs
    copied = [args.split()[0] for name, args in found if name == "COPY"]
    assert not any(path.startswith(("zajecia_", "kurs")) for path in copied), copied


def test_the_entry_point_is_the_command_run_outside_docker(tmp_path):
    found = dict(instructions())
    entrypoint = json.loads(found["ENTRYPOINT"])
    assert entrypoint[1:] == ["-P", "-m", "grading"]
    env = dict(part.split("=", 1) for part in shlex.split(found["ENV"]))
    # The same command with this environment's interpreter, from a folder holding a
    # student's `grading/` that must not be imported.
    (tmp_path / "grading").mkdir()
    (tmp_path / "grading" / "__main__.py").write_text("raise SystemExit(42)\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, *entrypoint[1:], *json.loads(found["CMD"])],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": env["HOME"]},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Ocenia repozytoria studentów" in done.stdout and "--run" in done.stdout
