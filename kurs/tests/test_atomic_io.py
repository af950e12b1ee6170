import pytest

from kurs.atomic_io import atomic_path, write_text_atomic


def test_write_creates_folders_and_replaces_content(tmp_path):
    target = tmp_path / "a" / "b" / "plik.txt"
    write_text_atomic(target, "pierwsza")
    write_text_atomic(target, "druga")
    assert target.read_text(encoding="utf-8") == "druga"
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["plik.txt"]


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "plik.txt"
    target.write_text("stara treść", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("połowa", encoding="utf-8")
        raise RuntimeError("przerwany zapis")
    assert target.read_text(encoding="utf-8") == "stara treść"
    assert [p.name for p in tmp_path.iterdir()] == ["plik.txt"]
