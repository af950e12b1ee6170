"""The production API: the class 07 app plus metrics, the prediction log and hot swap.

    gunicorn --config zajecia_08_deploy/gunicorn.conf.py zajecia_08_deploy.wsgi:app

Nothing of class 07 is edited: its factory takes a model slot and prediction listeners,
and this module plugs in what production needs. A prediction that cannot be logged is
still answered (availability first), but ``/ready`` answers 503 with the reason: live
quality would miss it, so a deployment must not look healthy.
"""

from __future__ import annotations

from flask import Flask, jsonify, request

from zajecia_05_model.registry import Registry
from zajecia_07_docker.app import create_app as create_api
from zajecia_07_docker.served_model import ModelSlot
from zajecia_07_docker.settings import ApiSettings
from zajecia_08_deploy import metrics
from zajecia_08_deploy.hot_swap import AliasWatcher
from zajecia_08_deploy.prediction_log import PredictionLog, log_path


def create_app(
    settings: ApiSettings | None = None,
    prediction_log: PredictionLog | None = None,
    watch_interval_s: float = 1.0,
) -> Flask:
    settings = settings or ApiSettings.from_env()
    slot = ModelSlot(Registry(settings.data_dir, settings.model_name), settings.model_alias)
    watcher = AliasWatcher(slot, watch_interval_s)
    watcher.start()
    log = prediction_log or PredictionLog(log_path(settings.data_dir))
    app = create_api(settings, slot, on_prediction=(metrics.logged(log), metrics.count_predictions))
    metrics.install(app)

    @app.before_request
    def prediction_log_readiness():
        if request.endpoint == "api.ready" and (problem := log.problem()):
            reason = f"log predykcji {log.path} nie przyjmuje zapisów ({problem})"
            return jsonify(status="not_ready", reason=reason), 503
        return None

    return app
