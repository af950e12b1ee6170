"""The repository and its own contracts: class folders, the data folder, the commit,
two-command setup, the course map and its points."""

import importlib.util
import os
import re
import subprocess
import tomllib

import pytest

from kurs.repository import (
    REPO_ROOT,
    class_folders,
    class_number,
    code_version,
    data_dir,
)

ROOT = REPO_ROOT
# Points per class from the course plan (../shared/course/plan_zajec.md).
PLAN_POINTS = {1: 5, 2: 20, 3: 20, 4: 5, 5: 20, 6: 5, 7: 10, 8: 5, 9: 5, 10: 10, 11: 5}
CLASS_DIRS = class_folders()


def test_there_are_eleven_class_packages_and_the_shared_ones():
    assert [class_number(d) for d in CLASS_DIRS] == list(range(1, 12))
    for folder in [*CLASS_DIRS, ROOT / "kurs", ROOT / "grading"]:
        assert (folder / "__init__.py").is_file(), folder.name
        assert (folder / "README.md").is_file(), folder.name


def test_class_folders_are_found_by_their_name(tmp_path):
    for name in ("zajecia_02_b", "zajecia_10_k", "zajecia_1_zle", "kurs"):
        (tmp_path / name).mkdir()
    (tmp_path / "zajecia_03_plik").touch()
    assert [f.name for f in class_folders(tmp_path)] == ["zajecia_02_b", "zajecia_10_k"]
    with pytest.raises(ValueError, match="nie jest folderem zajęć"):
        class_number(tmp_path / "kurs")


def test_data_folder_defaults_to_data_in_the_repository(tmp_path):
    assert data_dir({}) == REPO_ROOT / "data"
    assert data_dir({"MLOPS_DATA_DIR": str(tmp_path)}) == tmp_path.resolve()


def test_code_version_prefers_the_environment(monkeypatch):
    code_version.cache_clear()
    monkeypatch.setenv("MLOPS_CODE_VERSION", "obraz-1.2")
    assert code_version() == "obraz-1.2"
    code_version.cache_clear()
    monkeypatch.delenv("MLOPS_CODE_VERSION")
    commit = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True
    ).stdout.strip()
    assert code_version().startswith(commit)  # the repository is a git checkout
    code_version.cache_clear()


def test_uv_is_pinned_to_one_version_everywhere():
    makefile = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]["dev"]
    lock = re.search(
        r'\[\[package\]\]\nname = "uv"\nversion = "([^"]+)"', (ROOT / "uv.lock").read_text()
    )
    assert f"uv=={makefile.group(1)}" in dev
    assert lock.group(1) == makefile.group(1)


def test_jsonschema_imports_without_the_parsers_of_rfc3987_syntax():
    # The override in pyproject.toml keeps it out of the environment: with it, every
    # Airflow process paid 2.2 s at start-up, and jsonschema still validates without it.
    import jsonschema

    assert importlib.util.find_spec("rfc3987_syntax") is None
    errors = jsonschema.Draft7Validator({"type": "integer"}).iter_errors("1")
    assert [error.message for error in errors] == ["'1' is not of type 'integer'"]


def test_ci_runs_exactly_the_readme_test_command():
    ci = ROOT / ".ci" / "run"
    assert os.access(ci, os.X_OK)
    commands = [line for line in ci.read_text().splitlines() if line and not line.startswith("#")]
    assert commands[-1] == "exec make test"


def test_quick_start_has_exactly_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Szybki start", 1)[1]
    block = quick_start.split("```bash\n", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.splitlines()] == ["make run", "make test"]


@pytest.mark.parametrize("folder", CLASS_DIRS, ids=lambda d: d.name)
def test_class_readme_has_its_title_and_the_plans_points(folder):
    """The table's rows are grading/rubric.yaml's (grading/tests/test_rubric.py)."""
    number = class_number(folder)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# Zajęcia {number:02d} — ")
    assert f"## Punktacja ({PLAN_POINTS[number]} pkt)" in readme


def test_course_map_lists_every_class_with_its_points():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d\d) [^|]+\| \[`(zajecia_\d\d_\w+)/`\][^|]+\| (\d+) \|", readme, re.M)
    assert [(int(n), folder) for n, folder, _ in rows] == [
        (class_number(d), d.name) for d in CLASS_DIRS
    ]
    assert {int(n): int(points) for n, _, points in rows} == PLAN_POINTS
