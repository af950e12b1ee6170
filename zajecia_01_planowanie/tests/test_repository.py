"""The repository's own contracts: layout, two-command setup, course map, import direction."""

import ast
import os
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Points per class from the course plan (../shared/course/plan_zajec.md).
PLAN_POINTS = {1: 5, 2: 20, 3: 20, 4: 5, 5: 20, 6: 5, 7: 10, 8: 5, 9: 5, 10: 10, 11: 5}
CLASS_DIRS = sorted(ROOT.glob("zajecia_[0-9][0-9]_*"))


def class_number(path: Path) -> int:
    return int(path.name.split("_")[1])


def test_there_are_eleven_class_packages():
    assert [class_number(d) for d in CLASS_DIRS] == list(range(1, 12))
    for folder in [*CLASS_DIRS, ROOT / "grading"]:
        assert (folder / "__init__.py").is_file(), folder.name
        assert (folder / "README.md").is_file(), folder.name


def test_uv_is_pinned_to_one_version_everywhere():
    makefile = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]["dev"]
    lock = re.search(
        r'\[\[package\]\]\nname = "uv"\nversion = "([^"]+)"', (ROOT / "uv.lock").read_text()
    )
    assert f"uv=={makefile.group(1)}" in dev
    assert lock.group(1) == makefile.group(1)


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


def points_table(readme: str) -> dict[str, float]:
    section = readme.split("\n## Punktacja", 1)[1]
    return {
        m[1]: float(m[2]) for m in re.finditer(r"^\| (\d\d\.\w+) \|[^|]+\| (\d+) \|", section, re.M)
    }


@pytest.mark.parametrize("folder", CLASS_DIRS, ids=lambda d: d.name)
def test_class_readme_points_add_up_to_the_plan(folder):
    number = class_number(folder)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# Zajęcia {number:02d} — ")
    assert f"## Punktacja ({PLAN_POINTS[number]} pkt)" in readme
    items = points_table(readme)
    assert items, "brak tabeli punktacji"
    assert all(item.startswith(f"{number:02d}.") for item in items)
    assert sum(items.values()) == PLAN_POINTS[number]


def test_course_map_lists_every_class_with_its_points():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d\d) [^|]+\| \[`(zajecia_\d\d_\w+)/`\][^|]+\| (\d+) \|", readme, re.M)
    assert [(int(n), folder) for n, folder, _ in rows] == [
        (class_number(d), d.name) for d in CLASS_DIRS
    ]
    assert {int(n): int(points) for n, _, points in rows} == PLAN_POINTS


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_imports_flow_forward_in_time_only():
    """Class N imports only from classes < N (or itself); grading imports no class."""
    wrong = []
    for path in [*ROOT.glob("zajecia_*/**/*.py"), *ROOT.glob("grading/**/*.py")]:
        top = path.relative_to(ROOT).parts[0]
        own = class_number(Path(top)) if top.startswith("zajecia_") else 0
        for module in imported_modules(path):
            match = re.match(r"zajecia_(\d\d)_", module)
            if match and (own == 0 or int(match[1]) > own):
                wrong.append(f"{path.relative_to(ROOT)} → {module}")
    assert not wrong
