"""Every class's DAG files, as Airflow's DAG processor sees them.

The processor imports each DAG file in a fresh process, again and again, so a DAG file
must import without errors and quickly: its top level does no work and imports only
``airflow.sdk`` and light modules; the pipeline's libraries are imported inside the tasks.
"""

import json
import subprocess
import sys

import pytest
from airflow.dag_processing.dagbag import DagBag

from kurs.airflow_env import dag_folders
from kurs.testing.due import reraise

DAG_FILES = sorted(path for folder in dag_folders() for path in folder.glob("*.py"))
# Libraries that take seconds to import and belong inside the tasks.
HEAVY = {"matplotlib", "numpy", "pandas", "pyarrow", "scipy", "skops", "sklearn", "flask"}
LIMIT_S = 1.0

# Imports airflow.sdk once, then parses each file in a forked copy of that process: a
# fresh interpreter that already has airflow.sdk, as the DAG processor's children have.
PROBE = r"""
import json, os, runpy, sys, time, traceback
import airflow.sdk

def parse(path):
    before = set(sys.modules)
    started = time.perf_counter()
    try:
        runpy.run_path(path)
    except Exception:
        return {"error": traceback.format_exc()}
    took = time.perf_counter() - started
    new = {name.split(".")[0] for name in set(sys.modules) - before}
    return {"seconds": took, "modules": sorted(new)}

results = {}
for path in sys.argv[1:] * 2:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.write(write, json.dumps(parse(path)).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        result = json.loads(pipe.read())
    os.waitpid(pid, 0)
    best = results.get(path)
    if best is None or "error" in result or result["seconds"] < best["seconds"]:
        results[path] = result
print(json.dumps(results))
"""


@pytest.mark.parametrize("folder", dag_folders(), ids=lambda f: f.parent.name)
def test_dag_files_import_without_errors(folder):
    bag = DagBag(dag_folder=folder)
    for error in bag.import_errors.values():
        reraise(error)  # a DAG file that is a skeleton: its task
    assert not bag.import_errors
    assert bag.dags, f"{folder} nie ma DAG-ów"
    for dag in bag.dags.values():
        assert dag.tags and dag.doc_md, dag.dag_id


@pytest.fixture(scope="module")
def parsed(tmp_path_factory) -> dict[str, dict]:
    """Each DAG file parsed in a fresh process: seconds beyond airflow.sdk, new modules.

    A DAG file that imports pandas at its top (``heavy_dag.py``) is parsed too: the check
    must catch it.
    """
    heavy = tmp_path_factory.mktemp("dags") / "heavy_dag.py"
    heavy.write_text("import pandas\nfrom airflow.sdk import dag\n")
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *map(str, [*DAG_FILES, heavy])],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return {
        ("heavy_dag.py" if path == str(heavy) else path): found
        for path, found in json.loads(result.stdout.strip().splitlines()[-1]).items()
    }


@pytest.mark.slow
@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_file_parses_fast_without_the_pipeline_libraries(parsed, path):
    result = parsed[str(path)]
    reraise(result.get("error", ""))  # a DAG file that is a skeleton: its task
    assert "error" not in result, result.get("error")
    assert not HEAVY & set(result["modules"]), (
        f"imported at parse time: {HEAVY & set(result['modules'])}"
    )
    assert result["seconds"] < LIMIT_S, f"{result['seconds']:.2f} s beyond airflow.sdk"


@pytest.mark.slow
def test_the_parse_check_does_catch_a_heavy_dag_file(parsed):
    assert "pandas" in parsed["heavy_dag.py"]["modules"]
