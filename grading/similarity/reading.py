"""One student's repository read once: its own shingles per category (the reference
subtracted), its generated evidence, and notes in Polish on what could not be read. A
repository that cannot be read at all is a row with a note, never an exception."""

from __future__ import annotations

from pathlib import Path

from grading.model import StudentError
from grading.polish import plural
from grading.project import PROJECT_FILE, load_project
from grading.repo_files import RepoFiles
from grading.similarity.categories import CATEGORIES
from grading.similarity.evidence import evidence
from grading.similarity.files import compared_text, repository_files
from grading.similarity.model import Reference, Repository
from grading.similarity.reference import own_shingles
from grading.similarity.tokens import Reader

# Files compared in one repository at most (the reference has about 260): a repository of
# a million files must not hold up the batch.
MAX_FILES = 2000


def read_repository(name: str, root: Path, ref: Reference, reader: Reader) -> Repository:
    """The shingles and evidence of the repository at ``root``."""
    repository = Repository(name)
    try:
        _read_into(repository, RepoFiles(root), ref, reader)
    except Exception as error:  # a hostile repository must not stop the batch
        repository.notes.append(
            f"nie udało się odczytać repozytorium ({type(error).__name__}: {str(error)[:200]})"
        )
    return repository


def _read_into(repository: Repository, files: RepoFiles, ref: Reference, reader: Reader) -> None:
    project = load_project(files)
    if not project.found:
        repository.notes.append(
            f"brak {PROJECT_FILE} — pliki według domyślnych ścieżek kursu i wzorców"
        )
    elif project.problems:
        count = plural(len(project.problems), "problem", "problemy", "problemów")
        repository.notes.append(
            f"{PROJECT_FILE} ma {count} — zamiast złych wpisów domyślne ścieżki kursu"
        )
    unread: list[str] = []
    paths = repository_files(files, project, ref.project)
    left = MAX_FILES
    for category in CATEGORIES:
        found: set[int] = set()
        for path in paths[category.id][:left]:
            try:
                found |= own_shingles(compared_text(files, path, category), category, ref, reader)
            except StudentError as error:
                unread.append(error.message)
        repository.shingles[category.id] = frozenset(found)
        repository.files[category.id] = min(len(paths[category.id]), left)
        left -= repository.files[category.id]
    listed = sum(map(len, paths.values()))
    if listed > MAX_FILES:
        repository.notes.append(f"porównane {MAX_FILES} pierwszych z {listed} plików")
    generated = evidence(files, project, ref.project)
    repository.values = {key: found - ref.values for key, found in generated.values.items()}
    repository.checksums = generated.model_checksums - ref.checksums
    if unread:
        skipped = plural(len(unread), "plik pominięty", "pliki pominięte", "plików pominiętych")
        more = "…" if len(unread) > 3 else ""
        repository.notes.append(f"{skipped}: " + "; ".join(unread[:3]) + more)
