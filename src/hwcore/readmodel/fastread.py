"""Answers read straight from a read model file that is exactly as current as the event log.

``hw caseload`` and ``hw plan CLIENT`` are asked many times a day and must feel
instant. When the read model file has applied the event log's last event, their
answers are already in it (``client_summary`` and the ``plans`` cache), so
these queries read them with the stdlib ``sqlite3`` driver and never import
eventsourcing, the domain or the planner (start-up time).

The caller tells which event is the log's last (its *head*); :func:`answer_if_current`
answers only when every read-model migration is applied and the tracked
position is that event (same id, same aggregate, same version), in one read
snapshot of the file. Otherwise it returns None, and the caller asks the
application, which catches up. :func:`hwcore.application.reads.answer` is the
one place that decides between the two.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from typing import TypeVar

from hwcore.readmodel.caseload import CaseloadEntry, caseload_from, caseload_sql
from hwcore.readmodel.caseload_text import caseload_text
from hwcore.readmodel.schema import MIGRATION_NAMES, MIGRATION_SET, PLANS_TABLE, TRACKING_NAME

T = TypeVar("T")

LogHead = tuple[int, str | None, int | None]
"""The event log's last notification: (id, originator id as 32 hex digits, version);
``(0, None, None)`` for an empty log."""

Query = Callable[[sqlite3.Connection], T | None]
"""A read-only query on the read model; None when it has no answer."""


def answer_if_current(path: str | os.PathLike[str], head: LogHead, query: Query[T]) -> T | None:
    """``query``'s answer, read in one snapshot of a read model that tracks ``head``.

    Args:
        path: the read model file (it must exist: nothing is created).
        head: the event log's last notification.
        query: what to read.

    Returns:
        The answer, or None when the file is not (provably) current or on any
        SQLite or file error: the application then answers, and explains or repairs.
    """
    if not os.path.isfile(path):
        return None  # connecting would create an empty file
    try:
        with closing(sqlite3.connect(os.fspath(path), timeout=5.0, isolation_level=None)) as conn:
            conn.execute("BEGIN")  # one snapshot for the check and the answer
            try:
                if _migrated(conn) and _tracked(conn) == head:
                    return query(conn)
                return None
            finally:
                conn.execute("ROLLBACK")
    except (sqlite3.Error, OSError, ValueError):
        return None


def tracked_position(path: str | os.PathLike[str]) -> int:
    """The last event a read model file has applied (0: none, no file, or unreadable)."""
    if not os.path.isfile(path):
        return 0
    try:
        # A plain connection (it only reads): a read-only one would leave the
        # WAL's -wal and -shm files behind, which the last connection removes.
        with closing(sqlite3.connect(os.fspath(path), timeout=5.0)) as conn:
            tracked = _tracked(conn)
    except (sqlite3.Error, OSError, ValueError):
        return 0
    return 0 if tracked is None else tracked[0]


def caseload_query(*, due_only: bool = False) -> Query[list[CaseloadEntry]]:
    """The caseload (every client, attention first), as :meth:`HwApplication.caseload` gives it."""
    return lambda conn: caseload_from(conn.execute(caseload_sql(due_only=due_only)))


def caseload_text_query(*, due_only: bool = False) -> Query[str]:
    """The caseload as ``hw caseload`` prints it, every line read from SQLite (``caseload_50k``)."""
    return lambda conn: caseload_text(conn, due_only=due_only)


def planner_query(client: str) -> Query[str]:
    """CLIENT's cached planner, when the cache holds the client's current version.

    The text is the cached form, unparsed (``hwcore.planner.cache.from_cache``
    turns it into the typed planner: the planner is not imported here).
    """
    name = client.strip()

    def cached(conn: sqlite3.Connection) -> str | None:
        if not name:
            return None
        row = conn.execute(
            f"SELECT p.planner FROM {PLANS_TABLE} p JOIN clients c USING (client)"  # noqa: S608
            " WHERE p.client = ? AND p.version = c.version",
            (name,),
        ).fetchone()
        return str(row[0]) if row is not None else None

    return cached


def _migrated(conn: sqlite3.Connection) -> bool:
    applied = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,)
        )
    }
    return applied.issuperset(MIGRATION_NAMES)


def _tracked(conn: sqlite3.Connection) -> LogHead | None:
    row = conn.execute(
        "SELECT position, originator_id, originator_version FROM tracking WHERE name = ?",
        (TRACKING_NAME,),
    ).fetchone()
    if row is None:
        return None
    position, originator_id, version = row
    if originator_id is None:
        return (int(position), None, None)
    # The store keeps ids as bare hex digits, the tracking row with dashes.
    return (int(position), str(originator_id).replace("-", "").lower(), version)
