"""The monitoring stack of class 08 (API + Prometheus + Grafana), checked without Docker.

No Docker engine runs on the course machines, so the stack is checked statically: the
compose file against the Compose specification, and the files of the three services
against each other — a port, a path, a datasource uid or a metric name that changes in
one place and not in the other breaks a test here instead of an empty Grafana panel.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
import yaml
from prometheus_client import Counter, Gauge, Histogram, Summary

from zajecia_03_airflow_ingest.config import REPO_ROOT
from zajecia_08_deploy import metrics, prediction_log

CLASS_DIR = REPO_ROOT / "zajecia_08_deploy"
COMPOSE_FILE = CLASS_DIR / "docker-compose.yml"
MONITORING = CLASS_DIR / "monitoring"
PROMETHEUS_CONFIG = MONITORING / "prometheus.yml"
PROVISIONING = MONITORING / "grafana" / "provisioning"
DASHBOARD_DIR = MONITORING / "grafana" / "dashboards"
DASHBOARDS = sorted(DASHBOARD_DIR.glob("*.json"))
# Pipeline outputs (gitignored): bind-mounted from here, but absent in a fresh clone.
DATA_DIR = (REPO_ROOT / "data").resolve()
BIN = Path(sys.executable).parent

GUNICORN_COMMAND = [
    "gunicorn",
    "--config",
    "zajecia_08_deploy/gunicorn.conf.py",
    "zajecia_08_deploy.wsgi:app",
]
PINNED_TAG = re.compile(r"^v?\d+\.\d+\.\d+$")


# --- helpers ------------------------------------------------------------------------------


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def service(name: str) -> dict:
    return compose()["services"][name]


def mounts(spec: dict) -> list[dict]:
    """The service's volumes in one form: type, source, target, read_only."""
    result = []
    for volume in spec.get("volumes", []):
        if isinstance(volume, str):
            source, target, *mode = volume.split(":")
            kind = "bind" if source.startswith((".", "/")) else "volume"
            volume = {"type": kind, "source": source, "target": target, "read_only": mode == ["ro"]}
        result.append({"read_only": False, **volume})
    return result


def bind_mounts(spec: dict) -> list[tuple[Path, dict]]:
    return [
        ((COMPOSE_FILE.parent / m["source"]).resolve(), m)
        for m in mounts(spec)
        if m["type"] == "bind"
    ]


def mount_of(spec: dict, container_path: str) -> dict:
    """The mount that holds a path inside the container (the deepest one)."""
    path = PurePosixPath(container_path)
    holding = [m for m in mounts(spec) if path.is_relative_to(m["target"])]
    assert holding, f"{container_path} is on no mount"
    return max(holding, key=lambda m: len(PurePosixPath(m["target"]).parts))


def host_path(spec: dict, container_path: str) -> Path:
    mount = mount_of(spec, container_path)
    assert mount["type"] == "bind", f"{container_path} is not on a bind mount"
    inside = PurePosixPath(container_path).relative_to(mount["target"])
    return (COMPOSE_FILE.parent / mount["source"]).resolve() / inside


def container_port(spec: dict) -> int:
    (mapping,) = spec["ports"]
    return int(str(mapping).split(":")[-1])


def is_pinned(image: str) -> bool:
    name, _, tag = image.rpartition(":")
    return bool(name) and "/" not in tag and bool(PINNED_TAG.match(tag))


def validate_compose(*paths: Path) -> dict:
    """check-jsonschema's JSON report; one run for all files (it takes seconds to start)."""
    result = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--output-format",
            "json",
            "--builtin-schema",
            "vendor.compose-spec",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads(result.stdout)


def panels_of(dashboard: dict) -> list[dict]:
    """Every panel, those inside (collapsed) rows included; rows themselves excluded."""
    found = []
    for panel in dashboard.get("panels", []):
        if panel["type"] == "row":
            found.extend(panels_of(panel))
        else:
            found.append(panel)
    return found


def load_dashboards() -> list[dict]:
    return [json.loads(path.read_text()) for path in DASHBOARDS]


def expressions() -> list[str]:
    return [
        target["expr"]
        for dashboard in load_dashboards()
        for panel in panels_of(dashboard)
        for target in panel["targets"]
    ]


PROMQL_KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan"}


