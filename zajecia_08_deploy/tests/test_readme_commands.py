"""Every command a README shows works as written — or this file names the tests that check
what it does. READMEs of classes 01–08, the root README and ``kurs/README.md``.

A command is a line of a ``bash`` (``sh``, ``shell``, ``console``) code block — output
belongs in a ``text`` or ``json`` block — or the first cell of a table whose first column
is "Polecenie". ``cd folder`` lines (also ``cd folder && …``) are checked to exist and
change the folder of the block's next commands; a command there is listed as
``folder: command``.

Every command is in exactly one of two tables:

* :data:`RUN` — run here for real, as written, in a private data folder
  (``MLOPS_DATA_DIR``), never touching files the repository tracks. Only a server's port
  is replaced (``127.0.0.1:8000`` → a free port) and ``.venv/bin/`` is this environment;
* :data:`EQUIVALENT` — too slow for this test (a whole course run), or it needs Docker,
  or it rewrites committed files: the tests named there (which must exist) check what it
  does. ``make`` targets are also dry-run (``make -n``).

A README command in neither table fails :func:`test_every_readme_command_is_run_or_covered`,
and so does a table entry that no README shows any more: a README cannot drift from the
code silently. A new command: add a line to one of the tables.

This is the test of the last class that the READMEs cover, because it runs their commands
on the session's data of the classes before it.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from kurs.repository import REPO_ROOT, class_folders, class_number
from kurs.testing.due import reraise
from kurs.testing.shared import private_copy
from zajecia_03_airflow_ingest.config import IngestConfig
from zajecia_03_airflow_ingest.ingest import ingest_month
from zajecia_04_preprocessing.preprocess import preprocess_month
from zajecia_07_docker.server import free_port

LAST_CLASS = 8
READMES = [
    REPO_ROOT / "README.md",
    REPO_ROOT / "kurs" / "README.md",
    *(f / "README.md" for f in class_folders() if class_number(f) <= LAST_CLASS),
]
SHELL_BLOCKS = {"bash", "sh", "shell", "console"}
FENCE = re.compile(r"^```(\S*)")
COMMENT = re.compile(r"(^|\s+)#(\s.*)?$")
# Where the READMEs' servers listen; a test's server takes a free port instead.
README_ADDRESSES = ("http://127.0.0.1:8000", "localhost:8000")

# ---------------------------------------------------------------------------------------
# Commands run here, by the scenario named in the comment above each group.

# test_planning_commands
PLANNING = [
    ".venv/bin/python -m zajecia_01_planowanie validate",
    ".venv/bin/python -m zajecia_01_planowanie validate inny.yaml",
]
# test_registry_commands: on a registry with two versions.
REGISTRY = [
    ".venv/bin/python -m zajecia_05_model list",
    ".venv/bin/python -m zajecia_05_model show production",
]
# test_api_commands
API_SERVER = (
    ".venv/bin/gunicorn --config zajecia_07_docker/gunicorn.conf.py zajecia_07_docker.wsgi:app"
)
API_CLIENT = [
    "curl -s localhost:8000/predict -H 'Content-Type: application/json' "
    "-H 'X-Request-ID: lot-1' -d @zajecia_07_docker/lot.json",
    "curl -s localhost:8000/predict -H 'Content-Type: application/json' "
    "-H 'X-Request-ID: partia-1' -d @zajecia_07_docker/partia.json",
]
# test_production_commands: in README order, against the production server.
PRODUCTION_SERVER = (
    ".venv/bin/gunicorn --config zajecia_08_deploy/gunicorn.conf.py zajecia_08_deploy.wsgi:app"
)
PRODUCTION = [
    ".venv/bin/python -m zajecia_08_deploy replay 2013-08 --url http://127.0.0.1:8000 --limit 2000",
    ".venv/bin/python -m zajecia_08_deploy deploy v0002 --month 2013-08 --url http://127.0.0.1:8000",
    ".venv/bin/python -m zajecia_08_deploy rollback --url http://127.0.0.1:8000",
]
RUN = {*PLANNING, *REGISTRY, API_SERVER, *API_CLIENT, PRODUCTION_SERVER, *PRODUCTION}

# ---------------------------------------------------------------------------------------
# Commands checked by other tests: "path" (a folder or file of tests) or "path::test".
# DRY_RUN: a make target that only test_make_targets_exist dry-runs (a comment says why).

DRY_RUN: tuple[str, ...] = ()

WHOLE_RUN = (
    "kurs/tests/test_runner.py",
    "zajecia_03_airflow_ingest/tests/test_step.py",
    "zajecia_04_preprocessing/tests/test_step.py",
    "zajecia_07_docker/tests/test_step.py",
    "zajecia_08_deploy/tests/test_step.py",
)
# `python -m kurs.backfill DAG --months …` as a student starts it: the by-hand start (its
# own Airflow in a child process) is run in test_backfill; each DAG's month in its class.
BACKFILL_BY_HAND = (
    "kurs/tests/test_backfill.py::test_a_failed_month_stops_the_backfill_with_its_line"
)
STACK_03 = (
    "zajecia_03_airflow_ingest/tests/test_docker.py",
    "kurs/tests/test_airflow_env.py",
)
STACK_04 = (
    "zajecia_04_preprocessing/tests/test_docker.py::test_both_class_folders_start_one_and_the_same_airflow",
    *STACK_03,
)
STACK_05 = (
    "zajecia_05_model/tests/test_docker.py",
    *STACK_03,
)
MLFLOW_UI = (
    "zajecia_05_model/tests/test_mlflow_ui.py::test_the_ui_server_answers_health_and_serves_the_runs",
    "zajecia_05_model/tests/test_mlflow_ui.py::test_the_server_listens_on_localhost_with_one_worker",
)
CELERY_03 = (
    "zajecia_03_airflow_ingest/tests/test_celery_compose.py",
    "zajecia_03_airflow_ingest/tests/test_entrypoint.py::"
    "test_a_celery_worker_starts_like_every_container_and_is_the_process_docker_signals",
)
CELERY_COMMAND = "docker compose -f docker-compose.yml -f docker-compose.celery.yml"
STACK_07 = (
    "zajecia_07_docker/tests/test_compose.py",
    "zajecia_07_docker/tests/test_dockerfile.py",
)
STACK_08 = (
    "zajecia_08_deploy/tests/test_stack_compose.py",
    "zajecia_08_deploy/tests/test_dockerfile.py",
    "zajecia_08_deploy/tests/test_prometheus.py",
)
SCHEDULER_END_TO_END = (
    "zajecia_04_preprocessing/tests/test_scheduler_end_to_end.py::"
    "test_scheduler_runs_ingest_and_then_preprocess_on_its_asset"
)
EQUIVALENT: dict[str, tuple[str, ...]] = {
    # The whole course: every step's tests, and the runner's.
    "make run": WHOLE_RUN,
    ".venv/bin/python -m kurs": WHOLE_RUN,
    "MLOPS_DATA_DIR=/tmp/moje-dane make run": (
        *WHOLE_RUN,
        "kurs/tests/test_repository.py::test_data_folder_defaults_to_data_in_the_repository",
    ),
    ".venv/bin/python -m kurs --only 1 2": (
        "kurs/tests/test_runner.py::test_only_runs_the_chosen_classes_on_the_data_folder_resolved_once",
        "zajecia_01_planowanie/tests/test_cli.py::test_render_writes_plan_and_chart",
        "zajecia_02_eda/tests/test_eda.py::test_notebook_runs_from_scratch_and_reproduces_the_committed_outputs",
    ),
    ".venv/bin/python -m kurs --only 3": ("zajecia_03_airflow_ingest/tests/test_step.py",),
    ".venv/bin/python -m kurs --only 3 4": (
        "kurs/tests/test_runner.py::test_only_runs_the_chosen_classes_on_the_data_folder_resolved_once",
        "zajecia_03_airflow_ingest/tests/test_step.py",
        "zajecia_04_preprocessing/tests/test_step.py",
    ),
    # BEGIN SOLUTION NO PROMPT
    # The instructor's chapter of README.md, which the student starter does not have.
    "make starter DEST=../mlops-student": (
        "kurs/tests/test_starter.py",
        "kurs/tests/test_starter_markers.py",
    ),
    'make grade REPOS="../grupa1/*" OUT=wyniki DEADLINES=terminy.yaml JOBS=2': (
        "grading/tests/test_cli.py::"
        "test_late_work_is_graded_at_the_deadline_in_a_batch_and_overrides_apply_last",
    ),
    'make grade REPOS="../grupa1/*" OUT=wyniki-run RUN=1 JOBS=2': (
        "grading/tests/test_run_mode.py::test_a_batch_of_hostile_repositories_finishes",
    ),
    # END SOLUTION
    # The command that runs this test; CI runs exactly it.
    "make test": ("kurs/tests/test_repository.py::test_ci_runs_exactly_the_readme_test_command",),
    # lint: ruff as in make test; format and clean change files; bench measures (it needs
    # the data of make run and wrk) what the classes' tests check.
    "make lint": DRY_RUN,
    "make format": DRY_RUN,
    "make clean": DRY_RUN,
    "make bench": DRY_RUN,
    "make bench-run": DRY_RUN,
    "make lab": ("kurs/tests/test_makefile.py::test_lab_allows_root_only_for_root",),
    ".venv/bin/python -m kurs --force": (
        "kurs/tests/test_runner.py::"
        "test_a_step_whose_output_is_gone_runs_again_and_so_does_every_step_after_it",
    ),
    # make airflow under Airflow's real scheduler: the end-to-end test starts exactly it.
    "make airflow": (SCHEDULER_END_TO_END,),
    # A server until Ctrl+C: the test starts the module it runs, on a free port.
    "make mlflow": MLFLOW_UI,
    "make mlflow PORT=5001": (
        *MLFLOW_UI,
        "kurs/tests/test_makefile.py::test_mlflow_passes_the_port_only_when_given",
    ),
    (
        "MLOPS_AIRFLOW_DATABASE_URL=postgresql+psycopg2://airflow:haslo@127.0.0.1:5432/airflow "
        "make airflow"
    ): (
        "kurs/tests/test_airflow_local.py::test_make_airflow_takes_the_database_from_the_environment",
        SCHEDULER_END_TO_END,
    ),
    ".venv/bin/pytest zajecia_04_preprocessing/tests/test_scheduler_end_to_end.py": (
        SCHEDULER_END_TO_END,
    ),
    # Each class's tests are a part of make test; run alone, they need no coverage total.
    **{
        f".venv/bin/pytest {folder.name}": (f"{folder.name}/tests",)
        for folder in class_folders()
        if class_number(folder) <= LAST_CLASS
    },
    # The test runs this very line of README 07 (output elsewhere), installs the client
    # and calls the API with it.
    (
        ".venv/bin/openapi-python-client generate --url http://127.0.0.1:8000/openapi.json "
        "--config zajecia_07_docker/openapi-client.yaml --meta setup "
        "--output-path flights-api-client"
    ): (
        "zajecia_07_docker/tests/test_openapi_client.py::"
        "test_the_client_predicts_one_flight_a_batch_and_parses_a_422",
    ),
    # Rewrites the committed notebook and its HTML; the test runs it in a copy.
    ".venv/bin/python -m zajecia_02_eda": (
        "zajecia_02_eda/tests/test_eda.py::test_notebook_runs_from_scratch_and_reproduces_the_committed_outputs",
        "zajecia_02_eda/tests/test_notebook.py::test_execute_in_place_writes_notebook_and_html",
    ),
    # Rewrites the committed plan; the test renders into another folder.
    ".venv/bin/python -m zajecia_01_planowanie render": (
        "zajecia_01_planowanie/tests/test_cli.py::test_render_writes_plan_and_chart",
    ),
    ".venv/bin/python -m kurs.backfill flights_ingest --months 2013-01": (
        BACKFILL_BY_HAND,
        "zajecia_03_airflow_ingest/tests/test_dags.py::test_ingest_dag_runs_a_month_and_emits_the_asset",
    ),
    ".venv/bin/python -m kurs.backfill flights_ingest --months 2013-01 2013-02": (
        BACKFILL_BY_HAND,
        "zajecia_03_airflow_ingest/tests/test_step.py",
    ),
    ".venv/bin/python -m kurs.backfill flights_preprocess --months 2013-01": (
        BACKFILL_BY_HAND,
        "zajecia_04_preprocessing/tests/test_dags.py::test_preprocess_an_ingested_month",
    ),
    ".venv/bin/python -m kurs.backfill flights_train --months 2013-06": (
        BACKFILL_BY_HAND,
        "zajecia_05_model/tests/test_dags.py::test_train_gate_register",
    ),
    ".venv/bin/python -m kurs.backfill flights_monitor --months 2013-10": (
        BACKFILL_BY_HAND,
        "zajecia_06_monitoring/tests/test_dags.py::test_healthy_month_writes_the_report_and_no_alert",
    ),
    ".venv/bin/python -m kurs.backfill flights_live_quality --months 2013-08": (
        BACKFILL_BY_HAND,
        "zajecia_08_deploy/tests/test_dags.py::test_month_with_predictions_writes_the_report",
    ),
    # The same entry as list and show, run above; each subcommand in-process.
    ".venv/bin/python -m zajecia_05_model promote v0002": (
        "zajecia_05_model/tests/test_registry_cli.py::test_promote_then_rollback",
    ),
    ".venv/bin/python -m zajecia_05_model rollback": (
        "zajecia_05_model/tests/test_registry_cli.py::test_promote_then_rollback",
    ),
    ".venv/bin/python -m zajecia_05_model show production --json": (
        "zajecia_05_model/tests/test_registry_cli.py::test_json_list_and_show_give_what_the_grader_reads",
    ),
    # Rewrites the committed sample; the test makes it into another folder.
    ".venv/bin/python -m zajecia_03_airflow_ingest.source_sample": (
        "zajecia_03_airflow_ingest/tests/test_source_sample.py::test_the_committed_sample_is_what_the_script_makes",
    ),
    # Docker: no engine here; the files are checked statically (kurs/testing/docker.py).
    "zajecia_03_airflow_ingest: docker compose up --build": STACK_03,
    "zajecia_04_preprocessing: docker compose up --build": STACK_04,
    "zajecia_05_model: docker compose up --build": STACK_05,
    "zajecia_07_docker: docker compose up --build": STACK_07,
    "zajecia_07_docker: ./deploy.sh": ("zajecia_07_docker/tests/test_deploy_script.py",),
    "zajecia_08_deploy: docker compose up --build": STACK_08,
    "zajecia_08_deploy: docker compose up --build --scale api=3": (
        *STACK_08,
        "zajecia_08_deploy/tests/test_proxy.py",
    ),
    **{
        f"zajecia_03_airflow_ingest: {CELERY_COMMAND} {arguments}": CELERY_03
        for arguments in (
            "up --build",
            "up -d --scale airflow-worker=3",
            "--profile flower up -d",
            "down",
        )
    },
    # From the folder of a later class whose compose file includes class 03's.
    (
        "docker compose -f docker-compose.yml "
        "-f ../zajecia_03_airflow_ingest/docker-compose.celery.yml up --build"
    ): CELERY_03,
}


# ---------------------------------------------------------------------------------------
# Reading the READMEs


@dataclass(frozen=True)
class Command:
    readme: Path
    line: int
    folder: str  # relative to the repository; "" for its root
    text: str

    @property
    def key(self) -> str:
        return f"{self.folder}: {self.text}" if self.folder else self.text

    def __str__(self) -> str:
        return f"{self.readme.relative_to(REPO_ROOT)}:{self.line}: {self.key}"


def _commands_of_line(readme: Path, number: int, text: str, folder: str) -> tuple[list, str]:
    """The commands of one shell line, and the folder the block continues in."""
    found = []
    for part in text.split(" && "):
        if part.startswith("cd "):
            target = (REPO_ROOT / folder / part[3:].strip()).resolve()
            if not target.is_dir():
                raise AssertionError(f"{readme}:{number}: nie ma folderu {target}")
            folder = "" if target == REPO_ROOT else str(target.relative_to(REPO_ROOT))
        else:
            found.append(Command(readme, number, folder, part))
    return found, folder


def readme_commands(readme: Path) -> list[Command]:
    """The commands of ``readme``'s shell blocks and of its "Polecenie" tables."""
    found, block, folder, in_table, pending = [], None, "", False, ""
    for number, line in enumerate(readme.read_text(encoding="utf-8").splitlines(), 1):
        if fence := FENCE.match(line):
            block, folder = (None, "") if block is not None else (fence[1], "")
            continue
        if block in SHELL_BLOCKS:
            text = pending + " " + COMMENT.sub("", line)
            if text.endswith("\\"):  # continued: one command, at its last line
                pending = text[:-1]
                continue
            pending, text = "", " ".join(text.split())
            if text:
                commands, folder = _commands_of_line(readme, number, text, folder)
                found += commands
        elif block is None:
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if line.startswith("|") and cells[0] == "Polecenie":
                in_table = True
            elif in_table and line.startswith("|"):
                if span := re.fullmatch(r"`([^`]+)`", cells[0]):
                    found.append(Command(readme, number, "", span[1]))
            else:
                in_table = False
    return found


