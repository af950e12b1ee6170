import os
import subprocess
from pathlib import Path

import pytest
import yaml

# Three sprints with known points: planned 8, 10, 5 (23 SP); done 8, 5, 3 (16 SP).
BACKLOG = """\
project: Projekt testowy
sprint_capacity: 10
epics:
  - {id: E01, title: Planowanie, sprint: 1}
  - {id: E02, title: EDA, sprint: 2}
  - {id: E03, title: Pobieranie, sprint: 3}
tasks:
  - {id: T1, epic: E01, title: Cel, estimate: 3, sprint: 1,
     status: done, acceptance_criteria: [gotowe]}
  - {id: T2, epic: E01, title: Backlog, estimate: 5, sprint: 1,
     status: done, acceptance_criteria: [gotowe]}
  - {id: T3, epic: E02, title: Dane, estimate: 5, sprint: 2,
     status: done, acceptance_criteria: [gotowe]}
  - {id: T4, epic: E02, title: Wykresy, estimate: 5, sprint: 2,
     status: in_progress, acceptance_criteria: [gotowe]}
  - {id: T5, epic: E03, title: DAG, estimate: 2, sprint: 3,
     status: todo, acceptance_criteria: [gotowe]}
  - {id: T6, epic: E03, title: Źródła, estimate: 3, sprint: 3,
     status: done, acceptance_criteria: [gotowe]}
"""


@pytest.fixture
def raw_backlog() -> dict:
    """The three-sprint backlog as parsed YAML."""
    return yaml.safe_load(BACKLOG)


@pytest.fixture
def backlog_file(tmp_path) -> Path:
    path = tmp_path / "backlog.yaml"
    path.write_text(BACKLOG, encoding="utf-8")
    return path


@pytest.fixture
def git(monkeypatch, tmp_path):
    """``git(repo, *args, day=...)``: git without user or system settings, with a fixed
    author and the commit's day; no repository above ``tmp_path`` is found."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Student")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "student@example.com")

    def run(repo: Path, *args: str, day: str = "2026-01-05") -> str:
        moment = f"{day}T12:00:00+0000"
        env = {**os.environ, "GIT_AUTHOR_DATE": moment, "GIT_COMMITTER_DATE": moment}
        return subprocess.run(
            ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
        ).stdout

    return run


@pytest.fixture
def commit(git):
    """``commit(repo, {path: text, bytes or None to delete}, day)``: change files, commit all."""

    def change(repo: Path, files: dict[str, str | bytes | None], day: str) -> None:
        for name, content in files.items():
            path = repo / name
            if content is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "--allow-empty", "-m", f"zmiana {day}", day=day)

    return change


@pytest.fixture
def new_repo(git, tmp_path):
    """An empty repository at ``tmp_path/name`` on branch ``main``."""

    def create(name: str = "repo") -> Path:
        repo = tmp_path / name
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        return repo

    return create
