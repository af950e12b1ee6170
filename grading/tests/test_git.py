"""Git on untrusted repositories: nothing the student configured runs, the student's
repository is only read, and a clean work tree is told from a dirty one."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from grading import git
from grading.tests.repos import commit_all, write_files


def _run(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def _repository(path: Path, files: dict[str, str] | None = None) -> Path:
    write_files(path, files or {"a.txt": "a\n", "zaj01/b.md": "b\n"})
    commit_all(path)
    return path


def _touch(path: Path) -> None:
    """A new modification time, content unchanged: git must rehash (and filter) the file."""
    later = path.stat().st_mtime_ns + 10**10
    os.utime(path, ns=(later, later))


def _hostile_filter(repo: Path, config: Path, marker: Path) -> None:
    """``.gitattributes`` sends every file through the filter ``evil``, whose ``clean``,
    ``smudge`` and ``process`` programs, named in ``config``, would create ``marker``."""
    write_files(repo, {".gitattributes": "* filter=evil\n"})
    commit_all(repo, "attributes")
    with config.open("a", encoding="utf-8") as handle:
        handle.write(
            '[filter "evil"]\n'
            f"\tclean = touch {marker}; cat\n"
            f"\tsmudge = touch {marker}; cat\n"
            f"\tprocess = touch {marker}\n"
        )
    _touch(repo / "a.txt")


def _control_run(repo: Path, marker: Path) -> None:
    """Plain ``git status`` in the repository does run the filter: the attack is real.

    ``b.md`` gets a new modification time and keeps its size, so git has to hash its
    content through the filter. Without it the filter runs only on "racily clean" files,
    written in the same second as the index, which on a loaded machine they are not."""
    _touch(repo / "zaj01" / "b.md")
    subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True)
    assert marker.exists()


def test_filter_in_an_included_config_file_never_runs(tmp_path):
    repo = _repository(tmp_path / "repo")
    marker = tmp_path / "filter-ran"
    included = tmp_path / "included.cfg"
    included.write_text("", encoding="utf-8")
    _run(repo, "config", "include.path", str(included))
    _hostile_filter(repo, included, marker)
    assert git.is_clean(repo)
    (repo / "a.txt").write_text("changed\n", encoding="utf-8")
    assert not git.is_clean(repo)
    assert git.head(repo) is not None
    assert not marker.exists()
    _control_run(repo, marker)


def test_filter_in_the_repository_config_never_runs(tmp_path):
    repo = _repository(tmp_path / "repo")
    marker = tmp_path / "filter-ran"
    _hostile_filter(repo, repo / ".git" / "config", marker)
    assert git.is_clean(repo)
    (repo / "a.txt").write_text("changed\n", encoding="utf-8")
    assert not git.is_clean(repo)
    assert not marker.exists()
    _control_run(repo, marker)


def test_fsmonitor_in_the_config_never_runs(tmp_path):
    repo = _repository(tmp_path / "repo")
    marker = tmp_path / "fsmonitor-ran"
    _run(repo, "config", "core.fsmonitor", f"touch {marker}; false")
    assert git.is_clean(repo)
    assert not marker.exists()


def test_filter_in_a_submodule_config_never_runs(tmp_path):
    """A gitlink whose work tree is a repository with a hostile filter: ``git status``
    would run ``git status`` inside it with its own configuration."""
    inner = _repository(tmp_path / "repo" / "sub")
    marker = tmp_path / "filter-ran"
    _hostile_filter(inner, inner / ".git" / "config", marker)
    (inner / "a.txt").write_text("changed\n", encoding="utf-8")
    repo = _repository(tmp_path / "repo", {"top.txt": "t\n"})
    assert "160000" in _run(repo, "ls-files", "-s", "sub")
    assert git.is_clean(repo)
    assert not marker.exists()
    identity = ("-c", "user.name=s", "-c", "user.email=s@s")
    moved = _run(inner, *identity, "commit-tree", "HEAD^{tree}", "-p", "HEAD", "-m", "moved")
    _run(inner, "update-ref", "HEAD", moved.strip())  # plumbing: the filter is not run
    assert not git.is_clean(repo)  # the submodule is at another commit
    assert not marker.exists()


def test_dot_git_as_a_gitdir_file(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(
        ["git", "init", "-q", f"--separate-git-dir={tmp_path / 'elsewhere.git'}", str(repo)],
        check=True,
    )
    assert (repo / ".git").is_file()
    commit = _repository(repo) and git.head(repo)
    assert commit == _run(repo, "rev-parse", "HEAD").strip()
    assert git.is_clean(repo)
    (repo / "zaj01" / "b.md").write_text("changed\n", encoding="utf-8")
    assert not git.is_clean(repo)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda repo: (repo / "a.txt").write_text("zmiana\n"), id="modified"),
        pytest.param(lambda repo: (repo / "a.txt").unlink(), id="deleted"),
        pytest.param(lambda repo: (repo / "zaj01" / "new.md").write_text("n\n"), id="untracked"),
        pytest.param(lambda repo: (repo / "nowy" / "x").mkdir(parents=True) or
                     (repo / "nowy" / "x" / "y.md").write_text("n\n"), id="untracked-folder"),
        pytest.param(lambda repo: (repo / "a.txt").write_text("zmiana\n") or
                     _run(repo, "add", "a.txt"), id="staged"),
        pytest.param(lambda repo: _run(repo, "rm", "-q", "--cached", "a.txt"),
                     id="removed-from-index"),
    ],
)  # fmt: skip
def test_uncommitted_changes_make_the_work_tree_dirty(tmp_path, change):
    repo = _repository(tmp_path / "repo")
    assert git.is_clean(repo)
    change(repo)
    assert not git.is_clean(repo)


def test_ignored_files_do_not_count(tmp_path):
    repo = _repository(tmp_path / "repo", {"a.txt": "a\n", ".gitignore": "*.log\nwyniki/\n"})
    write_files(repo, {"run.log": "x", "wyniki/out.csv": "1", "zaj01/deep.log": "x"})
    assert git.is_clean(repo)
    write_files(repo, {"zaj01/notes.md": "x"})
    assert not git.is_clean(repo)


def test_changes_hidden_by_index_flags_count_as_dirty(tmp_path):
    repo = _repository(tmp_path / "repo")
    _run(repo, "update-index", "--assume-unchanged", "a.txt")
    assert not git.is_clean(repo)
    _run(repo, "update-index", "--no-assume-unchanged", "a.txt")
    _run(repo, "update-index", "--skip-worktree", "a.txt")
    assert not git.is_clean(repo)


def test_split_index(tmp_path):
    repo = _repository(tmp_path / "repo")
    _run(repo, "update-index", "--split-index")
    assert list((repo / ".git").glob("sharedindex.*"))
    assert git.is_clean(repo)
    (repo / "a.txt").write_text("zmiana\n", encoding="utf-8")
    assert not git.is_clean(repo)


def test_student_repository_is_only_read(tmp_path):
    repo = _repository(tmp_path / "repo")
    _touch(repo / "a.txt")  # git status would refresh the index

    def state():
        return {
            str(p): (p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else b"")
            for p in repo.rglob("*")
        }

    before = state()
    assert git.is_clean(repo)
    assert state() == before


def test_not_a_repository_is_not_clean(tmp_path):
    assert git.head(tmp_path) is None
    assert not git.is_clean(tmp_path)
    assert not git.is_clean(tmp_path / "missing")


def test_a_broken_dot_git_inside_another_repository_is_not_that_repository(tmp_path):
    outer = _repository(tmp_path / "outer")
    student = outer / "student"
    (student / ".git").mkdir(parents=True)  # an empty .git folder: not a repository
    assert git.head(student) is None
    assert not git.is_clean(student)
    with pytest.raises(git.GitError):
        git.git(student, "rev-parse", "--git-dir")


def test_index_that_is_a_fifo_is_not_read(tmp_path):
    repo = _repository(tmp_path / "repo")
    index = repo / ".git" / "index"
    index.unlink()
    os.mkfifo(index)
    assert not git.is_clean(repo)  # returns at once, no read blocks


def test_shadow_borrows_objects_not_config_and_is_removed(tmp_path):
    repo = _repository(tmp_path / "repo")
    _run(repo, "config", "grading.secret", "x")
    commit = git.head(repo)
    with git.shadow(repo) as bare:
        assert git.git(bare, "cat-file", "-t", commit) == "commit"
        assert "grading.secret" not in git.git(bare, "config", "--list")
        assert not (bare / "hooks").exists()
    assert not bare.exists()
    with pytest.raises(git.GitError), git.shadow(tmp_path / "missing"):
        pass
