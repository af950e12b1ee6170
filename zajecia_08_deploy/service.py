"""The production API (class 08 app under gunicorn) on a free port of 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from zajecia_07_docker.server import ApiServer

CLASS_DIR = Path(__file__).resolve().parent
CONFIG = CLASS_DIR / "gunicorn.conf.py"
APP = "zajecia_08_deploy.wsgi:app"


def production_server(data_dir: Path, workers: int = 2, **env: str) -> ApiServer:
    """Gunicorn with the class 08 app (metrics, prediction log, hot swap) on a free port."""
    return ApiServer(data_dir, workers=workers, env=env, config=CONFIG, app=APP)
