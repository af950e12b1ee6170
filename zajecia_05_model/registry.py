"""Model registry on disk: immutable versions, atomic aliases, verified loading.

Layout under ``$MLOPS_DATA_DIR/registry/<model name>/``::

    versions/v0001/model.skops       the fitted pipeline, skops format (no pickle)
    versions/v0001/metadata.json     metrics, params, data window and checksums, library
                                     versions, git commit, SHA-256 of model.skops
    versions/v0001/model_card.md     the model card (Polish) and its figures
    aliases/production.json          {"version": "v0003", "history": ["v0001", "v0003"]}
    tags/v0002.json                  what later stages said about a version, e.g.
                                     {"decision": "odrzucona: …"} for a refused challenger
    registry.lock                    taken while a version is registered or an alias moves

A version is prepared in a temporary folder, its files made read-only, and the folder
renamed into place; it is never changed afterwards (and if it were, loading would
notice). An alias is one small file replaced atomically, so a reader sees the old version
or the new one.

A model file is checked without running it: registering reads its bytes once, hashes
them and lists the types skops would create, refusing any outside ``TRUSTED_TYPES``;
moving an alias verifies the SHA-256 against the metadata; loading does both and only
then builds the model. A file whose contents changed is refused everywhere.

A version saved with other versions of the libraries that hold a fitted model's state
(``library_versions``) is refused too: by the versions its metadata records, before
loading and before an alias moves to it, and by scikit-learn's own
``InconsistentVersionWarning`` while loading. ``MLOPS_ALLOW_LIBRARY_MISMATCH=1`` (or
``allow_library_mismatch=True``) loads it anyway, with a warning in the log.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import skops.io as sio
from sklearn.exceptions import InconsistentVersionWarning

from kurs.atomic_io import exclusive_lock, write_text_atomic
from kurs.checksum import sha256_bytes
from kurs.jsonio import dumps
from zajecia_05_model import library_versions
from zajecia_05_model.library_versions import Mismatch

log = logging.getLogger(__name__)

MODEL_FILE = "model.skops"
METADATA_FILE = "metadata.json"
CARD_FILE = "model_card.md"
VERSION_PATTERN = re.compile(r"^v(\d{4})$")
ALIAS_PATTERN = re.compile(r"^[a-z][a-z_]*$")

# Types skops does not trust by default, reviewed for the pipelines of train.py:
# the trees of HistGradientBoostingClassifier, and the partial(check_array) that its
# internal categorical encoder uses. Everything else in a model file must be a type
# skops trusts already; a file with anything more is refused.
TRUSTED_TYPES = (
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "functools.partial",
    "sklearn.utils.validation.check_array",
    "numpy.dtype",
)


class RegistryError(RuntimeError):
    """The registry cannot do what was asked; the message says why (in Polish)."""


class LibraryMismatch(RegistryError):
    """A version saved with library versions other than the installed ones."""


@dataclass(frozen=True)
class LoadedModel:
    version: str
    model: object
    metadata: dict


class Registry:
    def __init__(self, root: Path, name: str = "flights_delay"):
        self.data_dir = Path(root)
        self.root = self.data_dir / "registry" / name
        self.versions_dir = self.root / "versions"
        self.aliases_dir = self.root / "aliases"
        self.tags_dir = self.root / "tags"

    def _locked(self):
        """One registration or alias change at a time."""
        return exclusive_lock(self.root / "registry.lock")

    def versions(self) -> list[str]:
        if not self.versions_dir.is_dir():
            return []
        return sorted(p.name for p in self.versions_dir.iterdir() if VERSION_PATTERN.match(p.name))

    def register(self, model: object, metadata: dict, files: dict[str, bytes] | None = None) -> str:
        """Serialize ``model`` with skops and store it; see :meth:`register_file`."""
        # BEGIN SOLUTION: zapisz model przez skops i zarejestruj bajty
        return self._register(sio.dumps(model), metadata, files)
        # END SOLUTION

    def register_file(
        self, model_file: Path, metadata: dict, files: dict[str, bytes] | None = None
    ) -> str:
        """Store a model file already written by skops (a training candidate) as a new
        immutable version; return its name (``v0001``…).

        The file's bytes are read once: hashed, checked for untrusted types and copied.
        The model itself is not loaded.

        Args:
            model_file: the ``.skops`` file.
            metadata: anything JSON-serialisable; the registry adds the version, the time
                and the model file's SHA-256.
            files: extra files for the version folder (model card, figures), by relative path.

        Raises:
            RegistryError: the file holds a type outside ``TRUSTED_TYPES``; nothing is stored.
        """
        return self._register(Path(model_file).read_bytes(), metadata, files)

    def _register(self, data: bytes, metadata: dict, files: dict[str, bytes] | None) -> str:
        # BEGIN SOLUTION: niezmienna wersja: blokada, numer, rename
        self._check_types(data, "nowy model")
        with self._locked():
            numbers = [int(VERSION_PATTERN.match(v)[1]) for v in self.versions()]
            version = f"v{max(numbers, default=0) + 1:04d}"
            self.versions_dir.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=self.versions_dir))
            try:
                (staging / MODEL_FILE).write_bytes(data)
                full = {
                    **metadata,
                    "model_name": self.root.name,
                    "version": version,
                    "registered_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "model_file": MODEL_FILE,
                    "model_sha256": sha256_bytes(data),
                    "trusted_types": list(TRUSTED_TYPES),
                }
                (staging / METADATA_FILE).write_text(dumps(full), encoding="utf-8")
                for relative, content in (files or {}).items():
                    (staging / relative).parent.mkdir(parents=True, exist_ok=True)
                    (staging / relative).write_bytes(content)
                _make_read_only(staging)
                staging.rename(self.versions_dir / version)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            return version
        # END SOLUTION

    def _check_types(self, data: bytes, what: str) -> None:
        """Refuse a model file holding a type skops would build that we did not review."""
        # BEGIN SOLUTION: odrzuć typy spoza TRUSTED_TYPES
        unexpected = sorted(set(sio.get_untrusted_types(data=data)) - set(TRUSTED_TYPES))
        if unexpected:
            raise RegistryError(
                f"model {self.root.name} {what}: niezaufane typy w pliku: " + ", ".join(unexpected)
            )
        # END SOLUTION

    def metadata(self, version: str) -> dict:
        path = self.versions_dir / version / METADATA_FILE
        if not path.is_file():
            raise RegistryError(f"model {self.root.name}: nie ma wersji '{version}'")
        return json.loads(path.read_text(encoding="utf-8"))

    def resolve(self, name: str) -> str:
        """A version for a version name or an alias (``production``, ``staging``…)."""
        if VERSION_PATTERN.match(name):
            self.metadata(name)
            return name
        alias = self._alias(name)
        if alias is None:
            raise RegistryError(
                f"model {self.root.name}: alias '{name}' nie wskazuje żadnej wersji"
            )
        return alias["version"]

    def verified_bytes(self, version: str) -> bytes:
        """The model file of ``version``, read once and checked against its SHA-256.

        Raises:
            RegistryError: unknown version, or a model file whose contents changed.
        """
        # BEGIN SOLUTION: plik modelu sprawdzony sumą SHA-256
        metadata = self.metadata(version)
        path = self.versions_dir / version / MODEL_FILE
        data = path.read_bytes() if path.is_file() else b""
        if sha256_bytes(data) != metadata["model_sha256"]:
            raise RegistryError(
                f"model {self.root.name} {version}: plik {MODEL_FILE} został zmieniony "
                "(suma SHA-256 inna niż w metadanych) — odmawiam wczytania"
            )
        return data
        # END SOLUTION

    def load(self, name: str, allow_library_mismatch: bool | None = None) -> LoadedModel:
        """Load a version (or an alias's version) after checking it was not changed and
        that the installed libraries are the ones it was saved with.

        Args:
            allow_library_mismatch: load a version saved with other library versions
                anyway (logged as a warning); ``None``: as ``MLOPS_ALLOW_LIBRARY_MISMATCH``
                says (``1`` allows).

        Raises:
            LibraryMismatch: other library versions, by the metadata or by scikit-learn's
                warning while loading; the message names both versions and what to do.
            RegistryError: unknown version or alias, a changed model file, a type outside
                ``TRUSTED_TYPES`` in the file, or a bad ``MLOPS_ALLOW_LIBRARY_MISMATCH``.
        """
        # BEGIN SOLUTION: sprawdź sumę, typy, biblioteki; wczytaj (skops)
        version = self.resolve(name)
        allow = self._allow(allow_library_mismatch)
        data = self.verified_bytes(version)
        self._check_types(data, version)
        self._check_libraries(version, self.library_mismatches(version), allow)
        # scikit-learn warns, and only warns, when an estimator comes from another version.
        # catch_warnings is process-wide: what other threads warn meanwhile is issued again.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", InconsistentVersionWarning)
            model = sio.loads(data, trusted=list(TRUSTED_TYPES))
        self._check_libraries(version, library_versions.warned_mismatches(caught), allow)
        return LoadedModel(version, model, self.metadata(version))
        # END SOLUTION

    def library_mismatches(self, version: str) -> list[Mismatch]:
        """The libraries whose installed version differs from the one ``version`` records."""
        return library_versions.recorded_mismatches(self.metadata(version).get("libraries") or {})

    def _allow(self, allow_library_mismatch: bool | None) -> bool:
        if allow_library_mismatch is not None:
            return allow_library_mismatch
        try:
            return library_versions.override_from_env()
        except ValueError as error:
            raise RegistryError(str(error)) from None

    def _check_libraries(self, version: str, mismatches: list[Mismatch], allow: bool) -> None:
        # BEGIN SOLUTION: LibraryMismatch albo, gdy allow, log
        if not mismatches:
            return
        what = f"model {self.root.name} {version}"
        if not allow:
            code = self.metadata(version).get("code_version", "nieznana")
            raise LibraryMismatch(library_versions.refusal(what, mismatches, code))
        log.warning(
            "%s: other library versions than installed (%s), used anyway because of %s",
            what,
            ", ".join(map(str, mismatches)),
            library_versions.OVERRIDE_VARIABLE,
        )
        # END SOLUTION

    def alias_path(self, alias: str) -> Path:
        """The file of ``alias`` (``{"version": …, "history": […]}``), whether it exists.

        Raises:
            RegistryError: not a valid alias name.
        """
        if not ALIAS_PATTERN.match(alias):
            raise RegistryError(
                f"niepoprawna nazwa aliasu {alias!r}: małe litery i _, np. production"
            )
        return self.aliases_dir / f"{alias}.json"

    def _alias(self, alias: str) -> dict | None:
        path = self.alias_path(alias)
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def _set_alias(self, alias: str, history: list[str]) -> None:
        body = {"version": history[-1], "history": history}
        write_text_atomic(self.alias_path(alias), json.dumps(body, indent=2) + "\n")

    def aliases(self) -> dict[str, str]:
        if not self.aliases_dir.is_dir():
            return {}
        return {
            p.stem: self._alias(p.stem)["version"] for p in sorted(self.aliases_dir.glob("*.json"))
        }

    def promote(
        self, version: str, alias: str = "production", allow_library_mismatch: bool | None = None
    ) -> str | None:
        """Point ``alias`` at ``version`` (its checksum and recorded library versions
        verified first, see :meth:`load`); return the previous one."""
        # BEGIN SOLUTION: sprawdź wersję, przestaw alias z historią
        self.verified_bytes(version)  # refuses a missing or changed version before anything moves
        self._check_libraries(
            version, self.library_mismatches(version), self._allow(allow_library_mismatch)
        )
        with self._locked():
            current = self._alias(alias) or {"version": None, "history": []}
            if current["version"] != version:  # promoting the current one again is a no-op
                self._set_alias(alias, [*current["history"], version])
            return current["version"]
        # END SOLUTION

    def tag(self, version: str, key: str, value: str) -> dict[str, str]:
        """Set the tag ``key`` of ``version`` to ``value``; return all its tags.

        Tags say what happened to a version after it was registered (a challenger refused
        by retraining, and why). They live beside the version, not in it, so the version
        stays immutable; a tag is replaced atomically, like an alias.

        Raises:
            RegistryError: unknown version, or a key that is not lower case and ``_``.
        """
        self.metadata(version)
        if not ALIAS_PATTERN.match(key):
            raise RegistryError(f"niepoprawna nazwa znacznika {key!r}: małe litery i _")
        with self._locked():
            tags = {**self.tags(version), key: value}
            write_text_atomic(self.tags_dir / f"{version}.json", dumps(tags))
        return tags

    def tags(self, version: str) -> dict[str, str]:
        """The tags of ``version`` (:meth:`tag`); empty when it has none."""
        path = self.tags_dir / f"{version}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    def rollback(
        self, alias: str = "production", allow_library_mismatch: bool | None = None
    ) -> str:
        """Point ``alias`` back at the version it had before the last promotion (verified
        as by :meth:`promote`)."""
        # BEGIN SOLUTION: przywróć poprzednią wersję aliasu
        allow = self._allow(allow_library_mismatch)
        with self._locked():
            current = self._alias(alias)
            if not current or len(current["history"]) < 2:
                raise RegistryError(f"alias '{alias}' nie ma poprzedniej wersji do przywrócenia")
            history = current["history"][:-1]
            # Never roll back onto a changed or missing file, or one the API would refuse.
            self.verified_bytes(history[-1])
            self._check_libraries(history[-1], self.library_mismatches(history[-1]), allow)
            self._set_alias(alias, history)
            return history[-1]
        # END SOLUTION


# BEGIN SOLUTION NO PROMPT
def _make_read_only(folder: Path) -> None:
    # Files only: read-only folders would stop `make clean` from deleting them.
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o444 if path.is_file() else 0o755)


# END SOLUTION