def all_commands() -> list[Command]:
    return [command for readme in READMES for command in readme_commands(readme)]


def test_every_readme_command_is_run_or_covered():
    commands = all_commands()
    unknown = [str(c) for c in commands if c.key not in RUN and c.key not in EQUIVALENT]
    assert unknown == [], (
        "Polecenia z README, których nie uruchamia ten test ani nie pokrywa test wskazany "
        "w EQUIVALENT — dopisz je do tabeli (albo popraw README):\n" + "\n".join(unknown)
    )
    shown = {c.key for c in commands}
    gone = sorted((RUN | EQUIVALENT.keys()) - shown)
    assert gone == [], "Tych poleceń z tabel nie ma już w README:\n" + "\n".join(gone)
    assert RUN.isdisjoint(EQUIVALENT)


def test_the_reader_finds_blocks_tables_and_folders(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "```bash\nmake run   # komentarz\n# sam komentarz\n\ncd zajecia_07_docker && ./x.sh\n"
        "ls \\\n  -l\n```\n\n```text\nto nie polecenie\n```\n\n```python\nprint(1)\n```\n\n"
        "| Polecenie | Co robi |\n|---|---|\n| `make lab` | JupyterLab |\n\n| `nie` | tabela |\n"
    )
    assert [(c.line, c.key) for c in readme_commands(readme)] == [
        (2, "make run"),
        (5, "zajecia_07_docker: ./x.sh"),
        (7, "zajecia_07_docker: ls -l"),
        (20, "make lab"),
    ]


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_equivalent_names_existing_tests():
    missing = [c for c, tests in EQUIVALENT.items() if not tests and not c.startswith("make ")]
    for command, tests in EQUIVALENT.items():
        for test in tests:
            path, _, name = test.partition("::")
            target = REPO_ROOT / path
            if target.is_dir():
                exists = any(target.glob("test_*.py"))
            else:
                exists = target.is_file() and (not name or name in defined_tests(target))
            if not exists:
                missing.append(f"{command} → {test}")
    assert missing == []


