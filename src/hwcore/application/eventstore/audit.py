"""The store's audit trail table and the store generation (light: the stdlib only).

Split from :mod:`hwcore.application.eventstore.admin` so that opening the application
(which reads the store generation) does not import backup, restore and purge.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.application import Application

from hwcore.application.eventstore.errors import store_errors

AUDIT_TABLE = "hw_audit"
"""Table (in the event store's own database) holding the content-free audit trail."""


def _is_postgres(app: Application[Any]) -> bool:
    return type(app.recorder).__module__.startswith("eventsourcing.postgres")


def _audit_table(app: Application[Any]) -> str:
    if _is_postgres(app):
        schema = str(getattr(app.recorder, "datastore").schema)  # noqa: B009
        return f'"{schema}"."{AUDIT_TABLE}"'
    return f'"{AUDIT_TABLE}"'


@contextmanager
def _transaction(app: Application[Any], *, commit: bool) -> Iterator[Any]:
    """A cursor in one transaction on the store's own database (both backends)."""
    datastore: Any = getattr(app.recorder, "datastore")  # noqa: B009
    with store_errors(), datastore.transaction(commit=commit) as cursor:
        # SQLite's wrapper lacks rowcount and fetchmany: use the sqlite3 cursor.
        yield getattr(cursor, "sqlite_cursor", cursor)


def _fetchall(cursor: Any) -> list[tuple[Any, ...]]:
    rows = cursor.fetchall()
    return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in rows]


def _audit_present(app: Application[Any], cursor: Any) -> bool:
    """Whether the store has an audit table (it is created by the first purge or restore)."""
    if _is_postgres(app):
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL AS present", (_audit_table(app),))
        return bool(_fetchall(cursor)[0][0])
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (AUDIT_TABLE,))
    return bool(_fetchall(cursor))


def store_generation(app: Application[Any]) -> tuple[int, str | None]:
    """Which purges and restores the store has seen: its audit trail's size and latest time.

    Events are only ever appended, except by a purge or a restore, and both
    add an audit entry: while this value stays the same, no stored event
    changed. Reads only; a store without an audit table gives ``(0, None)``.
    """
    query = f"SELECT count(*), max(at) FROM {_audit_table(app)}"  # noqa: S608
    with _transaction(app, commit=False) as cursor:
        if _is_postgres(app):
            # A failed statement would abort the transaction: look first.
            if not _audit_present(app, cursor):
                return (0, None)
            cursor.execute(query)
        else:
            try:  # one statement per command on SQLite (the table is usually absent)
                cursor.execute(query)
            except sqlite3.OperationalError:
                if _audit_present(app, cursor):
                    raise
                return (0, None)
        count, latest = _fetchall(cursor)[0]
    return (int(count), None if latest is None else str(latest))
