"""Prometheus of the monitoring stack: it scrapes the API, with the repository's config."""

import yaml

from zajecia_08_deploy.tests.stack_files import (
    COMPOSE_FILE,
    PROMETHEUS_CONFIG,
    container_port,
    mount_of,
    service,
)


def test_prometheus_scrapes_the_api_every_5_seconds():
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text())
    api_target = f"api:{container_port(service('api'))}"
    jobs = {
        target: job
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }
    assert jobs[api_target].get("metrics_path", "/metrics") == "/metrics"
    assert jobs[api_target]["scrape_interval"] == "5s"
    assert f"localhost:{container_port(service('prometheus'))}" in jobs


def test_prometheus_reads_the_repository_config_after_the_api_is_healthy():
    prometheus = service("prometheus")
    assert "command" not in prometheus  # so the default config path below is used
    config = mount_of(prometheus, "/etc/prometheus/prometheus.yml")
    assert (COMPOSE_FILE.parent / config["source"]).resolve() == PROMETHEUS_CONFIG
    assert prometheus["depends_on"]["api"]["condition"] == "service_healthy"
    assert "healthcheck" in service("api")
