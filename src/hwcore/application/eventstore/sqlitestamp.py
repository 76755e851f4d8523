"""The store file as hw last left it: a stamp beside ``events.sqlite`` (stdlib only).

Checking every page of the store (SQLite's ``quick_check``) takes seconds on a
large caseload: too slow before every write. So an hw process that checked
the store (or found it as hw left it) records, when it closes, the file's
identity in a small hidden file beside it (:data:`STAMP`, owner-only, never
backed up). The next process compares that identity with the file's before
its first write: the same, nobody but hw has written the file since, and the
pages are not read again; different (or no stamp), every page is checked once.

The identity is ``(st_dev, st_ino, st_size, st_mtime_ns, st_ctime_ns)``. The
change time cannot be set back (``touch`` and ``utime`` set it to now), so
any write to the file from outside hw changes it. hw itself writes the file
only in checkpoints (SQLite copying committed pages from the write-ahead log);
each process re-stamps after its own, and only when the file was, just
before, in a state hw had checked or stamped: a stamp never covers a state
nobody verified (short of a write from outside in the same instant). A stale
stamp (two processes closing together) only costs one more check.

Used by the SQLite recorder and by the quick read (which must not import
eventsourcing: start-up time).
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

STAMP = ".{name}-verified"
"""The hidden file beside the store holding its identity as hw left it (never backed up)."""
STAMP_VERSION = "hw-store-stamp 1"

Identity = tuple[int, int, int, int, int]
"""A file's (device, inode, size, modification time, change time) in nanoseconds."""


def stamp_path(store: Path) -> Path:
    """Where the stamp of the store file ``store`` is kept."""
    return store.with_name(STAMP.format(name=store.name))


def identity(store: Path) -> Identity | None:
    """The store file's identity now; None when it cannot be seen."""
    try:
        st = store.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def read_stamp(store: Path) -> Identity | None:
    """The identity recorded in the store's stamp; None without a readable stamp."""
    # Bytes, decoded by str's own ASCII decoder: also when an application never
    # closed is closed while the interpreter exits, after the codec registry
    # that ``read_text(encoding=...)`` looks the encoding up in is gone.
    try:
        text = stamp_path(store).read_bytes().decode("ascii")
    except (OSError, ValueError, LookupError):
        return None
    lines = text.splitlines()
    if len(lines) != 2 or lines[0] != STAMP_VERSION:
        return None
    parts = lines[1].split()
    if len(parts) != 5 or not all(p.isdigit() for p in parts):
        return None
    dev, ino, size, mtime, ctime = (int(p) for p in parts)
    return (dev, ino, size, mtime, ctime)


def write_stamp(store: Path, ident: Identity) -> None:
    """Record ``ident`` as the store's identity (owner-only; a failure only costs a check).

    Written beside the stamp and renamed over it, so a reader never sees half a stamp.
    """
    target = stamp_path(store)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    text = f"{STAMP_VERSION}\n{' '.join(str(n) for n in ident)}\n".encode("ascii")
    with suppress(OSError):
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, text)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    with suppress(OSError):
        tmp.unlink(missing_ok=True)


class StoreStamp:
    """What one process knows of the store file: which identity it has verified.

    ``known`` is the identity the process last saw in a verified state: after
    its own check of every page, or after one of its own writes made from a
    verified state. ``verified`` says the process may write.
    """

    def __init__(self, store: Path) -> None:
        self.store = store
        self.known: Identity | None = None
        self.verified = False

    def as_hw_left_it(self) -> bool:
        """True (and noted) when the file is as hw last left it: nobody else wrote it."""
        now = identity(self.store)
        if now is None:
            return False
        if now == self.known or now == read_stamp(self.store):
            self.known = now
            return True
        return False

    def identity(self) -> Identity | None:
        """The store file's identity now."""
        return identity(self.store)

    def checked(self, before: Identity | None) -> None:
        """Every page was checked, and found sound, starting from identity ``before``.

        The identity is kept only when the file did not change during the check
        (another process's checkpoint): a stamp then never covers a state the
        check did not see.
        """
        self.verified = True
        after = identity(self.store)
        if before is not None and after == before:
            self.known = after

    def wrote(self, trusted: bool) -> None:
        """This process wrote (and may have checkpointed) from a state it trusted."""
        if trusted:
            self.known = identity(self.store)

    def restamp(self) -> None:
        """Record the file's identity now (after this process closed the store)."""
        now = identity(self.store)
        if now is not None and now != read_stamp(self.store):
            write_stamp(self.store, now)
