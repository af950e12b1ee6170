"""reveal.js for the slides, pinned and checked, installed once into the environment.

nbconvert's slides load reveal.js, require.js and jQuery from CDNs, so on a machine
without internet they show a blank page. The slides of this class carry reveal.js inside
the HTML instead (template ``templates/nbconvert/slajdy``): one file that opens anywhere,
offline, and in the headless browser of the tests.

reveal.js is a JavaScript package, published on the npm registry, not on PyPI. ``make
setup`` runs ``python -m zajecia_10_prezentacja.reveal``: it downloads the pinned release
from the registry, checks it against the registry's SHA-512 integrity, and keeps the four
files the slides need (and the licence) in ``.venv/share/reveal.js/VERSION``. ``make run``
then needs no network.
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

from kurs import exit_codes
from kurs.atomic_io import write_bytes_atomic

VERSION = "5.2.1"
TARBALL = f"https://registry.npmjs.org/reveal.js/-/reveal.js-{VERSION}.tgz"
# The registry's "dist.integrity" of that release (Subresource Integrity format).
INTEGRITY = (
    "sha512-"
    "r7//6mIM5p34hFiDMvYfXgyjXqGRta+/psd9YtytsgRlrpRzFv4RbH76TXd2qD+7ZPZEbpBDhdRhJaFgfQ7zNQ=="
)
# name in the slides' template -> path in the package.
FILES = {
    "js": "dist/reveal.js",
    "css": "dist/reveal.css",
    "theme": "dist/theme/white.css",
    "notes": "plugin/notes/notes.js",
    "license": "LICENSE",
}


def folder(prefix: Path = Path(sys.prefix)) -> Path:
    """Where the files are kept: beside the environment's other shared data."""
    return Path(prefix) / "share" / "reveal.js" / VERSION


def verify(tarball: bytes, integrity: str) -> None:
    """Raises ValueError when ``tarball`` does not match ``integrity`` (npm's
    ``dist.integrity``: ``sha512-`` and the base64 digest)."""
    algorithm, _, expected = integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode()
    if actual != expected:
        raise ValueError(
            f"pobrany reveal.js {VERSION} ma sumę {algorithm} {actual}, a rejestr npm podaje "
            f"{expected}: plik uszkodzony albo podmieniony"
        )


def unpack(tarball: bytes, target: Path) -> list[Path]:
    """Write :data:`FILES` from an npm tarball (its paths start with ``package/``)."""
    written = []
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for relative in FILES.values():
            member = archive.extractfile(f"package/{relative}")
            written.append(write_bytes_atomic(target / relative, member.read()))
    return written


def install(target: Path | None = None, url: str = TARBALL) -> Path:
    """Download, verify and unpack the pinned reveal.js; nothing when it is there already.

    Raises:
        ValueError: the download is not the pinned release.
        urllib.error.URLError: the registry cannot be reached.
    """
    target = folder() if target is None else Path(target)
    if all((target / relative).is_file() for relative in FILES.values()):
        return target
    with urllib.request.urlopen(url, timeout=60) as response:
        tarball = response.read()
    verify(tarball, INTEGRITY)
    unpack(tarball, target)
    return target


def assets(source: Path | None = None) -> dict[str, str]:
    """The installed files' text by name (:data:`FILES`), for the slides' template.

    Raises:
        FileNotFoundError: reveal.js is not installed; the message says how to install it.
    """
    source = folder() if source is None else Path(source)
    missing = [relative for relative in FILES.values() if not (source / relative).is_file()]
    if missing:
        raise FileNotFoundError(
            f"brak reveal.js {VERSION} w {source} (potrzebny do slajdów): uruchom make setup "
            f"albo python -m zajecia_10_prezentacja.reveal — pobiera go z rejestru npm"
        )
    return {
        name: (source / relative).read_text(encoding="utf-8") for name, relative in FILES.items()
    }


def main() -> int:
    try:
        print(f"reveal.js {VERSION}: {install()}")
    except (OSError, ValueError) as error:
        print(f"BŁĄD: nie udało się zainstalować reveal.js {VERSION}: {error}", file=sys.stderr)
        return exit_codes.ERROR
    return exit_codes.OK


if __name__ == "__main__":
    sys.exit(main())
