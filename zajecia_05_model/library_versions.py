"""Whether a registered model may be loaded with the libraries installed here.

Training records the versions of the libraries it ran with (``libraries`` in
``metadata.json``). A fitted model is known to answer as it did at training only with the
versions of the libraries that hold its fitted state and compute its answers:

- ``scikit-learn``: exactly the same version. Estimators' fitted attributes and the
  code reading them change between releases; scikit-learn does not support loading a
  model saved by another version ("might lead to breaking code or invalid results") and
  says so with ``InconsistentVersionWarning`` when a file is loaded.
- ``numpy``: the same feature release (major.minor). The fitted state is numpy arrays;
  feature releases change type promotion (NumPy 2) and numeric kernels, so probabilities
  may shift. Patch releases only fix bugs.

Not compared: ``skops`` checks the protocol of its own files and refuses loudly what it
cannot read (nothing silent to catch); ``pandas`` and ``pyarrow`` hold no fitted state,
only the input; ``python`` holds none either. A library a version does not record
(hand-made metadata) is not compared; scikit-learn's own warning on loading still is.

Whoever accepts the risk sets ``MLOPS_ALLOW_LIBRARY_MISMATCH=1`` (or passes
``allow_library_mismatch=True`` to the registry); the mismatch is then logged.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import version as installed_version

from sklearn.exceptions import InconsistentVersionWarning

OVERRIDE_VARIABLE = "MLOPS_ALLOW_LIBRARY_MISMATCH"
# Library -> how many leading parts of the version must be equal (None: all of it).
COMPARED_PARTS: dict[str, int | None] = {"scikit-learn": None, "numpy": 2}


@dataclass(frozen=True)
class Mismatch:
    """A library whose installed version differs from the one a model was saved with."""

    library: str
    recorded: str
    installed: str

    def __str__(self) -> str:
        return f"{self.library} {self.recorded} (zainstalowana: {self.installed})"


# BEGIN SOLUTION NO PROMPT
def _release(version: str, parts: int | None) -> str:
    return version if parts is None else ".".join(version.split(".")[:parts])


# END SOLUTION


def recorded_mismatches(recorded: Mapping[str, str]) -> list[Mismatch]:
    """The compared libraries whose recorded version the installed one does not match."""
    # BEGIN SOLUTION: zapisane wersje vs zainstalowane
    found = []
    for library, parts in COMPARED_PARTS.items():
        if library in recorded:
            saved, installed = str(recorded[library]), installed_version(library)
            if _release(saved, parts) != _release(installed, parts):
                found.append(Mismatch(library, saved, installed))
    return found
    # END SOLUTION


def warned_mismatches(caught: list[warnings.WarningMessage]) -> list[Mismatch]:
    """The scikit-learn versions named by ``InconsistentVersionWarning``s caught while
    loading (one per estimator, so deduplicated); every other warning is issued again."""
    # BEGIN SOLUTION: wersje z InconsistentVersionWarning
    found: list[Mismatch] = []
    for warning in caught:
        message = warning.message
        if isinstance(message, InconsistentVersionWarning):
            mismatch = Mismatch(
                "scikit-learn", message.original_sklearn_version, message.current_sklearn_version
            )
            if mismatch not in found:
                found.append(mismatch)
        else:
            warnings.warn_explicit(
                message, warning.category, warning.filename, warning.lineno, source=warning.source
            )
    return found
    # END SOLUTION


def override_from_env(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether ``MLOPS_ALLOW_LIBRARY_MISMATCH`` allows loading despite a mismatch.

    Raises:
        ValueError: a value other than ``1``, ``0`` or empty (the message names the variable).
    """
    value = environ.get(OVERRIDE_VARIABLE, "").strip()
    if value not in ("", "0", "1"):
        raise ValueError(f"{OVERRIDE_VARIABLE} może mieć wartość 1 albo 0, jest {value!r}")
    return value == "1"


def refusal(what: str, mismatches: list[Mismatch], code_version: str) -> str:
    """The Polish message refusing to load ``what`` (``model flights_delay v0002``)."""
    return (
        f"{what} zapisano z innymi wersjami bibliotek niż zainstalowane: "
        f"{', '.join(map(str, mismatches))}. Z innymi wersjami model może dawać inne wyniki, "
        "więc nie zostanie wczytany. Co zrobić: wytrenuj model w tym środowisku (make run "
        "albo DAG flights_train) albo zainstaluj zapisane wersje (uv.lock z wersji kodu "
        f"{code_version}, potem make setup). Kto akceptuje ryzyko, ustawia "
        f"{OVERRIDE_VARIABLE}=1."
    )