def metric_names(expr: str) -> set[str]:
    """Metric names a PromQL expression reads: identifiers that are not functions,
    keywords, label names or durations."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', expr)
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges and subqueries
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"\$\{?\w+\}?", "", expr)  # Grafana variables
    return {
        match.group(1)
        for match in re.finditer(r"(?<![\w.:])([A-Za-z_:][\w:]*)(\s*\()?", expr)
        if not match.group(2) and match.group(1).lower() not in PROMQL_KEYWORDS
    }


def exposed_names(metric) -> set[str]:
    """The series names ``/metrics`` shows for a metric object (counters lose and regain
    ``_total``; histograms become buckets, sum and count)."""
    name = metric._name
    if isinstance(metric, Counter):
        return {f"{name}_total"}
    if isinstance(metric, Histogram):
        return {f"{name}_bucket", f"{name}_sum", f"{name}_count"}
    if isinstance(metric, Summary):
        return {name, f"{name}_sum", f"{name}_count"}
    return {name}


METRICS = [
    value for value in vars(metrics).values() if isinstance(value, Counter | Gauge | Histogram)
]


# --- the compose file ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema_report(tmp_path_factory) -> dict:
    """The report on the compose file and on a copy broken by a typo (``comand``)."""
    broken = compose()
    broken["services"]["api"]["comand"] = broken["services"]["api"].pop("command")
    path = tmp_path_factory.mktemp("compose") / "docker-compose.yml"
    path.write_text(yaml.safe_dump(broken))
    report = validate_compose(COMPOSE_FILE, path)
    report["broken"] = str(path)
    return report


def test_compose_file_follows_the_specification(schema_report):
    assert not schema_report["parse_errors"]
    assert [e for e in schema_report["errors"] if e["filename"] == str(COMPOSE_FILE)] == []


def test_schema_check_does_catch_problems(schema_report):
    assert schema_report["status"] == "fail"
    (error,) = [e for e in schema_report["errors"] if e["filename"] == schema_report["broken"]]
    assert error["path"] == "$.services.api"
    assert "comand" in error["message"]


def test_bind_mounted_paths_exist_in_the_repository():
    for name, spec in compose()["services"].items():
        for source, mount in bind_mounts(spec):
            assert source.is_relative_to(REPO_ROOT), f"{name}: {source} is outside the repo"
            if source.is_relative_to(DATA_DIR):
                continue  # written by the pipelines, not kept in git
            assert source.exists(), f"{name}: {mount['source']} does not exist"
            # Configuration comes from the repository; a container must not change it.
            assert mount["read_only"], f"{name}: {mount['source']} should be mounted :ro"


def test_named_volumes_are_declared():
    stack = compose()
    used = {
        m["source"]
        for spec in stack["services"].values()
        for m in mounts(spec)
        if m["type"] == "volume"
    }
    assert used
    assert used <= set(stack.get("volumes") or {})


def test_images_are_pinned_to_exact_versions():
    images = [spec["image"] for spec in compose()["services"].values() if "image" in spec]
    assert len(images) >= 2
    for image in images:
        assert is_pinned(image), image


@pytest.mark.parametrize(
    ("image", "pinned"),
    [
        ("grafana/grafana:12.4.3", True),
        ("prom/prometheus:v3.13.2", True),
        ("grafana/grafana:latest", False),
        ("grafana/grafana", False),
        ("prom/prometheus:v3", False),
        ("localhost:5000/grafana", False),
    ],
)
def test_pin_check(image, pinned):
    assert is_pinned(image) is pinned


# --- the API ------------------------------------------------------------------------------


def test_api_runs_the_class_08_app_in_the_class_07_image():
    api = service("api")
    assert (COMPOSE_FILE.parent / api["build"]["context"]).resolve() == REPO_ROOT
    assert api["build"]["dockerfile"] == "zajecia_07_docker/Dockerfile"
    dockerfile = (REPO_ROOT / api["build"]["dockerfile"]).read_text()
    # The image keeps the repository's layout, so the paths of the command hold in it.
    assert "COPY zajecia_08_deploy/ zajecia_08_deploy/" in dockerfile
    assert api["command"] == GUNICORN_COMMAND
    assert (REPO_ROOT / GUNICORN_COMMAND[2]).is_file()
    module, attribute = GUNICORN_COMMAND[3].split(":")
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin
    tree = ast.parse(Path(spec.origin).read_text())
    assigned = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert attribute in assigned


def test_api_port_is_the_same_everywhere():
    api = service("api")
    port = container_port(api)
    assert api["environment"]["API_BIND"] == f"0.0.0.0:{port}"
    assert f"127.0.0.1:{port}/health" in " ".join(api["healthcheck"]["test"])


def test_metric_files_live_inside_a_tmpfs():
    # gunicorn.conf.py deletes and recreates the folder at start: a mount point itself
    # cannot be deleted, so the folder must be below the tmpfs, not the tmpfs.
    api = service("api")
    folder = PurePosixPath(api["environment"]["PROMETHEUS_MULTIPROC_DIR"])
    tmpfs = api["tmpfs"] if isinstance(api["tmpfs"], list) else [api["tmpfs"]]
    assert any(folder.is_relative_to(t) and folder != PurePosixPath(t) for t in tmpfs)


def test_registry_is_read_only_and_the_prediction_log_writable(monkeypatch):
    api = service("api")
    environment = api["environment"]
    registry = mount_of(api, environment["MLOPS_DATA_DIR"])
    assert registry["read_only"]
    assert host_path(api, environment["MLOPS_DATA_DIR"]) == DATA_DIR
    log = environment["PREDICTION_LOG_PATH"]
    assert not mount_of(api, log)["read_only"]
    # On the host the log is where the live quality job looks for it by default.
    monkeypatch.delenv("MLOPS_DATA_DIR", raising=False)
    monkeypatch.delenv("PREDICTION_LOG_PATH", raising=False)
    assert host_path(api, log) == prediction_log.default_path()


# --- Prometheus ---------------------------------------------------------------------------


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


# --- Grafana ------------------------------------------------------------------------------


def provisioned_datasource() -> dict:
    config = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yml").read_text())
    (datasource,) = config["datasources"]
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
    providers = yaml.safe_load((PROVISIONING / "dashboards" / "dashboards.yml").read_text())
    (provider,) = providers["providers"]
    assert provider["type"] == "file"
    assert provider["options"]["path"] == mounted[DASHBOARD_DIR]
    home = grafana["environment"].get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    if home:
        assert (DASHBOARD_DIR / PurePosixPath(home).relative_to(mounted[DASHBOARD_DIR])).is_file()
    if grafana["environment"].get("GF_AUTH_ANONYMOUS_ENABLED") == "true":
        assert grafana["environment"]["GF_AUTH_ANONYMOUS_ORG_ROLE"] == "Viewer"
    assert "prometheus" in grafana["depends_on"]


# --- the dashboards -----------------------------------------------------------------------


def test_dashboards_are_valid():
    assert DASHBOARDS
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
