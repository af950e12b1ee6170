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

from kurs.atomic_io import atomic_path, write_text_atomic
from kurs.checksum import sha256_of

log = logging.getLogger(__name__)
CHUNK = 1 << 16
RETRYABLE_STATUS = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class DownloadSettings:
    """Limits of one download; the defaults live in ``IngestConfig``."""

    timeout_s: float
    retries: int
    backoff_s: float
    max_bytes: int


class DownloadError(RuntimeError):
    """The file cannot be downloaded as asked (HTTP 4xx, too large, a broken response)."""


class DownloadUnavailable(DownloadError):
    """Every attempt failed for a reason that may pass (network, timeout, HTTP 5xx):
    worth trying again later, unlike a plain :class:`DownloadError`."""


class _Transient(Exception):
    """A failure worth another attempt."""


def download(url: str, target: Path, settings: DownloadSettings) -> Path:
    """Download ``url`` to ``target`` (a cache path) and return ``target``.

    Raises:
        DownloadUnavailable: every attempt failed for a passing reason.
        DownloadError: a failure another attempt would not fix. Either way ``target``
            is left as it was.
    """
    # BEGIN SOLUTION: ponowienia z odstępem, limit czasu i rozmiaru (README)
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
                raise DownloadUnavailable(
                    f"nie udało się pobrać {url} po {attempts} próbach: {error}"
                ) from None
            delay = settings.backoff_s * 2 ** (attempt - 1)
            log.warning("Próba %d/%d: %s; ponawiam za %.1f s", attempt, attempts, error, delay)
            time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
    # END SOLUTION


# BEGIN SOLUTION NO PROMPT
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
            length = _content_length(url, response.headers.get("Content-Length"))
            if length is not None and length > settings.max_bytes:
                raise DownloadError(f"{url}: plik ma {length} B, limit to {settings.max_bytes} B")
            with atomic_path(target) as tmp:
                digest, size = _stream(response, tmp, url, settings.max_bytes, deadline)
                if length is not None and size != length:
                    # read(n) reports a connection closed early as a short read, not an error.
                    raise http.client.IncompleteRead(b"", length - size)
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
            if sha256_of(target) == cached.get("sha256"):
                log.info("%s bez zmian (304), używam kopii %s", url, target)
                return target
            # The copy changed since it was downloaded: fetch it again, unconditionally.
            log.warning("%s: kopia %s jest zmieniona; pobieram od nowa", url, target)
            target.unlink()
            return _attempt(url, target, meta_path, None, settings)
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


def _content_length(url: str, header: str | None) -> int | None:
    if header is None:
        return None
    try:
        return int(header)
    except ValueError:
        raise DownloadError(f"{url}: niepoprawny nagłówek Content-Length {header!r}") from None


# END SOLUTION
