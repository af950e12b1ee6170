"""HTTP(S) download that is safe to run unattended in a pipeline.

* a time limit per attempt (connect, every read, and the whole transfer, so that a
  server sending one byte a second cannot hang the task);
* retries with exponential back-off for failures that may pass (connection errors,
  timeouts, truncated transfers, HTTP 5xx and 429); other HTTP errors fail at once;
* a size cap checked against ``Content-Length`` and while streaming;
* streaming into a temporary file that replaces the cached copy only when complete;
* conditional re-download: the cached copy's ``ETag``/``Last-Modified`` go back to
  the server, and ``304 Not Modified`` reuses the file without transferring it.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from zajecia_01_planowanie.atomic_io import atomic_path, write_text_atomic
from zajecia_03_airflow_ingest.checksum import sha256_of

log = logging.getLogger(__name__)
CHUNK = 1 << 16
RETRYABLE_STATUS = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class DownloadSettings:
    timeout_s: float = 30.0
    retries: int = 3
    backoff_s: float = 1.0
    max_bytes: int = 200 * 2**20


class DownloadError(RuntimeError):
    """The file could not be downloaded; the message says why and after how many attempts."""


class _Transient(Exception):
    """A failure worth another attempt."""


def download(url: str, target: Path, settings: DownloadSettings) -> Path:
    """Download ``url`` to ``target`` (a cache path) and return ``target``.

    Raises:
        DownloadError: every attempt failed or the file is too large; ``target`` is
            then left as it was.
    """
    target = Path(target)
    meta_path = target.with_name(target.name + ".meta.json")
    attempts = settings.retries + 1
    for attempt in range(1, attempts + 1):
        # Read every time: a refused cached copy is deleted and must not be asked for again.
        cached = _read_meta(meta_path) if target.exists() else None
        try:
            return _attempt(url, target, meta_path, cached, settings)
        except _Transient as error:
            if attempt == attempts:
                raise DownloadError(
                    f"nie udało się pobrać {url} po {attempts} próbach: {error}"
                ) from None
            delay = settings.backoff_s * 2 ** (attempt - 1)
            log.warning("Próba %d/%d: %s; ponawiam za %.1f s", attempt, attempts, error, delay)
            time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def _read_meta(meta_path: Path) -> dict | None:
    try:
        return json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _attempt(
    url: str,
    target: Path,
    meta_path: Path,
    cached: dict | None,
    settings: DownloadSettings,
) -> Path:
    request = urllib.request.Request(url, headers={"User-Agent": "kurs-mlops-ingest"})
    if cached and cached.get("url") == url:
        if cached.get("etag"):
            request.add_header("If-None-Match", cached["etag"])
        if cached.get("last_modified"):
            request.add_header("If-Modified-Since", cached["last_modified"])
    deadline = time.monotonic() + settings.timeout_s
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout_s) as response:
            length = response.headers.get("Content-Length")
            if length is not None and int(length) > settings.max_bytes:
                raise DownloadError(
                    f"{url}: plik ma {int(length)} B, limit to {settings.max_bytes} B"
                )
            with atomic_path(target) as tmp:
                digest, size = _stream(response, tmp, url, settings.max_bytes, deadline)
                if length is not None and size != int(length):
                    # read(n) reports a connection closed early as a short read, not an error.
                    raise http.client.IncompleteRead(b"", int(length) - size)
            meta = {
                "url": url,
                "etag": response.headers.get("ETag"),
                "last_modified": response.headers.get("Last-Modified"),
                "sha256": digest,
            }
            write_text_atomic(meta_path, json.dumps(meta, indent=2))
            return target
    except urllib.error.HTTPError as error:
        if error.code == 304 and cached:
            return _reuse(url, target, cached)
        if error.code in RETRYABLE_STATUS:
            raise _Transient(f"HTTP {error.code}") from None
        raise DownloadError(f"{url}: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        reason = getattr(error, "reason", error)
        raise _Transient(f"{type(error).__name__}: {reason}") from None


def _stream(response, tmp: Path, url: str, max_bytes: int, deadline: float) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with tmp.open("wb") as handle:
        while chunk := response.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise DownloadError(f"{url}: przekroczono limit rozmiaru {max_bytes} B")
            if time.monotonic() > deadline:
                raise TimeoutError(f"pobieranie trwało dłużej niż limit czasu ({url})")
            digest.update(chunk)
            handle.write(chunk)
    return digest.hexdigest(), size


def _reuse(url: str, target: Path, cached: dict) -> Path:
    """304 Not Modified: keep the cached copy if it is still what was downloaded."""
    if sha256_of(target) != cached.get("sha256"):
        target.unlink()
        raise _Transient("kopia w pamięci podręcznej jest zmieniona; pobieram od nowa")
    log.info("%s bez zmian (304), używam kopii %s", url, target)
    return target
