"""The layout rule of the repository: time flows forward only.

Class N uses classes < N, never a later one — in every kind of file: Python, templates,
configuration, Dockerfiles, compose and env files, scripts and tests. A later class is
named by its folder (``zajecia_08_deploy``) or in words ("class 08", "zajęcia 08"). The
documents a student reads (README, notebooks and their HTML) may look ahead: they tell
what comes next. ``kurs/`` imports no class folder; ``grading/`` imports nothing from the
class folders nor from ``kurs/``.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

from kurs.repository import REPO_ROOT, class_number

DOCUMENTS = {".md", ".html", ".ipynb", ".png", ".lock"}
# The backlog of class 01 plans all eleven sprints: naming every class is its job.
PLANS = {"zajecia_01_planowanie/backlog.yaml"}
FOLDER_NAME = re.compile(r"zajecia_(\d\d)_")
IN_WORDS = re.compile(
    r"\b(?:[Cc]lass(?:es)?|[Zz]aj(?:ęcia|ęć|ęciach|ęciom))"
    r"\s+(\d\d(?:\s*(?:,|and|i|oraz|–|-|…|to)\s*\d\d)*)\b"
)


def repository_files(root: Path) -> list[Path]:
    """The files git keeps (tracked and new, not ignored); every file outside a checkout."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if listed.returncode == 0 and (root / ".git").exists():
        return sorted(root / name for name in listed.stdout.splitlines() if (root / name).is_file())
    return sorted(path for path in root.rglob("*") if path.is_file())


def imports_of(text: str) -> list[str]:
    """The modules a Python file imports (absolute imports, at any depth)."""
    names = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def later_classes(line: str, own: int) -> list[int]:
    """Class numbers greater than ``own`` that a line names, by folder or in words."""
    named = [int(number) for number in FOLDER_NAME.findall(line)]
    for mention in IN_WORDS.finditer(line):
        named += [int(number) for number in re.findall(r"\d\d", mention[1])]
    return sorted({number for number in named if number > own})


def violations(root: Path) -> list[str]:
    """Every place under ``root`` that breaks the layout rule, as ``path:line: what``."""
    found = []
    for path in repository_files(root):
        relative = path.relative_to(root)
        top = relative.parts[0]
        if path.suffix in DOCUMENTS or str(relative) in PLANS:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # not text
        if FOLDER_NAME.match(top):
            own = class_number(Path(top))
            for number, line in enumerate(text.splitlines(), 1):
                if later := later_classes(line, own):
                    found.append(f"{relative}:{number}: names a later class {later}")
        elif top in ("kurs", "grading") and path.suffix == ".py":
            forbidden = ("zajecia_",) if top == "kurs" else ("zajecia_", "kurs")
            found += [
                f"{relative}: imports {module}"
                for module in imports_of(text)
                if module.split(".")[0].startswith(forbidden)
            ]
    return found


def test_the_repository_keeps_time_flowing_forward():
    assert violations(REPO_ROOT) == []


def make_repository(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_a_later_class_named_in_any_file_kind_is_caught(tmp_path):
    root = make_repository(
        tmp_path,
        {
            "zajecia_03_a/dags/x.py": "from zajecia_04_b.assets import FEATURES\n",
            "zajecia_03_a/airflow.env": 'BUNDLES=[{"path": "/p/zajecia_05_c/dags"}]\n',
            "zajecia_07_d/Dockerfile": "COPY zajecia_08_e/ zajecia_08_e/\n",
            "zajecia_07_d/docker-compose.yml": "command: [gunicorn, zajecia_08_e.wsgi:app]\n",
            "zajecia_07_d/tests/test_x.py": "# gunicorn loads both apps (classes 07 and 08)\n",
            "zajecia_06_f/templates/r.html.j2": "<p>Alert uruchamia zajęcia 09.</p>\n",
            "zajecia_05_g/config.py": "# the API of class 07 is fast\n",
            "zajecia_08_e/app.py": "from zajecia_07_d.app import create_app  # class 07\n",
            "zajecia_07_d/README.md": "Zajęcia 08 uruchamiają ten sam obraz.\n",
        },
    )
    assert violations(root) == [
        "zajecia_03_a/airflow.env:1: names a later class [5]",
        "zajecia_03_a/dags/x.py:1: names a later class [4]",
        "zajecia_05_g/config.py:1: names a later class [7]",
        "zajecia_06_f/templates/r.html.j2:1: names a later class [9]",
        "zajecia_07_d/Dockerfile:1: names a later class [8]",
        "zajecia_07_d/docker-compose.yml:1: names a later class [8]",
        "zajecia_07_d/tests/test_x.py:1: names a later class [8]",
    ]


def test_kurs_importing_a_class_and_grading_importing_anything_are_caught(tmp_path):
    root = make_repository(
        tmp_path,
        {
            "kurs/runner.py": "def f():\n    from zajecia_05_x.registry import Registry\n",
            "kurs/airflow_env.py": 'DAGS = "zajecia_*/dags"  # a path, not an import\n',
            "grading/check.py": "import kurs.polish\nfrom zajecia_02_y import data\n",
        },
    )
    assert violations(root) == [
        "grading/check.py: imports kurs.polish",
        "grading/check.py: imports zajecia_02_y",
        "kurs/runner.py: imports zajecia_05_x.registry",
    ]
