"""hw's recorder for the embedded SQLite store: what administration does differently there."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from eventsourcing.sqlite import SQLiteApplicationRecorder

from hwcore.application.eventstore.errors import STORE_ERRORS
from hwcore.application.eventstore.persistence import AUDIT_TABLE, AdminRecorder


class SQLiteAdminRecorder(AdminRecorder, SQLiteApplicationRecorder):
    """eventsourcing's SQLite application recorder, with hw's store administration."""

    backend = "sqlite"
    placeholder = "?"
    log_order = "rowid"

    _log_identity: tuple[int, int] | None = None

    def streams_inserts(self) -> bool:
        """A file store: eventsourcing 9.5's recorder inserts row by row as it
        iterates, in one transaction, and a WAL file lets other connections read
        meanwhile (an in-memory store makes readers wait for the writer)."""
        return not self.datastore.pool.is_sqlite_memory_mode

    def _log_path(self) -> Path | None:
        pool = self.datastore.pool
        if pool.is_sqlite_memory_mode or not pool.db_name:
            return None
        name = pool.db_name
        if name.startswith("file:"):
            return None  # a URI: hw opens plain paths; leave others to SQLite
        return Path(name + "-wal")

    def remember_log(self) -> None:
        """Note the identity (device, inode) of the write-ahead log this process has open."""
        path = self._log_path()
        if path is None:
            return
        try:
            st = path.stat()
        except OSError:
            return  # no log yet: nothing to compare later
        self._log_identity = (st.st_dev, st.st_ino)

    def log_problem(self) -> str | None:
        """Why a write would be lost: the -wal this process opened was deleted (or replaced).

        SQLite keeps writing into the log it opened; once that file is deleted,
        those writes never reach ``events.sqlite``, and another process starts
        a new log the two would then overwrite. So hw refuses to go on.
        """
        if self._log_identity is None:
            return None
        path = self._log_path()
        assert path is not None
        try:
            st = path.stat()
        except FileNotFoundError:
            identity = None
        except OSError:
            return None  # cannot tell: SQLite reports real trouble itself
        else:
            identity = (st.st_dev, st.st_ino)
        if identity == self._log_identity:
            return None
        return (
            f"the event store's write-ahead log ({path.name}) was deleted while hw had it open:"
            " nothing was written; close every hw program (the TUI too) and run the command again"
        )

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

    def damage(self) -> str | None:
        """SQLite's ``quick_check`` over every page (reads the whole file once)."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("PRAGMA quick_check(1)")
            row = cursor.fetchone()
        result = str(row[0]) if row is not None else ""
        return None if result == "ok" else "SQLite's check of its pages failed"

    def scrub(self, snapshots_table: str | None) -> None:
        """Truncate the write-ahead log, which may still hold deleted pages."""
        # Another reader can hold the log open: the rows are gone and audited
        # already, so this is best effort (said so in docs/security.md).
        with suppress(*STORE_ERRORS), self.datastore.get_connection(commit=True) as conn:
            conn.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
