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
        """``dane/registry/…/metadata.json (zajęcia 05)`` — as the report cites it."""
        where = "dane/" if self.in_data else ""
        return f"`{where}{self.path}` (zajęcia {self.producer:02d})"


class MissingArtifact(FileNotFoundError):
    """An artifact of an earlier class is missing; the message (Polish) names the file,
    the class that produces it and the command that runs that class."""

    def __init__(self, path: Path, producer: int):
        super().__init__(
            f"brak pliku {path}: tworzy go krok zajęć {producer:02d} — uruchom "
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

    def json(self, source: Source) -> dict:
        """The JSON file of ``source``, parsed."""
        return json.loads(self.path(source).read_text(encoding="utf-8"))

    def text(self, source: Source) -> str:
        return self.path(source).read_text(encoding="utf-8")

    def monthly(self, pattern: str, producer: int) -> list[Source]:
        """Sources of a file kept per month (``monitoring/month=*/summary.json``), oldest
        first.

        Raises:
            MissingArtifact: no month has it (the message shows the pattern).
        """
        found = sorted(Path(self.data_dir).glob(pattern))
        if not found:
            raise MissingArtifact(Path(self.data_dir) / pattern, producer)
        return [Source(str(p.relative_to(self.data_dir)), producer) for p in found]
