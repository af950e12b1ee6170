"""reveal.js installed from a tarball checked against its integrity, once."""

import base64
import hashlib
import io
import tarfile

import pytest

from zajecia_10_prezentacja import reveal


def npm_tarball() -> bytes:
    """A package laid out as the npm registry serves it, with the files the slides use."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for relative in reveal.FILES.values():
            content = f"/* {relative} */".encode()
            info = tarfile.TarInfo(f"package/{relative}")
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def test_a_tarball_other_than_the_pinned_release_is_refused():
    data = npm_tarball()
    reveal.verify(data, integrity(data))
    with pytest.raises(ValueError, match="uszkodzony albo podmieniony"):
        reveal.verify(data + b"x", integrity(data))


def test_install_unpacks_the_files_once(tmp_path, monkeypatch):
    data = npm_tarball()
    (tmp_path / "reveal.tgz").write_bytes(data)
    monkeypatch.setattr(reveal, "INTEGRITY", integrity(data))
    target = reveal.install(tmp_path / "share", (tmp_path / "reveal.tgz").as_uri())
    assert reveal.assets(target)["js"] == "/* dist/reveal.js */"
    # Installed: no second download (this address does not exist).
    assert reveal.install(target, (tmp_path / "nie-ma.tgz").as_uri()) == target


def test_slides_without_reveal_say_how_to_install_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="uruchom make setup"):
        reveal.assets(tmp_path)
