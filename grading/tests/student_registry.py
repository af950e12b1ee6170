"""A student's model registry for the run-mode tests: a small script with the contract's
commands (grading/README.md, "Rejestr modeli"), and a run session whose training stage
left a registry of one version."""

from __future__ import annotations

import pytest

from grading.checks.base import Context
from grading.repo_files import RepoFiles
from grading.runs import RunSession, RunSettings, StageResult
from grading.tests.repos import write_files

REGISTRY = """import hashlib, json, os, sys
from pathlib import Path

ROOT = Path("data/registry")
ALIASES = ROOT / "aliases.json"
VERIFIES = {verifies}
NEW_VERSION_PER_RUN = {new_version}
METRICS = {metrics}


def versions():
    return sorted(p.name for p in ROOT.glob("v*"))


def history():
    return json.loads(ALIASES.read_text()) if ALIASES.exists() else {{}}


def save(aliases):
    # Atomically: the API reads the alias while the load test runs.
    partial = ALIASES.with_suffix(".tmp")
    partial.write_text(json.dumps(aliases))
    os.replace(partial, ALIASES)


def record(version):
    return json.loads((ROOT / version / "meta.json").read_text())


def train(last_month="2013-02"):
    if versions() and not NEW_VERSION_PER_RUN:
        return 0
    version = f"v{{len(versions()) + 1}}"
    folder = ROOT / version
    folder.mkdir(parents=True)
    model = (version * 1000).encode()
    (folder / "model.bin").write_bytes(model)
    meta = {{
        "version": version,
        "model_path": f"data/registry/{{version}}/model.bin",
        "model_sha256": hashlib.sha256(model).hexdigest(),
        "train_months": ["2013-01", last_month],
        "data_checksums": {{"2013-01": "ab" * 32, "2013-02": "cd" * 32}},
        "metrics": METRICS,
    }}
    (folder / "meta.json").write_text(json.dumps(meta))
    aliases = history()
    aliases.setdefault("production", [version])
    save(aliases)
    return 0


def main(command, *args):
    aliases = history()
    if command == "train":
        return train(*args)
    if command == "list":
        current = {{alias: chain[-1] for alias, chain in aliases.items()}}
        print(json.dumps({{"versions": versions(), "aliases": current}}))
    elif command == "show":
        print(json.dumps(record(args[0])))
    elif command == "promote":
        meta = record(args[0])
        data = Path(meta["model_path"]).read_bytes()
        if VERIFIES and hashlib.sha256(data).hexdigest() != meta["model_sha256"]:
            print("plik modelu zmieniony", file=sys.stderr)
            return 1
        aliases["production"].append(args[0])
    elif command == "rollback":
        if len(aliases["production"]) < 2:
            return 1
        aliases["production"].pop()
    save(aliases)
    return 0


sys.exit(main(*sys.argv[1:]))
"""
GOOD_METRICS = {"validation": {"roc_auc": 0.7}, "per_period": {"2013-03": {"roc_auc": 0.68}}}
COMMANDS = {
    "train": ".venv/bin/python registry.py train {month}",
    "registry_list": ".venv/bin/python registry.py list",
    "registry_show": ".venv/bin/python registry.py show {version}",
    "promote": ".venv/bin/python registry.py promote {version}",
    "rollback": ".venv/bin/python registry.py rollback",
}


@pytest.fixture
def trained(tmp_path):
    """A run session whose training stage left a registry with one version, made by the
    student's ``registry.py`` (``verifies``: promote checks the file's SHA-256), and the
    check parameters; ``files`` are more files of the repository."""
    sessions: list[RunSession] = []

    def start(verifies=True, new_version=True, metrics=GOOD_METRICS, commands=COMMANDS, files=None):
        repo = tmp_path / f"r{len(sessions)}"
        script = REGISTRY.format(verifies=verifies, new_version=new_version, metrics=metrics)
        write_files(
            repo, {"projekt.yaml": "schema_version: 1\n", "registry.py": script, **(files or {})}
        )
        run = RunSession(repo, RunSettings(budget_s=300)).__enter__()
        sessions.append(run)
        stage = run.folder("train")
        state = run.copy(stage)
        run.sandbox(stage).run([".venv/bin/python", "registry.py", "train"], state, 60)
        run.stages["train"] = StageResult("train_dag", state)
        project = {"dags": {"train": {"id": "train_dag"}}}
        return Context(RepoFiles(repo), project, run), {"commands": commands, "period": "2013-02"}

    yield start
    for run in sessions:
        run.__exit__(None, None, None)
