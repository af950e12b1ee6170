"""Grafana of the monitoring stack: provisioned datasource, valid dashboards, and panels
that read only the metrics the API exposes — and show every one of them."""

from pathlib import PurePosixPath

import pytest

from zajecia_08_deploy.tests.stack_files import (
    DASHBOARD_DIR,
    METRICS,
    PROVISIONING,
    bind_mounts,
    config_entry,
    container_port,
    dashboard_files,
    exposed_names,
    load_dashboards,
    metric_names,
    panels_of,
    service,
)


def expressions() -> list[str]:
    return [
        target["expr"]
        for dashboard in load_dashboards()
        for panel in panels_of(dashboard)
        for target in panel["targets"]
    ]


def provisioned_datasource() -> dict:
    (datasource,) = config_entry(PROVISIONING / "datasources" / "prometheus.yml", "datasources")
    return datasource


def test_datasource_points_at_the_prometheus_service():
    datasource = provisioned_datasource()
    assert datasource["type"] == "prometheus"
    assert datasource["uid"]
    assert datasource["isDefault"] is True
    assert datasource["url"] == f"http://prometheus:{container_port(service('prometheus'))}"


def test_grafana_loads_provisioning_and_dashboards_from_the_repository():
    grafana = service("grafana")
    mounted = {source: mount["target"] for source, mount in bind_mounts(grafana)}
    # Grafana's default provisioning folder: no GF_PATHS_PROVISIONING needed.
    assert mounted[PROVISIONING] == "/etc/grafana/provisioning"
    (provider,) = config_entry(PROVISIONING / "dashboards" / "dashboards.yml", "providers")
    assert provider["type"] == "file"
    assert provider["options"]["path"] == mounted[DASHBOARD_DIR]
    home = grafana["environment"].get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    if home:
        assert (DASHBOARD_DIR / PurePosixPath(home).relative_to(mounted[DASHBOARD_DIR])).is_file()
    if grafana["environment"].get("GF_AUTH_ANONYMOUS_ENABLED") == "true":
        assert grafana["environment"]["GF_AUTH_ANONYMOUS_ORG_ROLE"] == "Viewer"
    assert "prometheus" in grafana["depends_on"]


def test_dashboards_are_valid():
    assert dashboard_files()
    dashboards = load_dashboards()
    uids = [dashboard["uid"] for dashboard in dashboards]
    assert len(set(uids)) == len(uids)
    for dashboard in dashboards:
        assert isinstance(dashboard["schemaVersion"], int)
        assert dashboard["title"]
        ids = [panel["id"] for panel in dashboard["panels"]] + [
            panel["id"] for row in dashboard["panels"] for panel in row.get("panels", [])
        ]
        assert len(set(ids)) == len(ids), dashboard["title"]


def test_panels_have_a_place_of_their_own():
    for dashboard in load_dashboards():
        taken: set[tuple[int, int]] = set()
        for panel in panels_of(dashboard):
            grid = panel["gridPos"]
            assert grid["w"] > 0 and grid["h"] > 0 and grid["x"] >= 0
            assert grid["x"] + grid["w"] <= 24, panel["title"]
            cells = {
                (x, y)
                for x in range(grid["x"], grid["x"] + grid["w"])
                for y in range(grid["y"], grid["y"] + grid["h"])
            }
            assert not cells & taken, f"{panel['title']} overlaps another panel"
            taken |= cells


def test_every_panel_queries_the_provisioned_datasource():
    uid = provisioned_datasource()["uid"]
    for dashboard in load_dashboards():
        for panel in panels_of(dashboard):
            assert panel["title"]
            assert panel["datasource"] == {"type": "prometheus", "uid": uid}, panel["title"]
            assert panel["targets"], panel["title"]
            for target in panel["targets"]:
                assert target["datasource"]["uid"] == uid, panel["title"]
                assert target["expr"].strip(), panel["title"]


def test_metrics_module_is_read():
    assert len(METRICS) >= 6
    assert {"api_requests_total", "api_request_duration_seconds_bucket"} <= set().union(
        *map(exposed_names, METRICS)
    )


def test_metric_check_does_catch_a_typo():
    exposed = set().union(*map(exposed_names, METRICS))
    assert not metric_names("sum(rate(api_request_total[1m]))") <= exposed


def test_dashboards_use_only_metrics_the_api_exposes():
    exposed = set().union(*map(exposed_names, METRICS))
    used = set().union(*map(metric_names, expressions()))
    assert used
    assert used <= exposed, f"not in zajecia_08_deploy/metrics.py: {sorted(used - exposed)}"


def test_every_metric_of_the_api_is_on_a_dashboard():
    used = set().union(*map(metric_names, expressions()))
    missing = [sorted(exposed_names(m)) for m in METRICS if not exposed_names(m) & used]
    assert not missing, f"no panel shows: {missing}"


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        (
            "histogram_quantile(0.95, sum by (le) "
            '(rate(api_request_duration_seconds_bucket{endpoint="/predict"}[1m])))',
            {"api_request_duration_seconds_bucket"},
        ),
        (
            'sum(rate(api_requests_total{status=~"5.."}[5m])) '
            "/ on (job) sum(rate(api_requests_total[5m]))",
            {"api_requests_total"},
        ),
        (
            "api_model_in_service == 1 unless api_model_in_service offset 5m",
            {"api_model_in_service"},
        ),
        ("sum(rate(api_request_total[$__rate_interval])) or vector(0)", {"api_request_total"}),
    ],
)
def test_metric_names_are_read_from_expressions(expr, names):
    assert metric_names(expr) == names


def test_dashboard_shows_what_the_course_asks_for():
    found = " ".join(expressions())
    for quantile in ("0.5", "0.95", "0.99"):
        assert (
            f"histogram_quantile({quantile}, sum by (le) "
            '(rate(api_request_duration_seconds_bucket{endpoint="/predict"}' in found
        )
    assert "api_model_in_service == 1" in found
    assert 'status=~"4.."' in found and 'status=~"5.."' in found
    assert 'decision="delayed"' in found
