"""The download against a real HTTP server on 127.0.0.1, one failure mode per test."""

import json
from dataclasses import replace

import pytest

from zajecia_03_airflow_ingest.download import (
    DownloadError,
    DownloadSettings,
    DownloadUnavailable,
    download,
)

BODY = b"origin,year\nEWR,2013\n" * 100
FAST = DownloadSettings(timeout_s=1.0, retries=2, backoff_s=0.01, max_bytes=1 << 20)


def test_ok_writes_file_and_metadata(file_server, tmp_path):
    file_server.serve("/weather.csv", BODY)
    target = download(file_server.url + "weather.csv", tmp_path / "weather.csv", FAST)
    assert target.read_bytes() == BODY
    meta = json.loads((tmp_path / "weather.csv.meta.json").read_text())
    assert meta["etag"] and len(meta["sha256"]) == 64


def test_server_error_then_success_is_retried(file_server, tmp_path):
    route = file_server.serve("/weather.csv", BODY, "error", "ok")
    assert download(file_server.url + "weather.csv", tmp_path / "w.csv", FAST).read_bytes() == BODY
    assert route.hits == 2


def test_persistent_server_error_fails_after_all_attempts(file_server, tmp_path):
    route = file_server.serve("/weather.csv", BODY, "error")
    with pytest.raises(DownloadUnavailable, match=r"po 3 próbach: HTTP 500"):
        download(file_server.url + "weather.csv", tmp_path / "w.csv", FAST)
    assert route.hits == 3
    assert not list(tmp_path.iterdir())


def test_client_error_is_not_retried(file_server, tmp_path):
    route = file_server.serve("/weather.csv", BODY, "missing")
    with pytest.raises(DownloadError, match="HTTP 404") as caught:
        download(file_server.url + "weather.csv", tmp_path / "w.csv", FAST)
    assert not isinstance(caught.value, DownloadUnavailable)
    assert route.hits == 1


def test_truncated_transfer_leaves_no_file(file_server, tmp_path):
    file_server.serve("/weather.csv", BODY, "truncated")
    with pytest.raises(DownloadError, match="IncompleteRead"):
        download(file_server.url + "weather.csv", tmp_path / "w.csv", FAST)
    assert not list(tmp_path.iterdir())


def test_slow_server_times_out(file_server, tmp_path):
    file_server.serve("/weather.csv", BODY, "slow")
    with pytest.raises(DownloadError, match="timed out"):
        download(file_server.url + "weather.csv", tmp_path / "w.csv", replace(FAST, retries=0))


@pytest.mark.parametrize("behaviour", ["ok", "chunked"])
def test_size_cap_from_header_and_while_streaming(file_server, tmp_path, behaviour):
    file_server.serve("/weather.csv", BODY, behaviour)
    small = replace(FAST, max_bytes=100)
    with pytest.raises(DownloadError, match="limit"):
        download(file_server.url + "weather.csv", tmp_path / "w.csv", small)
    assert not (tmp_path / "w.csv").exists()


def test_unchanged_file_is_not_transferred_again(file_server, tmp_path):
    route = file_server.serve("/weather.csv", BODY)
    url = file_server.url + "weather.csv"
    download(url, tmp_path / "w.csv", FAST)
    assert download(url, tmp_path / "w.csv", FAST).read_bytes() == BODY
    assert route.hits == 2
    assert (
        route.headers_seen[1]["If-None-Match"]
        == json.loads((tmp_path / "w.csv.meta.json").read_text())["etag"]
    )


def test_changed_cached_copy_is_downloaded_again_even_without_retries(file_server, tmp_path):
    route = file_server.serve("/weather.csv", BODY)
    url = file_server.url + "weather.csv"
    download(url, tmp_path / "w.csv", FAST)
    (tmp_path / "w.csv").write_bytes(b"podmieniona kopia")
    no_retries = replace(FAST, retries=0)
    assert download(url, tmp_path / "w.csv", no_retries).read_bytes() == BODY
    assert route.hits == 3  # 304, refused because the copy changed, then a full download
    assert "If-None-Match" not in route.headers_seen[2]


def test_broken_content_length_is_a_clear_error(file_server, tmp_path):
    file_server.serve("/weather.csv", BODY, "bad_length")
    with pytest.raises(DownloadError, match="niepoprawny nagłówek Content-Length"):
        download(file_server.url + "weather.csv", tmp_path / "w.csv", FAST)
