"""hw's recorder for the embedded SQLite store: what administration does differently there."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from eventsourcing.sqlite import SQLiteApplicationRecorder

from hwcore.application.eventstore.errors import STORE_ERRORS
from hwcore.application.eventstore.persistence import AUDIT_TABLE, AdminRecorder


class SQLiteAdminRecorder(AdminRecorder, SQLiteApplicationRecorder):
    """eventsourcing's SQLite application recorder, with hw's store administration."""

    backend = "sqlite"
    placeholder = "?"
    log_order = "rowid"

    @contextmanager
    def admin_transaction(self, *, commit: bool) -> Iterator[Any]:
        """The sqlite3 cursor in one transaction (the library's wrapper lacks ``rowcount``)."""
        with self.datastore.transaction(commit=commit) as cursor:
            yield cursor.sqlite_cursor

    def qualified(self, table: str) -> str:
        """The quoted table name (one database, no schema)."""
        return f'"{table}"'

    def id_param(self, ident: uuid.UUID) -> Any:
        """The store keeps ids as 32 hex digits."""
        return ident.hex

    def begin_rewrite(self, cursor: Any) -> None:
        """Deleted content is overwritten with zeros, not left in free pages."""
        cursor.execute("PRAGMA secure_delete=ON")

    def begin_snapshot(self, cursor: Any) -> None:
        """A read transaction already sees one state (the library began it)."""

    def audit_exists(self, cursor: Any) -> bool:
        """Whether ``hw_audit`` is in the schema."""
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (AUDIT_TABLE,))
        return bool(cursor.fetchall())

    def generation(self) -> tuple[int, str | None]:
        """The audit trail's size and latest time, in one statement (the table is rarely there)."""
        with self.admin_transaction(commit=False) as cursor:
            try:
                return self._generation(cursor)
            except sqlite3.OperationalError:
                if self.audit_exists(cursor):
                    raise
                return (0, None)

    def scrub(self, snapshots_table: str | None) -> None:
        """Truncate the write-ahead log, which may still hold deleted pages."""
        # Another reader can hold the log open: the rows are gone and audited
        # already, so this is best effort (said so in docs/security.md).
        with suppress(*STORE_ERRORS), self.datastore.get_connection(commit=True) as conn:
            conn.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
