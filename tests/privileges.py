"""File permissions in tests that may run as root, who ignores them.

As root, a child process gives up the capabilities that let root read,
enter and change any file (``drop_root_overrides``, run before exec), and a
folder is locked out by giving it to another user (mode 0700); as any other
user, a folder is locked out by mode 000.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3
PR_CAPBSET_DROP = 24
NOBODY = 65534


def drop_root_overrides() -> None:
    """In the child: give up root's power to ignore file permissions (before exec)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def unprivileged() -> dict[str, Any]:
    """``subprocess.run`` keywords for a child that respects file permissions."""
    return {"preexec_fn": drop_root_overrides} if os.geteuid() == 0 else {}


@contextmanager
def locked_out(folder: Path) -> Iterator[Path]:
    """``folder`` made one an unprivileged child may not read or enter; put back after."""
    stat = folder.stat()
    if os.geteuid() == 0:
        os.chown(folder, NOBODY, NOBODY)
        folder.chmod(0o700)
    else:
        folder.chmod(0)
    try:
        yield folder
    finally:
        if os.geteuid() == 0:
            os.chown(folder, stat.st_uid, stat.st_gid)
        folder.chmod(stat.st_mode & 0o7777)


@contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """``folder`` made one an unprivileged child may read but not write to; put back after."""
    mode = folder.stat().st_mode & 0o7777
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(mode)
