"""hw's recorder for the embedded SQLite store: what administration does differently there."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from eventsourcing.sqlite import SQLiteApplicationRecorder

from hwcore.application.eventstore.errors import STORE_ERRORS
from hwcore.application.eventstore.persistence import AdminRecorder

SCRUB_WAIT = 2.0
"""Seconds a purge waits for other processes' reads before leaving the rest to the next hw."""
SCRUB_MARKER = ".{name}-scrub"
"""A hidden file beside the store: a purge's erasure is still to be finished (never backed up)."""


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
        self.finish_scrub()
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

    def table_exists(self, cursor: Any, table: str) -> bool:
        """Whether the table is in the store's file."""
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,))
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

    def scrub(self, snapshots_table: str | None) -> bool:
        """Copy the purge into the file and truncate the write-ahead log, without a long wait.

        ``secure_delete`` zeroed the rows in the pages the purge wrote to the
        write-ahead log; the checkpoint copies them over the old pages in
        ``events.sqlite``. A process still reading a snapshot from before the
        purge needs those old pages, so the checkpoint cannot finish until that
        read ends: hw waits at most :data:`SCRUB_WAIT` seconds (not the store's
        lock timeout), then leaves a marker (:data:`SCRUB_MARKER`) and reports
        False; the next hw that opens the store finishes it (:meth:`remember_log`).
        """
        done = self._checkpoint()
        marker = self._scrub_marker()
        if marker is not None:
            if done:
                marker.unlink(missing_ok=True)
            else:
                with suppress(OSError):
                    fd = os.open(marker, os.O_CREAT | os.O_WRONLY, 0o600)
                    os.close(fd)
        return done

    def _checkpoint(self) -> bool:
        """Checkpoint (TRUNCATE), waiting at most SCRUB_WAIT for readers; whether it finished."""
        with suppress(*STORE_ERRORS), self.datastore.get_connection(commit=True) as conn:
            cursor = conn.cursor()
            cursor.execute(f"PRAGMA busy_timeout={int(SCRUB_WAIT * 1000)}")
            try:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                row = cursor.fetchone()
            finally:
                timeout = self.datastore.pool.lock_timeout or 5
                cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            return row is not None and int(row[0]) == 0
        return False

    def _scrub_marker(self) -> Path | None:
        log = self._log_path()
        if log is None:
            return None
        store = Path(str(log)[: -len("-wal")])
        return store.with_name(SCRUB_MARKER.format(name=store.name))

    def finish_scrub(self) -> None:
        """Finish a purge's erasure that a reader held up (when its marker is there)."""
        marker = self._scrub_marker()
        if marker is not None and marker.exists() and self._checkpoint():
            marker.unlink(missing_ok=True)
