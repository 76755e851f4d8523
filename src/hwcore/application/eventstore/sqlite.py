"""hw's recorder for the embedded SQLite store: what administration does differently there."""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventsourcing.sqlite import SQLiteApplicationRecorder

from hwcore.application.eventstore.errors import STORE_ERRORS
from hwcore.application.eventstore.persistence import AdminRecorder
from hwcore.application.eventstore.sqlitefile import keep_lost
from hwcore.application.eventstore.sqlitestamp import StoreStamp

if TYPE_CHECKING:
    import logging


def _log() -> logging.Logger:
    """This module's logger (``logging`` is imported only when there is something to say:
    start-up time, see tests/cli/test_subprocess.py)."""
    import logging

    return logging.getLogger(__name__)


def _nothing() -> None:
    """Nothing to do after a write."""


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
    _anchor: sqlite3.Connection | None = None
    _stamp: StoreStamp | None = None

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
        """Note the identity (device, inode) of the write-ahead log this process has open.

        Also opens this process's *anchor*: one more connection, kept until the
        store is closed, that holds SQLite's shared lock on the file. While it
        is open no other connection of this process can be the last one to
        close, so SQLite's close-time checkpoint happens only where
        :meth:`closing` decides (see there).
        """
        path = self._log_path()
        if path is None:
            return
        self._stamp = StoreStamp(Path(str(path)[: -len("-wal")]))
        self.finish_scrub()
        try:
            st = path.stat()
        except OSError:
            return  # no log yet: nothing to compare later
        self._log_identity = (st.st_dev, st.st_ino)
        with suppress(sqlite3.Error):
            anchor = sqlite3.connect(
                str(path)[: -len("-wal")], isolation_level=None, check_same_thread=False
            )
            try:
                # A read takes the shared lock (held from then on in WAL mode).
                anchor.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            except sqlite3.Error:
                anchor.close()
                raise
            self._anchor = anchor

    def _log_replaced(self) -> bool:
        """True when the -wal on disk is another file than the one this process opened."""
        path = self._log_path()
        if self._log_identity is None or path is None:
            return False
        try:
            st = path.stat()
        except OSError:
            return False  # deleted and not replaced: nobody else logged writes since
        return (st.st_dev, st.st_ino) != self._log_identity

    def closing(self) -> Callable[[], None]:
        """Prepare to close the store; call the returned function once it is closed.

        When the write-ahead log this process opened was deleted and another
        process started a new one, SQLite's close-time checkpoint would copy
        this process's old (deleted) log over ``events.sqlite`` and delete the
        new log by name: the other processes' acknowledged writes would be
        lost. So then no connection of this process may checkpoint: the anchor
        is never closed (a parked daemon thread keeps it until the process
        ends, and the operating system then drops its lock without a
        checkpoint), and its shared lock keeps every other connection of the
        process, this store's or another's on the same file, from
        checkpointing. (Telling the anchor alone not to checkpoint, as
        ``SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE`` does on Python 3.12+, would leave
        a connection that outlives it free to.) A warning says that what was
        still in the deleted log is lost.

        Otherwise the anchor is closed after the others (the usual checkpoint),
        and when the file was as hw left it, its identity is stamped
        (:mod:`~hwcore.application.eventstore.sqlitestamp`).
        """
        anchor, self._anchor = self._anchor, None
        stamp, self._stamp = self._stamp, None  # closing twice stamps once
        lost = self._log_replaced()
        self._log_identity = None  # closed: a later use is told so, not that the log went
        trusted = not lost and stamp is not None and stamp.as_hw_left_it()
        if lost:
            _log().warning(
                "the event store's write-ahead log was deleted while this program had it open:"
                " the writes made since are kept, those still in the deleted log are lost;"
                " check the last changes (hw history CLIENT)"
            )

        def closed() -> None:
            if anchor is not None:
                if lost:
                    _park(anchor)
                else:
                    with suppress(sqlite3.Error):
                        anchor.close()
            if trusted and stamp is not None:
                stamp.restamp()

        return closed

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
        """SQLite's ``quick_check`` over every page (reads the whole file once).

        A sound store is noted as checked (see :meth:`before_write`).
        """
        before = self._stamp.identity() if self._stamp is not None else None
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("PRAGMA quick_check(1)")
            row = cursor.fetchone()
        result = str(row[0]) if row is not None else ""
        if result != "ok":
            return "SQLite's check of its pages failed"
        if self._stamp is not None:
            self._stamp.checked(before)
        return None

    def before_write(self, check_pages: Callable[[], None]) -> Callable[[], None]:
        """Check every page once before this process's first write, unless hw left the file so.

        The stamp beside the store (:mod:`~hwcore.application.eventstore.sqlitestamp`)
        says whether the file is as an hw process that had checked it left it;
        else ``check_pages`` reads every page (and raises when one is damaged).
        After the write, the file's new identity is this process's to stamp.
        """
        stamp = self._stamp
        if stamp is None:
            return _nothing
        trusted = stamp.as_hw_left_it()
        if not stamp.verified:
            if trusted:
                stamp.verified = True
            else:
                _log().info(
                    "the event store file changed outside hw since hw last closed it"
                    " (or was never stamped): checking every page before writing"
                )
                before = stamp.identity()
                check_pages()
                stamp.verified = True
                trusted = before is not None and stamp.known == before
        return lambda: stamp.wrote(trusted)

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


_PARKED: list[threading.Thread] = []


def _park(conn: sqlite3.Connection) -> None:
    """Keep ``conn`` open until the process ends, never closing it (see ``closing``).

    A daemon thread holds the only reference and waits forever: the
    interpreter abandons it at exit without freeing it, so SQLite never runs
    the connection's close (nor its checkpoint). The process may not open
    the store again (``sqlitefile.keep_lost``): it would share the stale log.
    """
    with suppress(sqlite3.Error):
        keep_lost(Path(conn.execute("PRAGMA database_list").fetchone()[2]))  # held for good
    never = threading.Event()
    thread = threading.Thread(
        target=_hold, args=(conn, never), name="hw-store-lost-log", daemon=True
    )
    thread.start()
    _PARKED.append(thread)


def _hold(conn: sqlite3.Connection, never: threading.Event) -> None:
    never.wait()
    conn.close()  # pragma: no cover (never reached)
