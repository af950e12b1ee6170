"""Prometheus of the monitoring stack: it scrapes the API, with the repository's config,
and alerts on the failures the API survives silently."""

import re
from pathlib import PurePosixPath

import pytest

from zajecia_08_deploy.tests.stack_files import (
    ALERT_RULES,
    COMPOSE_FILE,
    METRICS,
    PROMETHEUS_CONFIG,
    api_port,
    compose,
    config_entry,
    container_port,
    exposed_names,
    metric_names,
    mount_of,
    service,
)

# promtool is not installed: the rule file's structure as Prometheus documents it.
GROUP_KEYS = {"name", "interval", "limit", "query_offset", "labels", "rules"}
ALERT_KEYS = {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
DURATION = re.compile(r"^(\d+(ms|s|m|h|d|w|y))+$")
# Series Prometheus makes itself for every target.
BUILT_IN = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}


def scrape_targets() -> dict[str, dict]:
    """Each target of the config (``host:port``; a DNS name for a DNS-discovered job) and
    its job."""
    jobs = {}
    for job in config_entry(PROMETHEUS_CONFIG, "scrape_configs"):
        for static in job.get("static_configs", []):
            jobs |= {target: job for target in static["targets"]}
        for dns in job.get("dns_sd_configs", []):
            jobs |= {f"{name}:{dns['port']}": job for name in dns["names"]}
    return jobs


def test_prometheus_scrapes_every_api_replica_every_5_seconds():
    """Each replica counts its own requests: Prometheus asks Docker's DNS for every
    address of the service `api` (type A, as compose's DNS answers) and scrapes each one,
    not one replica at a time through the proxy."""
    jobs = scrape_targets()
    api = jobs[f"api:{api_port()}"]
    assert api.get("metrics_path", "/metrics") == "/metrics"
    assert api["scrape_interval"] == "5s"
    (dns,) = api["dns_sd_configs"]
    assert dns["type"] == "A" and dns["names"] == ["api"] and "api" in compose()["services"]
    assert "static_configs" not in api
    # New replicas (--scale) are found within seconds, as the proxy finds them (10 s).
    assert int(dns["refresh_interval"].removesuffix("s")) <= 10
    assert not any(target.startswith("proxy:") for target in jobs)
    assert f"localhost:{container_port(service('prometheus'))}" in jobs


def test_prometheus_reads_the_repository_config_after_the_api_is_healthy():
    prometheus = service("prometheus")
    assert "command" not in prometheus  # so the default config path below is used
    config = mount_of(prometheus, "/etc/prometheus/prometheus.yml")
    assert (COMPOSE_FILE.parent / config["source"]).resolve() == PROMETHEUS_CONFIG
    assert prometheus["depends_on"]["api"]["condition"] == "service_healthy"
    assert "healthcheck" in service("api")


def alert_rules() -> list[dict]:
    groups = config_entry(ALERT_RULES, "groups")
    for group in groups:
        assert set(group) <= GROUP_KEYS and group["name"] and group["rules"], group
    return [rule for group in groups for rule in group["rules"]]


def check_rule(rule: dict, known: set[str]) -> None:
    assert set(rule) <= ALERT_KEYS and {"alert", "expr"} <= set(rule), rule
    assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", rule["alert"]), rule["alert"]
    for key in ("for", "keep_firing_for"):
        assert key not in rule or DURATION.match(str(rule[key])), rule[key]
    expr = rule["expr"]
    assert expr.count("(") == expr.count(")") and expr.count("[") == expr.count("]"), expr
    used = metric_names(expr)
    assert used and used <= known, f"{rule['alert']}: {sorted(used - known)} not exposed"
    for text in rule.get("annotations", {}).values():
        assert text.count("{{") == text.count("}}"), text


def test_prometheus_loads_the_alert_rules_of_the_repository():
    (rule_file,) = config_entry(PROMETHEUS_CONFIG, "rule_files")
    mount = mount_of(service("prometheus"), rule_file)
    assert mount["read_only"]
    inside = PurePosixPath(rule_file).relative_to(mount["target"])
    assert (COMPOSE_FILE.parent / mount["source"]).resolve() / inside == ALERT_RULES


def test_alert_rules_are_valid_and_read_metrics_the_api_exposes():
    known = set().union(*map(exposed_names, METRICS)) | BUILT_IN
    rules = alert_rules()
    names = [rule["alert"] for rule in rules]
    assert len(set(names)) == len(names)
    for rule in rules:
        check_rule(rule, known)
    # A prediction answered but not logged, and a model refused, are alerts.
    used = set().union(*(metric_names(rule["expr"]) for rule in rules))
    assert {"api_prediction_log_failures_total", "api_model_load_failures_total"} <= used


@pytest.mark.parametrize(
    "rule",
    [
        {"alert": "X", "expr": "increase(api_prediction_log_failure_total[5m]) > 0"},
        {"alert": "X", "expr": "up == 0", "for": "1 minute"},
        {"alert": "X", "expr": "up == 0", "severity": "critical"},
        {"alert": "X", "expr": "sum(rate(up[1m])"},
    ],
)
def test_rule_check_catches_a_broken_rule(rule):
    with pytest.raises(AssertionError):
        check_rule(rule, set().union(*map(exposed_names, METRICS)) | BUILT_IN)