def test_make_targets_exist():
    """Every ``make`` command of a README names a target (``make -n``: nothing runs)."""
    for key in sorted({c.text for c in all_commands() if " make " in f" {c.text}"}):
        words = shlex.split(key)
        assignments = dict(word.split("=", 1) for word in words[: words.index("make")])
        result = subprocess.run(
            ["make", "-n", *words[words.index("make") + 1 :]],
            cwd=REPO_ROOT,
            env={**os.environ, **assignments},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, f"{key}: {result.stderr}"


# ---------------------------------------------------------------------------------------
# Running commands as written


def student_environment(data_dir: Path) -> dict[str, str]:
    """A student's shell: no Airflow settings of this test session, the data folder given."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    return {**environment, "MLOPS_DATA_DIR": str(data_dir)}


def argv(command: str, address: str | None = None) -> list[str]:
    """The command's words: ``.venv/bin/`` of this environment, the server's address."""
    for readme_address in README_ADDRESSES:
        if address:
            command = command.replace(readme_address, address)
    words = shlex.split(command)
    if words[0].startswith(".venv/bin/"):
        words[0] = str(Path(sys.executable).parent / words[0].removeprefix(".venv/bin/"))
    return words


def run(command: str, env: dict, cwd: Path = REPO_ROOT, address: str | None = None) -> str:
    """Run a README command; its output. Fails the test when it exits with an error."""
    assert command in RUN  # a scenario runs only what the table lists
    result = subprocess.run(
        argv(command, address), cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        reraise(result.stderr)  # a skeleton the command runs: its task
    assert result.returncode == 0, (
        f"{command}\nkod {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


@contextmanager
def server(command: str, env: dict, log: Path):
    """A README's gunicorn command on a free port (``API_BIND``); yields its address once
    ``/health`` answers 200, then stops it with SIGTERM (Ctrl+C) and checks it ended well."""
    assert command in RUN
    bind = f"127.0.0.1:{free_port()}"
    with log.open("w") as output:
        process = subprocess.Popen(
            argv(command),
            cwd=REPO_ROOT,
            env={**env, "API_BIND": bind},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    address, deadline = f"http://{bind}", time.monotonic() + 60
    try:
        while True:
            if process.poll() is not None:
                reraise(log.read_text())  # a skeleton the server loads: its task
            assert process.poll() is None, f"{command}:\n{log.read_text()[-3000:]}"
            try:
                with urllib.request.urlopen(f"{address}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                assert time.monotonic() < deadline, f"{command}: brak /health w 60 s"
                time.sleep(0.2)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert process.returncode == 0, log.read_text()[-3000:]


def test_planning_commands(tmp_path):
    env = student_environment(tmp_path)
    run(PLANNING[0], env)
    # "inny.yaml" stands for any backlog file: a copy of the class's own, elsewhere.
    shutil.copy(REPO_ROOT / "zajecia_01_planowanie" / "backlog.yaml", tmp_path / "inny.yaml")
    run(PLANNING[1], env, cwd=tmp_path)


@pytest.mark.slow
def test_registry_commands(two_versions, tmp_path):
    data = private_copy(two_versions, tmp_path / "data")
    env = student_environment(data)
    listed, shown = (run(command, env) for command in REGISTRY)
    assert "v0002" in listed and "v0001" in shown


@pytest.mark.slow
def test_api_commands(two_versions, tmp_path):
    data = private_copy(two_versions, tmp_path / "data")
    env = student_environment(data)
    with server(API_SERVER, env, tmp_path / "api.log") as address:
        for command in API_CLIENT:
            answer = json.loads(run(command, env, address=address))
            assert "error" not in answer and answer["model_version"] == "v0001", answer


@pytest.mark.slow
def test_production_commands(two_versions, tmp_path):
    """README 08's commands in order, on the session's data plus the month they name."""
    data = private_copy(two_versions, tmp_path / "data")
    ingest_month("2013-08", IngestConfig(data_dir=data))
    preprocess_month("2013-08", data)
    env = student_environment(data)
    with server(PRODUCTION_SERVER, env, tmp_path / "api.log") as address:
        for command in PRODUCTION:
            run(command, env, address=address)
    aliases = data / "registry" / "flights_delay" / "aliases" / "production.json"
    assert json.loads(aliases.read_text())["version"] == "v0001"  # deployed, rolled back
