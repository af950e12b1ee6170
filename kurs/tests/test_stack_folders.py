"""Folders of the Docker stacks handed to the repository's owner (run by the init containers)."""

import os
import stat

import pytest

from kurs import exit_codes
from kurs.stack_folders import hand_over, main, owner_of, share_with_group

ROOT = os.geteuid() == 0
# Someone else: the owner a root test run hands folders to, as the init containers do.
OTHER_UID, OTHER_GID = (4242, 4343) if ROOT else (os.geteuid(), os.getegid())


def test_a_missing_folder_is_created_for_the_owner(tmp_path):
    folder = tmp_path / "data" / "prediction_log"
    assert hand_over(folder, OTHER_UID, OTHER_GID) == 0
    assert folder.is_dir() and owner_of(folder) == (OTHER_UID, OTHER_GID)


@pytest.mark.skipif(not ROOT, reason="only root can give files to another user")
def test_what_docker_created_as_root_goes_to_the_owner_keeping_its_group(tmp_path):
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    (data / "raw" / "a.parquet").write_bytes(b"")
    (data / "link").symlink_to("/etc/passwd")
    os.chown(data / "raw", 0, 777)
    assert hand_over(data, OTHER_UID, OTHER_GID) == 4
    for path in (data, data / "raw", data / "raw" / "a.parquet"):
        assert path.lstat().st_uid == OTHER_UID, path
    assert (data / "raw").stat().st_gid == 777  # a group that shared the folder keeps it
    assert owner_of("/etc/passwd")[0] == 0  # a link is changed, never what it points to
    assert hand_over(data, OTHER_UID, OTHER_GID) == 0  # the next start: nothing to do


def test_a_shared_folder_is_writable_by_the_group_and_keeps_it(tmp_path):
    log = tmp_path / "prediction_log"
    (log / "old").mkdir(parents=True)
    (log / "predictions.sqlite3").write_bytes(b"")
    (log / "predictions.sqlite3").chmod(0o600)
    share_with_group(log, OTHER_GID)
    for path in (log, log / "old"):
        mode = path.stat().st_mode
        assert mode & stat.S_IRWXG == stat.S_IRWXG and mode & stat.S_ISGID, path
        assert path.stat().st_gid == OTHER_GID
    file_mode = stat.S_IMODE((log / "predictions.sqlite3").stat().st_mode)
    assert file_mode == 0o660


def test_command_line_prepares_every_folder(tmp_path, capsys):
    project = tmp_path / "project"
    project.mkdir()
    data, log = project / "data", project / "data" / "prediction_log"
    shared = ["--shared", str(OTHER_GID), str(log)]
    assert main(["--owner-of", str(project), str(data), *shared]) == exit_codes.OK
    assert data.is_dir() and owner_of(log)[0] == owner_of(project)[0]
    assert log.stat().st_gid == OTHER_GID and log.stat().st_mode & stat.S_IWGRP
    assert f"zapis także dla grupy {OTHER_GID}" in capsys.readouterr().out
    assert main(["--owner", f"{OTHER_UID}", str(tmp_path / "other")]) == exit_codes.OK
    assert owner_of(tmp_path / "other") == (OTHER_UID, OTHER_UID)


def test_command_line_errors_name_the_problem(tmp_path, capsys):
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert main(["--owner", "1:1", str(blocked / "data")]) == exit_codes.ERROR
    assert "Nie udało się przygotować folderu" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["--owner", "ja", str(tmp_path)])
    assert usage.value.code == exit_codes.USAGE
    assert "UID[:GID]" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--owner", "1", "--shared", "grupa", str(tmp_path)])
    assert "GID to liczba" in capsys.readouterr().err
