"""Safe reading of a student's repository.

A repository under grading is untrusted input. Every read goes through :class:`RepoFiles`:

* paths are relative to the repository; ``..`` and absolute paths are refused;
* a symlink anywhere on the path that leads outside the repository is not followed
  (a student's ``eda.ipynb -> /etc/passwd`` must not become evidence);
* files larger than ``max_bytes`` are skipped with a message, not loaded;
* text is decoded as UTF-8 explicitly; a file with NUL bytes is binary, not text;
* YAML is loaded with the safe loader only (no Python objects built from tags).

Problems the student can fix raise :class:`grading.model.StudentError` with a Polish
message naming the file; the check that read the file fails with that message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from grading.model import Evidence, StudentError
from grading.polish import shown

MAX_BYTES = 10 * 1024 * 1024
# Far more values than any course file holds (the reference's largest YAML: ~1,000).
MAX_YAML_NODES = 200_000
# Tool folders, anywhere; `data/` and `.venv/` only at the top, where the course keeps the
# generated data and the environment (a class's own `data/` folder is the student's work).
SKIPPED_DIRS = frozenset({".git", "node_modules", "__pycache__"})
SKIPPED_TOP = frozenset({"data", ".venv"})


@dataclass(frozen=True)
class RepoFiles:
    """Read-only, symlink-safe access to the files of one repository."""

    root: Path
    max_bytes: int = MAX_BYTES

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).resolve())

    def path(self, relative: str) -> Path:
        """The real path of ``relative`` inside the repository.

        Raises StudentError when the path is absolute, climbs out with ``..`` or passes
        through a symlink that leads outside the repository.
        """
        pure = PurePosixPath(relative)
        if pure.is_absolute() or ".." in pure.parts or "\0" in relative:
            raise StudentError(
                f"ścieżka {shown(relative)} musi być względna, wewnątrz repozytorium i bez "
                "znaku NUL",
                Evidence(file=relative[:200]),
            )
        try:
            resolved = (self.root / pure).resolve()
        except (OSError, RuntimeError) as error:
            # A symlink loop (RuntimeError before Python 3.13) or a name the system refuses.
            raise StudentError(
                f"ścieżki {shown(relative)} nie da się odczytać: {error.__class__.__name__} "
                "(pętla dowiązań albo za długa nazwa)",
                Evidence(file=relative[:200]),
            ) from None
        if not resolved.is_relative_to(self.root):
            raise StudentError(
                f"{relative} to dowiązanie symboliczne prowadzące poza repozytorium — "
                "nie jest czytane; zapisz w repozytorium zwykły plik",
                Evidence(file=relative),
            )
        return resolved

    def is_file(self, relative: str) -> bool:
        try:
            return self.path(relative).is_file()
        except (StudentError, OSError):
            return False

    def is_dir(self, relative: str) -> bool:
        try:
            return self.path(relative).is_dir()
        except (StudentError, OSError):
            return False

    def read_bytes(self, relative: str) -> bytes:
        path = self.path(relative)
        if not self.is_file(relative):
            raise StudentError(f"brak pliku {relative}", Evidence(file=relative))
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise StudentError(
                    f"{relative} ma {size / 2**20:.1f} MiB".replace(".", ",")
                    + f" — więcej niż limit {self.max_bytes // 2**20} MiB; plik pominięty",
                    Evidence(file=relative),
                )
            return path.read_bytes()
        except OSError as error:
            raise StudentError(
                f"{relative}: nie da się odczytać ({error.strerror})", Evidence(file=relative)
            ) from None

    def read_text(self, relative: str) -> str:
        data = self.read_bytes(relative)
        if b"\0" in data:
            raise StudentError(
                f"{relative} jest plikiem binarnym, a powinien być tekstem (UTF-8)",
                Evidence(file=relative),
            )
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise StudentError(
                f"{relative} nie jest zapisany w UTF-8 (bajt {error.start}); zapisz go w UTF-8",
                Evidence(file=relative),
            ) from None

    def read_yaml(self, relative: str) -> Any:
        """The document, loaded safely. Raises StudentError for YAML errors (with the
        line), for a document that refers to itself, and for aliases that expand to more
        than :data:`MAX_YAML_NODES` values (an "alias bomb": a few lines that unfold into
        billions of values for whoever walks them)."""
        text = self.read_text(relative)
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            where = f" (wiersz {line})" if line else ""
            hint = (
                " — wcięcia w YAML-u rób spacjami, nie tabulatorami"
                if "'\\t'" in str(getattr(error, "problem", ""))
                else ""
            )
            raise StudentError(
                f"{relative} nie jest poprawnym YAML-em{where}: "
                f"{getattr(error, 'problem', error)}{hint}",
                Evidence(file=relative, line=line),
            ) from None
        except (RecursionError, ValueError, TypeError, AttributeError, KeyError) as error:
            # PyYAML's constructors raise these on values such as `2024-13-45` or
            # `!!int x`, and deep nesting exhausts the recursion limit.
            raise StudentError(
                f"{relative}: wartości nie da się odczytać jako YAML ({type(error).__name__}: "
                f"{str(error)[:200]})",
                Evidence(file=relative),
            ) from None
        _check_expansion(data, relative)
        return data

    def read_json(self, relative: str) -> Any:
        text = self.read_text(relative)
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise StudentError(
                f"{relative} nie jest poprawnym JSON-em: {error.msg} (wiersz {error.lineno})",
                Evidence(file=relative, line=error.lineno),
            ) from None
        except (ValueError, RecursionError) as error:
            # An integer of over 4300 digits, or nesting deeper than the parser goes.
            raise StudentError(
                f"{relative}: JSON-a nie da się odczytać ({type(error).__name__})",
                Evidence(file=relative),
            ) from None

    def glob(self, pattern: str) -> list[str]:
        """Regular files matching ``pattern`` (relative, ``**`` allowed), sorted; files
        reached through symlinks leaving the repository, tool folders (``.git``,
        ``__pycache__``…) and the top-level ``data`` and ``.venv`` are left out."""
        found = []
        for path in self.root.glob(pattern):
            relative = path.relative_to(self.root)
            if SKIPPED_DIRS.intersection(relative.parts[:-1]) or relative.parts[0] in SKIPPED_TOP:
                continue
            if self.is_file(relative.as_posix()):
                found.append(relative.as_posix())
        return sorted(found)


def _check_expansion(data: Any, relative: str) -> None:
    """Raise StudentError when YAML aliases make ``data`` refer to itself or expand to
    more than MAX_YAML_NODES values. Shared values are sized once (memoised by identity),
    so this never walks the expansion itself."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(data, False)]
    open_nodes: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, dict | list) or (id(node) in sizes and not children_done):
            continue
        children = list(node.keys()) + list(node.values()) if isinstance(node, dict) else node
        if children_done:
            open_nodes.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes.get(id(c), 1) for c in children)
            if sizes[id(node)] > MAX_YAML_NODES:
                raise StudentError(
                    f"{relative}: aliasy YAML rozwijają się do ponad {MAX_YAML_NODES:,} wartości "
                    "— plik pominięty; nie zagnieżdżaj aliasów (*kotwica) w aliasach".replace(
                        ",", " "
                    ),
                    Evidence(file=relative),
                )
            continue
        if id(node) in open_nodes:
            raise StudentError(
                f"{relative}: YAML odwołuje się sam do siebie (alias wewnątrz własnej kotwicy) "
                "— usuń to zapętlenie",
                Evidence(file=relative),
            )
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if isinstance(child, dict | list))
