"""The SQLite store file itself: its header, and its last event (stdlib only).

Shared by the store checks on open and the fast read, which must not import
eventsourcing (start-up time).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

SQLITE_HEADER = b"SQLite format 3\x00"
T = TypeVar("T")


_files_lock = threading.Lock()
_open_here: dict[tuple[int, int], int] = {}
"""Store files (device, inode) this process has open through SQLite, and how many times."""

FileHold = tuple[int, int] | None
"""What :func:`hold_file` returns and :func:`release_file` takes."""


def hold_file(path: Path) -> FileHold:
    """Note that this process opens ``path`` through SQLite (until :func:`release_file`).

    SQLite locks the file with POSIX locks, which belong to the process: when
    the process closes *any* descriptor of that file, all of them are gone,
    and another process may then checkpoint and delete the write-ahead log
    under this one. So while the file is held, :func:`header_problem` does
    not open it again (it was checked before it was first held).
    """
    try:
        st = path.stat()
    except OSError:
        return None
    key = (st.st_dev, st.st_ino)
    with _files_lock:
        _open_here[key] = _open_here.get(key, 0) + 1
    return key


def release_file(key: FileHold) -> None:
    """This process closed its SQLite connections to the file :func:`hold_file` noted."""
    if key is None:
        return
    with _files_lock:
        left = _open_here.get(key, 0) - 1
        if left > 0:
            _open_here[key] = left
        else:
            _open_here.pop(key, None)


_lost_here: set[tuple[int, int]] = set()
"""Store files whose deleted log a connection of this process keeps open until it exits."""


def keep_lost(path: Path) -> None:
    """Note that this process keeps ``path`` open on a deleted log until it exits.

    Its other connections would share that connection's stale view of the
    log (SQLite keeps one per file and process): :func:`lost_problem` then
    refuses to open the file again in this process.
    """
    key = hold_file(path)
    if key is not None:
        with _files_lock:
            _lost_here.add(key)


def lost_problem(path: Path) -> str | None:
    """Why this process may not open ``path`` again (see :func:`keep_lost`); else None."""
    if not _lost_here:
        return None
    try:
        st = path.stat()
    except OSError:
        return None
    if (st.st_dev, st.st_ino) not in _lost_here:
        return None
    return (
        "this program had the event store open when its write-ahead log was deleted:"
        " restart the program to open the store again (nothing was read or changed)"
    )


def header_problem(path: Path) -> str | None:
    """Why ``path`` cannot be an intact SQLite database, judged by its header; else None.

    Reads only the first 100 bytes, before any SQLite connection touches the
    file (a connection may create ``-wal`` and ``-shm`` files beside it). A
    missing or empty file is no problem (it is a new store), nor one this
    process already has open through SQLite (see :func:`hold_file`).
    """
    with _files_lock:
        return _header_problem(path)


def _header_problem(path: Path) -> str | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"cannot read the event store {path.name!r}: {e.strerror}"
    size = st.st_size
    if size == 0 or (st.st_dev, st.st_ino) in _open_here:
        return None
    try:
        with path.open("rb") as f:
            header = f.read(100)
    except OSError as e:
        return f"cannot read the event store {path.name!r}: {e.strerror}"
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        name = repr(path.name)
        return f"the event store {name} is not an SQLite database (corrupt or not an hw file)"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    change_counter = header[24:28]
    valid_for = header[92:96]
    if change_counter == valid_for and pages and size < pages * page_size:
        if _wal_has_frames(path, page_size):
            # A checkpoint that could not extend the file (a full disk) leaves the
            # header ahead of the file while the pages are still committed in the
            # write-ahead log: SQLite reads them from there and finishes the
            # checkpoint once there is space. Not a truncated store.
            return None
        return f"the event store {path.name!r} is truncated ({size} of {pages * page_size} bytes)"
    return None


WAL_MAGIC = (0x377F0682, 0x377F0683)
"""The first four bytes of an SQLite write-ahead log (either byte order of its checksums)."""


def _wal_has_frames(path: Path, page_size: int) -> bool:
    """True when a write-ahead log beside ``path`` holds at least one frame for its pages."""
    wal = path.with_name(path.name + "-wal")
    try:
        with wal.open("rb") as f:
            header = f.read(32)
        size = wal.stat().st_size
    except OSError:
        return False
    if len(header) < 32 or int.from_bytes(header[:4], "big") not in WAL_MAGIC:
        return False
    return int.from_bytes(header[8:12], "big") == page_size and size >= 32 + 24 + page_size


LogHead = tuple[int, str | None, int | None]
"""The event log's last notification: (id, originator id as 32 hex digits, version).

``(0, None, None)`` is an empty log.
"""


def log_head(path: Path) -> LogHead | None:
    """The last event of the SQLite store at ``path``, if it is plainly readable; else None.

    Read with the stdlib driver only (no eventsourcing). None whenever hw could
    not read that event without a cipher key: the file is damaged, or the
    event's state is not a JSON object (an encrypted store: its ciphertext
    never parses). The whole state is parsed, not guessed from its first byte.
    """
    return with_log_head(path, lambda head, _conn: head)


def with_log_head(path: Path, use: Callable[[LogHead, sqlite3.Connection], T | None]) -> T | None:
    """``use(head, connection)`` with :func:`log_head`'s answer, on the connection it read it with.

    The quick read answers and appends its access-log entry on the one
    connection it opened (start-up time). None when there is no readable head.
    """
    if lost_problem(path) is not None or header_problem(path) is not None:
        return None
    from hwcore.application.eventstore.sqlitestamp import StoreStamp

    # Its close may checkpoint (and its access-log entry is a write): when hw
    # left the file so, the new identity is stamped (see sqlitestamp).
    stamp = StoreStamp(path)
    trusted = stamp.as_hw_left_it()
    held = hold_file(path)
    try:
        # A plain connection (it only reads): a read-only one would leave the
        # WAL's -wal and -shm files behind, which the last connection removes.
        with closing(sqlite3.connect(os.fspath(path), timeout=5.0)) as conn:
            last = conn.execute(
                "SELECT rowid, originator_id, originator_version, state"
                " FROM stored_events ORDER BY rowid DESC LIMIT 1"
            ).fetchone()
            head = _head(last)
            return None if head is None else use(head, conn)
    except sqlite3.Error:
        trusted = False
        return None
    finally:
        release_file(held)
        if trusted:
            stamp.restamp()


def _head(last: Any) -> LogHead | None:
    if last is None:
        return (0, None, None)
    position, originator_id, version, state = last
    try:
        plain = isinstance(json.loads(state), dict)
    except (ValueError, TypeError):
        plain = False
    if not plain:
        return None
    return (int(position), str(originator_id).replace("-", "").lower(), int(version))
