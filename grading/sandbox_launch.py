"""The first program of every sandboxed process: limits, loopback, then the real command.

Run by :mod:`grading.sandbox` as ``python -I -S sandbox_launch.py LIMITS -- ARGV…``
(standard library only, no site packages: nothing of the student's is imported here).
``LIMITS`` is JSON: resource limits (name of a ``resource.RLIMIT_*`` → value),
``loopback_up`` — inside a fresh network namespace (``unshare --net``) the loopback
interface starts down, and a student's test server on 127.0.0.1 must still work — and
``user``: ``[uid, gid]`` to become again after that, when the namespace was made by
``unshare --map-root-user`` (the command must not run as a fake root).
The limits are set here rather than in ``Popen(preexec_fn=…)``, which is unsafe in the
grader's process with threads reading output.
"""

import ctypes
import fcntl
import json
import os
import resource
import socket
import struct
import sys

SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
CLONE_NEWUSER = 0x10000000


def loopback_up() -> None:
    """``ip link set lo up`` without iproute2: an ioctl on any socket."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14s", b"lo", 0, b"")
        flags = struct.unpack("16sH14s", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH14s", b"lo", flags | IFF_UP, b""))


def become(uid: int, gid: int) -> None:
    """Leave the fake root of ``--map-root-user`` for ``uid``/``gid``: a nested user
    namespace mapping them to that root (which is them outside). The command then runs
    without capabilities, as the grader's own user, in the same network namespace."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWUSER)")
    maps = {"setgroups": "deny", "uid_map": f"{uid} 0 1", "gid_map": f"{gid} 0 1"}
    for name, text in maps.items():  # setgroups first: the kernel requires it for gid_map
        descriptor = os.open(f"/proc/self/{name}", os.O_WRONLY)
        try:
            os.write(descriptor, text.encode())
        finally:
            os.close(descriptor)


def main() -> None:
    settings = json.loads(sys.argv[1])
    argv = sys.argv[3:]
    for name, value in settings["limits"].items():
        limit = getattr(resource, name)
        hard = resource.getrlimit(limit)[1]
        # Never above the hard limit the grader itself has (raising it needs privileges).
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(limit, (value, value))
    if settings["loopback_up"]:
        loopback_up()
    if settings.get("user"):
        become(*settings["user"])
    try:
        os.execvp(argv[0], argv)
    except OSError as error:
        print(f"nie można uruchomić {argv[0]!r}: {error.strerror}", file=sys.stderr)
        os._exit(127)


if __name__ == "__main__":
    main()
