"""The artifacts the final report is made of, read where the earlier classes wrote them.

Every number of the report and the slides comes from one of these files, and names it:
a :class:`Source` is the file's path (in the data folder or the repository) and the class
that produces it. A file that is not there stops the generation with
:class:`MissingArtifact`, whose message names the file, the class and the command that
makes it — never a report with a gap or a number typed by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kurs.repository import REPO_ROOT
from kurs.runner import MissingInputs


@dataclass(frozen=True)
class Source:
    """Where a number comes from.

    Attributes:
        path: the file, relative to the data folder (``in_data``) or to the repository.
        producer: the number of the class whose step writes it.
        in_data: whether ``path`` is in the data folder (``MLOPS_DATA_DIR``).
    """

    path: str
    producer: int
    in_data: bool = True

    def label(self) -> str:
        """``data/registry/…/metadata.json (zajęcia 05)`` — as the report cites it; the data
        folder by its default name (``MLOPS_DATA_DIR`` may put it elsewhere)."""
        where = "data/" if self.in_data else ""
        return f"`{where}{self.path}` (zajęcia {self.producer:02d})"


class MissingArtifact(MissingInputs):
    """An artifact of an earlier class is missing or outdated; the message (Polish) names
    the file, the class that produces it and the command that runs that class. A kind of
    the runner's :class:`~kurs.runner.MissingInputs`, so ``make run`` prints only it."""

    def __init__(self, path: Path, producer: int, problem: str = ""):
        what = problem or (
            f"brak plików {path} (żadnego miesiąca)" if "*" in str(path) else f"brak pliku {path}"
        )
        super().__init__(
            f"{what}: tworzy go krok zajęć {producer:02d} — uruchom "
            f"python -m kurs --only {producer} (albo cały kurs: make run)"
        )


@dataclass(frozen=True)
class Artifacts:
    """The data folder of a run and the repository, with one rule for finding files."""

    data_dir: Path
    repo_root: Path = REPO_ROOT

    def path(self, source: Source) -> Path:
        """The file of ``source``.

        Raises:
            MissingArtifact: it does not exist.
        """
        base = self.data_dir if source.in_data else self.repo_root
        path = Path(base) / source.path
        if not path.is_file():
            raise MissingArtifact(path, source.producer)
        return path

    def json(self, source: Source, required: tuple[str, ...] = ()) -> dict:
        """The JSON file of ``source``, parsed.

        Raises:
            MissingArtifact: the file is missing, or lacks a key of ``required`` — written
                by an older version of its class, whose step must run again.
        """
        content = json.loads(self.path(source).read_text(encoding="utf-8"))
        lacking = [key for key in required if key not in content]
        if lacking:
            problem = (
                f"plik {self.path(source)} pochodzi ze starszej wersji kursu "
                f"(brak pola {', '.join(lacking)})"
            )
            raise MissingArtifact(self.path(source), source.producer, problem)
        return content

    def optional_json(self, source: Source) -> dict | None:
        """The JSON file of ``source``, or ``None`` when it is not there: a measurement
        ``make run`` does not make (the API benchmark, ``make bench``)."""
        base = self.data_dir if source.in_data else self.repo_root
        return self.json(source) if (Path(base) / source.path).is_file() else None

    def text(self, source: Source) -> str:
        return self.path(source).read_text(encoding="utf-8")

    def in_data(self, path: Path, producer: int) -> Source:
        """The source of ``path``, a file in the data folder where the class ``producer``
        writes it (its own path function gives ``path``)."""
        return Source(Path(path).relative_to(self.data_dir).as_posix(), producer)

    def monthly(self, pattern: Path, producer: int) -> list[Source]:
        """Sources of a file kept per month, oldest first.

        Args:
            pattern: the file's path with ``*`` for the month, from its class's own path
                function (``summary_path(data_dir, "*")``).

        Raises:
            MissingArtifact: no month has it (the message shows the pattern).
        """
        relative = self.in_data(pattern, producer).path
        found = sorted(Path(self.data_dir).glob(relative))
        if not found:
            raise MissingArtifact(Path(pattern), producer)
        return [self.in_data(path, producer) for path in found]
