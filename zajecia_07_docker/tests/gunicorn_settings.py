"""The settings gunicorn itself reads from a configuration file, without serving anything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kurs.testing.due import reraise
from zajecia_07_docker.server import REPO_ROOT, command

# Gunicorn's own command line, stopped after it has read the configuration: the same
# parsing, precedence and validation as a starting server.
READ_SETTINGS = """
import json, sys
from gunicorn.app.wsgiapp import WSGIApplication

names = json.loads(sys.argv[1])
sys.argv = sys.argv[2:]
cfg = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]", prog="gunicorn").cfg
print(json.dumps({name: cfg.settings[name].get() for name in names}))
"""


def gunicorn_settings(config: Path, app: str, names: list[str], **env: str) -> dict:
    """``{name: value}`` of gunicorn's settings ``names`` as the server command reads them,
    with the environment variables ``env`` added.

    In a fresh process: a configuration file may change the environment of its process.
    """
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS, json.dumps(names), *command(config, app)],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    reraise(result.stderr)  # a configuration file that is a skeleton: its task
    assert result.returncode == 0, f"gunicorn cannot read {config}:\n{result.stderr[-2000:]}"
    return json.loads(result.stdout)
