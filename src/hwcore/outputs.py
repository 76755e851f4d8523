"""The one guard for every file hw writes where the user asks (spec section 5).

``hw export -o``, ``hw print plan|handout -o``, ``--ics`` and ``hw backup``
all pass their target through :func:`check_output_path` before writing, and
write with :func:`write_private`. An output path never replaces

- a file of the hw home (the event store, its ``-wal``/``-shm``, the read
  model, the configuration, the logo), nor goes anywhere inside the home:
  the home holds hw's own files only (a backup copies them);
- a folder, a device node, a FIFO or a socket;
- an existing file, unless the caller passes ``force`` (``--force``).

Symbolic links are followed for the check (a link into the home is refused)
and hard links to the home's files are recognised by their inode.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from hwcore.domain.errors import InvalidValueError

__all__ = ["OutputError", "check_output_path", "place", "write_private"]


class OutputError(InvalidValueError):
    """An output file cannot or may not be written (clear, content-free).

    An :class:`InvalidValueError` (the path is the invalid value), with its own
    one-line message.
    """

    def __init__(self, message: str) -> None:
        self.field = "output file"
        self.value = None
        self.allowed = "a new file outside the hw home (or --force to replace one)"
        Exception.__init__(self, message)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _home_files(home: Path) -> list[os.stat_result]:
    found: list[os.stat_result] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(home):
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False):
                    found.append(entry.stat(follow_symlinks=False))
    return found


def check_output_path(
    path: str | os.PathLike[str],
    *,
    home: str | os.PathLike[str] | None,
    force: bool = False,
    what: str = "output file",
) -> Path:
    """Refuse an output path that would replace what it must not; return it absolute.

    Args:
        path: the path the user gave (``~`` is expanded).
        home: the hw home (None: no home to protect).
        force: allow replacing an existing regular file.
        what: how the error names the file ('backup file', 'calendar file').

    Returns:
        The absolute path to write.

    Raises:
        OutputError: one line saying why and what to do instead.
    """
    target = Path(path).expanduser().absolute()
    shown = str(target)
    try:
        entry = target.parent.resolve() / target.name  # the directory entry written
        real = target.resolve()  # where a symbolic link points
    except (OSError, RuntimeError):  # a symlink loop
        msg = f"cannot write {what} {shown!r}: the path cannot be resolved"
        raise OutputError(msg) from None
    if home is not None:
        home_path = Path(home).expanduser().absolute()
        with contextlib.suppress(OSError, RuntimeError):
            home_path = home_path.resolve()
        if _inside(entry, home_path) or _inside(real, home_path):
            msg = (
                f"cannot write {what} {shown!r}: it is inside the hw home {str(home_path)!r},"
                " which holds hw's own files only: write it elsewhere"
            )
            raise OutputError(msg)
    try:
        info = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as e:
        msg = f"cannot write {what} {shown!r}: {e.strerror or type(e).__name__}"
        raise OutputError(msg) from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            msg = f"cannot write {what} {shown!r}: it is a folder (give a file name)"
            raise OutputError(msg)
        if not stat.S_ISREG(info.st_mode):
            msg = f"cannot write {what} {shown!r}: it is a device or special file, not a file"
            raise OutputError(msg)
        if home is not None and info.st_nlink > 1:
            for other in _home_files(Path(home).expanduser().absolute()):
                if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
                    msg = f"cannot write {what} {shown!r}: it is a link to a file of the hw home"
                    raise OutputError(msg)
        if not force:
            msg = f"cannot write {what} {shown!r}: it exists (pass --force to replace it)"
            raise OutputError(msg)
    if not entry.parent.is_dir():
        msg = f"cannot write {what} {shown!r}: the folder {str(target.parent)!r} does not exist"
        raise OutputError(msg)
    return target


def write_private(
    path: str | os.PathLike[str], data: bytes, *, force: bool = True, what: str = "output file"
) -> Path:
    """Write ``data`` to ``path`` atomically, readable by the owner only (0600).

    The bytes go to a temporary file in the same folder, which then takes the
    target's name: a crash leaves either the old file or the new one. Without
    ``force`` the name is taken with a hard link, so a file that appeared since
    :func:`check_output_path` is never replaced.

    Args:
        path: the file to write (already checked by :func:`check_output_path`).
        data: the bytes.
        force: replace an existing file.
        what: how an error names the file.

    Returns:
        The path written.

    Raises:
        OutputError: the folder does not exist or cannot be written.
    """
    import tempfile  # here, not at the top: the CLI's read commands never need it

    target = Path(path).expanduser()
    folder = target.parent
    shown = str(target)
    if not folder.is_dir():
        msg = f"cannot write {what} {shown!r}: the folder {str(folder)!r} does not exist"
        raise OutputError(msg)
    if target.is_dir():
        msg = f"cannot write {what} {shown!r}: it is a folder (give a file name)"
        raise OutputError(msg)
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as e:
        msg = f"cannot write {what} {shown!r}: {e.strerror or type(e).__name__}"
        raise OutputError(msg) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        place(temp, target, force=force, what=what)
    except OSError as e:
        msg = f"cannot write {what} {shown!r}: {e.strerror or type(e).__name__}"
        raise OutputError(msg) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    return target


def place(temp: str | os.PathLike[str], target: Path, *, force: bool, what: str) -> None:
    """Give the finished ``temp`` file the ``target`` name (never replacing without force).

    Args:
        temp: the finished temporary file in the target's folder.
        target: the final path.
        force: replace an existing file.
        what: how an error names the file.

    Raises:
        OutputError: the target appeared in the meantime (without force).
        OSError: the rename failed.
    """
    if force:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)
    except FileExistsError:
        msg = f"cannot write {what} {str(target)!r}: it exists (pass --force to replace it)"
        raise OutputError(msg) from None
    except OSError:  # a file system without hard links: the check came just before
        if os.path.lexists(target):
            msg = f"cannot write {what} {str(target)!r}: it exists (pass --force to replace it)"
            raise OutputError(msg) from None
        os.replace(temp, target)
