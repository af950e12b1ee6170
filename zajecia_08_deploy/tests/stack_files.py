"""The monitoring stack's files (API replicas + proxy + Prometheus + Grafana) and how the
tests read them.

No Docker engine runs on the course machines, so the stack is checked statically: the
compose file against the Compose specification, and the files of the three services
against each other — a port, a path, a datasource uid or a metric name that changes in
one place and not in the other breaks a test instead of an empty Grafana panel.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml
from prometheus_client import Counter, Gauge, Histogram, Summary

from kurs.testing.docker import compose_model
from kurs.testing.due import read_text, written_files
from zajecia_08_deploy import metrics

CLASS_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = CLASS_DIR.parent
COMPOSE_FILE = CLASS_DIR / "docker-compose.yml"
DOCKERFILE = CLASS_DIR / "Dockerfile"
MONITORING = CLASS_DIR / "monitoring"
PROXY_CONFIG = CLASS_DIR / "proxy" / "api.conf"
PROMETHEUS_CONFIG = MONITORING / "prometheus.yml"
ALERT_RULES = MONITORING / "alerts.yml"
PROVISIONING = MONITORING / "grafana" / "provisioning"
DASHBOARD_DIR = MONITORING / "grafana" / "dashboards"
# Pipeline outputs (gitignored): bind-mounted from here, but absent in a fresh clone.
DATA_DIR = (REPO_ROOT / "data").resolve()


PINNED_TAG = re.compile(r"^v?\d+\.\d+\.\d+$")


def is_pinned(image: str) -> bool:
    name, _, tag = image.rpartition(":")
    return bool(name) and "/" not in tag and bool(PINNED_TAG.match(tag))


def compose() -> dict:
    return compose_model(COMPOSE_FILE)


def config_entry(path: Path, key: str) -> object:
    """The value of ``key`` in one of the stack's YAML configuration files.

    Raises:
        NotImplementedError: the file is not written yet (:func:`kurs.testing.due.written`).
    """
    content = yaml.safe_load(read_text(path)) or {}
    assert content.get(key), f"no {key} in {path.relative_to(CLASS_DIR)}"
    return content[key]


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


def api_port() -> int:
    """The port every API replica listens on inside the stack (API_BIND); no replica
    publishes it on the host — the proxy does."""
    return int(service("api")["environment"]["API_BIND"].rsplit(":", 1)[1])


@dataclass(frozen=True)
class Directive:
    """One nginx directive: its name, arguments (quotes removed) and block, if any."""

    name: str
    args: list[str]
    block: list[Directive] | None = None

    def find(self, name: str) -> list[Directive]:
        return [d for d in self.block or [] if d.name == name]


NGINX_TOKEN = re.compile(
    r"#[^\n]*"  # a comment
    r"|'((?:[^'\\]|\\.)*)'"  # a string in single quotes
    r'|"((?:[^"\\]|\\.)*)"'  # or in double quotes
    r"|([;{}])"  # the end of a directive, a block
    r"|([^\s;{}'\"#]+)"  # a word
)


def nginx_config(text: str) -> Directive:
    """An nginx configuration as a tree of directives under a root ``main`` block."""
    stack = [Directive("main", [], [])]
    words: list[str] = []
    for match in NGINX_TOKEN.finditer(text):
        single, double, punctuation, word = match.groups()
        if match.group(0).startswith("#"):
            continue  # a comment (a quoted "#" is inside a string's match)
        if punctuation == ";":
            stack[-1].block.append(Directive(words[0], words[1:]))
            words = []
        elif punctuation == "{":
            block = Directive(words[0], words[1:], [])
            stack[-1].block.append(block)
            stack.append(block)
            words = []
        elif punctuation == "}":
            assert not words and len(stack) > 1, "unbalanced }"
            stack.pop()
        else:
            words.append(next(part for part in (single, double, word) if part is not None))
    assert len(stack) == 1 and not words, "unclosed block or directive"
    return stack[0]


def dashboard_files() -> list[Path]:
    """The dashboards in the repository, at least one.

    Raises:
        NotImplementedError: none is written yet (the starter has none: JSON cannot carry
            the prompt of a task).
    """
    return written_files(DASHBOARD_DIR, "*.json")


def load_dashboards() -> list[dict]:
    return [json.loads(path.read_text()) for path in dashboard_files()]


def panels_of(dashboard: dict) -> list[dict]:
    """Every panel, those inside (collapsed) rows included; rows themselves excluded."""
    found = []
    for panel in dashboard.get("panels", []):
        if panel["type"] == "row":
            found.extend(panels_of(panel))
        else:
            found.append(panel)
    return found


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
