"""A Python client generated from ``/openapi.json`` installs and talks to the real API.

The command is the one README 07 shows (openapi-python-client with the class's config),
run against gunicorn on 127.0.0.1; the package is installed offline into a temporary
folder with the project's uv, imported, and asked for one flight, a batch and a bad one.
"""

import importlib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from kurs.repository import REPO_ROOT

pytestmark = pytest.mark.slow

README = REPO_ROOT / "zajecia_07_docker" / "README.md"
BIN = Path(sys.executable).parent
PACKAGE = "flights_api_client"


def readme_command() -> list[str]:
    """The generator command of README 07 (a line continued with a backslash joined)."""
    text = README.read_text(encoding="utf-8").replace("\\\n", " ")
    [line] = [line for line in text.splitlines() if "openapi-python-client generate" in line]
    return shlex.split(line.split("#")[0])


@pytest.fixture(scope="module")
def generated(server, tmp_path_factory):
    folder = tmp_path_factory.mktemp("client")
    command = readme_command()
    assert "--url" in command and "--config" in command
    command[command.index("--url") + 1] = f"{server.base_url}/openapi.json"
    output = command.index("--output-path") + 1
    command[output] = str(folder / command[output])
    # The generator formats its code with ruff, which it looks for on PATH.
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(command, cwd=REPO_ROOT, env=env, check=True, capture_output=True, timeout=120)
    site = folder / "site"
    # Installed for real (offline, no build isolation: setuptools is in the venv).
    subprocess.run(
        [
            *(BIN / "uv", "pip", "install", "--quiet", "--offline", "--no-deps"),
            *("--no-build-isolation", "--python", sys.executable, "--target", site),
            command[output],
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sys.path.insert(0, str(site))
    try:
        yield importlib.import_module(PACKAGE), Path(command[output])
    finally:
        sys.path.remove(str(site))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_the_package_has_a_valid_name_and_functions_named_by_operation(generated):
    package, source = generated
    setup = (source / "setup.py").read_text(encoding="utf-8")
    [name] = re.findall(r'name="([^"]+)"', setup)
    # PEP 508 distribution name; a Polish title made it "prognoza-op-óź-nie-ń-…".
    assert re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", name), name
    modules = {path.stem for path in (source / PACKAGE / "api").rglob("*.py")} - {"__init__"}
    assert modules == {"predict", "health", "ready", "model_info", "openapi", "form"}
    assert package.Client


def test_the_client_predicts_one_flight_a_batch_and_parses_a_422(generated, server, flights):
    package, _ = generated
    predict = importlib.import_module(f"{PACKAGE}.api.prognozy.predict")
    models = importlib.import_module(f"{PACKAGE}.models")
    client = package.Client(base_url=server.base_url, timeout=30)

    one = predict.sync(client=client, body=models.Flight.from_dict(flights[0]))
    assert isinstance(one, models.Prediction)
    assert one.delayed == (one.probability >= one.threshold)

    batch = models.Batch.from_dict({"instances": flights[:3]})
    answer = predict.sync(client=client, body=batch)
    assert isinstance(answer, models.BatchPrediction) and len(answer.predictions) == 3
    assert answer.predictions[0].probability == pytest.approx(one.probability, abs=1e-9)

    bad = models.Flight.from_dict(flights[0] | {"dep_hour": 30})
    refused = predict.sync_detailed(client=client, body=bad)
    assert refused.status_code == 422 and isinstance(refused.parsed, models.Error)
    [field] = refused.parsed.error.fields
    assert (field.field, field.message) == ("dep_hour", "wartość 30 poza zakresem od 0 do 23")
