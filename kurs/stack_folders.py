"""Host folders a Docker stack writes: created and handed to the user who cloned the repo.

Docker creates a missing bind-mount source as root, so a container that runs as a
regular user cannot write there; and files a container writes as its own user cannot be
changed on the host by the person who cloned the repository (``make run`` then fails).
Each stack's init container runs this module as root before the other containers start::

    python -m kurs.stack_folders --owner-of /project /project/data --shared 10001 /project/data/log

* every folder is created if missing;
* it and everything in it that belongs to someone else goes to the owner — only the
  owner changes: a group that shares a folder keeps its access;
* ``--shared GID FOLDER``: the group may also write that folder and its files, and what
  is created in it later keeps the group (setgid) — class 08's API runs as its image's
  user and writes the prediction log into a folder that stays the owner's.

Standard library only (and ``kurs``): the init containers run it before anything else.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from kurs import exit_codes
from kurs.cli import PolishArgumentParser


def owner_of(path: Path) -> tuple[int, int]:
    """The user and group ids that own ``path``."""
    info = Path(path).stat()
    return info.st_uid, info.st_gid


def _tree(folder: Path) -> Iterator[Path]:
    yield folder
    for parent, dirs, files in os.walk(folder):
        for name in dirs + files:
            yield Path(parent) / name


def hand_over(folder: Path, uid: int, gid: int) -> int:
    """Create ``folder`` (as ``uid:gid``) if missing; give ``uid`` whatever in it is not
    its own. Return how many entries changed owner.

    Raises:
        PermissionError: not run as root and something belongs to another user.
    """
    folder = Path(folder)
    if not folder.is_dir():
        folder.mkdir(parents=True)
        os.chown(folder, uid, gid)
    changed = 0
    for path in _tree(folder):
        if path.lstat().st_uid != uid:
            os.chown(path, uid, -1, follow_symlinks=False)
            changed += 1
    return changed


def share_with_group(folder: Path, gid: int) -> None:
    """Let group ``gid`` read and write ``folder`` and its content; new entries keep the group."""
    for path in _tree(Path(folder)):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            continue
        os.chown(path, -1, gid)
        extra = stat.S_IRGRP | stat.S_IWGRP
        if stat.S_ISDIR(info.st_mode):
            extra |= stat.S_IXGRP | stat.S_ISGID
        path.chmod(stat.S_IMODE(info.st_mode) | extra)


def _ids(value: str) -> tuple[int, int]:
    uid, _, gid = value.partition(":")
    try:
        return int(uid), int(gid or uid)
    except ValueError:
        raise argparse.ArgumentTypeError(f"oczekiwano UID[:GID], jest {value!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = PolishArgumentParser(
        prog="python -m kurs.stack_folders",
        description="Tworzy foldery stosu Dockera i oddaje je właścicielowi repozytorium.",
    )
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--owner-of", type=Path, metavar="ŚCIEŻKA", help="właściciel tej ścieżki")
    who.add_argument("--owner", type=_ids, metavar="UID[:GID]", help="ten użytkownik")
    parser.add_argument(
        "--shared",
        nargs=2,
        action="append",
        default=[],
        metavar=("GID", "FOLDER"),
        help="folder, do którego pisze także grupa GID (można powtórzyć)",
    )
    parser.add_argument("folders", nargs="*", type=Path, metavar="FOLDER")
    args = parser.parse_args(argv)
    try:
        shared = [(int(gid), Path(folder)) for gid, folder in args.shared]
    except ValueError:
        parser.error("--shared: GID to liczba")
    try:
        uid, gid = args.owner if args.owner else owner_of(args.owner_of)
        for folder in [*args.folders, *(folder for _, folder in shared)]:
            changed = hand_over(folder, uid, gid)
            print(f"{folder}: właściciel {uid}:{gid} (zmienionych wpisów: {changed})")
        for group, folder in shared:
            share_with_group(folder, group)
            print(f"{folder}: zapis także dla grupy {group}")
    except OSError as error:
        print(f"Nie udało się przygotować folderu: {error}", file=sys.stderr)
        return exit_codes.ERROR
    return exit_codes.OK


if __name__ == "__main__":
    raise SystemExit(main())
