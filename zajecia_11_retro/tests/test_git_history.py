"""Commits and changed lines per folder, on small repositories built here with known
changes; and what happens when there is no history to read."""

import pytest

from zajecia_11_retro.git_history import (
    OTHER,
    FolderChanges,
    HistoryUnavailable,
    folder_of,
    read_history,
)

RETRO = "zajecia_11_z/retro.md"


@pytest.fixture
def repo(new_repo, git, commit):
    """Five counted commits, and three that are not: one changing only a skipped file, an
    empty one and a merge."""
    root = new_repo()
    commit(
        root,
        {"zajecia_01_x/a.py": "a\nb\nc\n", "kurs/k.py": "k\nk\n", "README.md": "# R\n"},
        "2026-01-05",
    )
    commit(
        root, {"zajecia_01_x/a.py": "a\nB\nc\n", "zajecia_02_y/b.py": "1\n2\n3\n4"}, "2026-01-06"
    )
    commit(root, {"kurs/k.py": None, "zajecia_02_y/obraz.bin": b"\0\1\2"}, "2026-01-07")
    commit(root, {RETRO: "retrospektywa\n"}, "2026-01-08")
    commit(root, {}, "2026-01-09")
    git(root, "checkout", "-q", "-b", "boczna")
    commit(root, {"grading/g.py": "1\n2\n3\n4\n5\n"}, "2026-01-10")
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-ff", "-m", "scalenie", "boczna", day="2026-01-11")
    # git sees a rename; counted as a deletion here and an addition there
    commit(root, {"zajecia_01_x/a.py": None, "docs/a.py": "a\nB\nc\n"}, "2026-01-12")
    return root


def test_commits_and_lines_per_folder(repo):
    history = read_history(repo, skip={RETRO})
    assert history.folders == (
        # a.py: 3 added, then 1 changed (1 + 1), then moved away (3 deleted)
        FolderChanges("zajecia_01_x/", commits=3, added=4, deleted=4),
        # b.py has no newline at its end: its last line counts all the same; a binary
        # file is changed with no lines
        FolderChanges("zajecia_02_y/", commits=2, added=4, deleted=0),
        FolderChanges("kurs/", commits=2, added=2, deleted=2),
        FolderChanges("grading/", commits=1, added=5, deleted=0),
        FolderChanges(OTHER, commits=2, added=4, deleted=0),  # README.md, docs/a.py
    )
    assert history.commits == 5
    assert (history.added, history.deleted) == (19, 6)
    assert (history.first_day, history.last_day) == ("2026-01-05", "2026-01-12")
    assert not history.shallow


def test_without_skip_the_retrospective_commit_counts(repo):
    history = read_history(repo)
    assert history.commits == 6
    assert history.folders[2] == FolderChanges("zajecia_11_z/", commits=1, added=1, deleted=0)
    assert history.folders[3] == FolderChanges("kurs/", commits=2, added=2, deleted=2)


def test_folders():
    assert folder_of("zajecia_03_airflow_ingest/dags/flights_ingest.py") == (
        "zajecia_03_airflow_ingest/"
    )
    assert folder_of("kurs/runner.py") == "kurs/"
    assert folder_of("grading/README.md") == "grading/"
    assert [folder_of(p) for p in ("Makefile", ".ci/run", "zajecia_1_x/a.py", "kursy/a")] == [
        OTHER
    ] * 4


def test_a_shallow_clone_is_marked_and_counts_only_what_it_fetched(repo, git, tmp_path):
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", "plytki")
    history = read_history(tmp_path / "plytki")
    assert history.shallow
    assert history.commits == 1
    # The one fetched commit shows the whole tree as added.
    assert {f.folder: (f.added, f.deleted) for f in history.folders if f.commits} == {
        "zajecia_02_y/": (4, 0),
        "zajecia_11_z/": (1, 0),
        "grading/": (5, 0),
        OTHER: (4, 0),
    }


def test_a_folder_that_is_not_a_repository(git, tmp_path):
    (tmp_path / "z_archiwum_zip").mkdir()
    with pytest.raises(HistoryUnavailable, match="ten folder nie jest repozytorium git"):
        read_history(tmp_path / "z_archiwum_zip")


def test_a_repository_without_commits(new_repo):
    with pytest.raises(HistoryUnavailable, match="nie ma jeszcze commitów ze zmianami"):
        read_history(new_repo())


def test_git_not_installed(repo, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "pusty"))
    with pytest.raises(HistoryUnavailable, match="git nie jest zainstalowany"):
        read_history(repo)


def test_git_failing_is_said_with_its_first_line(repo):
    (repo / ".git" / "config").write_text("[zepsuty\n")
    with pytest.raises(HistoryUnavailable) as caught:
        read_history(repo)
    assert (
        str(caught.value)
        == "git zakończył się błędem: fatal: bad config line 1 in file .git/config"
    )
