"""The SQLite file header check shared by the store check and the quick path (stdlib only)."""

from __future__ import annotations

from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"


def header_problem(path: Path) -> str | None:
    """Why ``path`` cannot be an intact SQLite database, judged by its header; else None.

    Reads only the first 100 bytes, before any SQLite connection touches the
    file (a connection may create ``-wal`` and ``-shm`` files beside it). A
    missing or empty file is no problem (it is a new store).
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"cannot read the event store {path.name!r}: {e.strerror}"
    if size == 0:
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
        return f"the event store {path.name!r} is truncated ({size} of {pages * page_size} bytes)"
    return None
