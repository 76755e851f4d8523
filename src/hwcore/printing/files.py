"""Writing output files: owner-only (0600) and atomic (never half-written)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from hwcore.domain import HwError


class OutputError(HwError):
    """An output file cannot be written (clear, content-free)."""


def write_private(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, readable by the owner only (0600).

    The bytes go to a temporary file in the same folder, which then replaces
    the target: a crash leaves either the old file or the new one.

    Raises:
        OutputError: the folder does not exist or cannot be written.
    """
    import tempfile  # here, not at the top: the CLI's read commands never need it

    target = Path(path).expanduser()
    folder = target.parent
    if not folder.is_dir():
        msg = f"cannot write {str(target)!r}: the folder {str(folder)!r} does not exist"
        raise OutputError(msg)
    if target.is_dir():
        msg = f"cannot write {str(target)!r}: it is a folder (give a file name)"
        raise OutputError(msg)
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as e:
        msg = f"cannot write {str(target)!r}: {e.strerror}"
        raise OutputError(msg) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, target)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        msg = f"cannot write {str(target)!r}: {e.strerror}"
        raise OutputError(msg) from None
    return target
