"""What hw's store administration needs from a recorder, written once for every backend.

eventsourcing appends and reads events; hw must also be able to erase a
client (the right to erasure), copy the whole store out and back in (backup
and restore) and keep a content-free audit trail of both, in the store's own
database and in one transaction with the change. :class:`AdminRecorder` holds
that SQL once; each backend's recorder (:mod:`~hwcore.application.eventstore.sqlite`,
:mod:`~hwcore.application.eventstore.postgres`) supplies only what differs:
its placeholders, how it names tables and ids, and how it locks and scrubs.
hw selects those recorders with eventsourcing's ``APPLICATION_RECORDER_TOPIC``
setting (see :data:`RECORDER_TOPICS`), as the library's
``searchablecontent`` example does with its own persistence modules.
"""

# Table names in SQL text come from the recorder's own configuration, never
# from input; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from hwcore.domain import StoreError

AUDIT_TABLE = "hw_audit"
"""Table (in the event store's own database) holding the content-free audit trail."""
AUDIT_DDL = (
    "CREATE TABLE IF NOT EXISTS {table} ("
    "at TEXT NOT NULL, action TEXT NOT NULL, events INTEGER NOT NULL, "
    "snapshots INTEGER NOT NULL, reference TEXT NOT NULL)"
)
"""The audit table (``hw db init`` creates it; on SQLite also the first purge or restore)."""


def _nothing() -> None:
    """Nothing to do."""


RECORDER_TOPICS = {
    "eventsourcing.sqlite": "hwcore.application.eventstore.sqlite:SQLiteAdminRecorder",
    "eventsourcing.postgres": "hwcore.application.eventstore.postgres:PostgresAdminRecorder",
}
"""eventsourcing's persistence module -> hw's application recorder for it."""

StoredRow = tuple[str, int, str, bytes]
"""An event or snapshot as stored: originator id (32 hex digits), version, topic, state."""
AuditRow = tuple[str, str, int, int, str]
"""An audit entry: at, action, events, snapshots, reference."""

_COLUMNS = "originator_id, originator_version, topic, state"
_AUDIT_COLUMNS = "at, action, events, snapshots, reference"


class AdminRecorder(ABC):
    """Erasure, copying out and in, and the audit trail, on the recorder's own database.

    Mixed into an eventsourcing application recorder: ``events_table_name`` is
    the recorder's; the snapshots' table is passed in (it belongs to another
    recorder on the same database), or None without snapshots.
    """

    events_table_name: str
    backend: str = ""
    """The backend's name, as a backup records it ('sqlite', 'postgres')."""
    placeholder: str = "?"
    """The driver's parameter marker."""
    log_order: str = "rowid"
    """The column that orders the events table as the notification log."""

    # ------------------------------------------------------------ the backend

    def streams_inserts(self) -> bool:
        """Whether ``insert_events`` may be given a lazy sequence it reads once, in order.

        False unless a backend says so: it must iterate the sequence once
        inside its one transaction, and allow reads on other connections
        meanwhile (see :meth:`StoreApplication.record_stream`).
        """
        return False

    @abstractmethod
    def admin_transaction(self, *, commit: bool) -> AbstractContextManager[Any]:
        """A DB-API cursor (``rowcount``, ``fetchmany``) in one transaction."""

    @abstractmethod
    def qualified(self, table: str) -> str:
        """The quoted name of one of this database's tables."""

    @abstractmethod
    def id_param(self, ident: uuid.UUID) -> Any:
        """An originator id as the driver binds it."""

    @abstractmethod
    def begin_rewrite(self, cursor: Any) -> None:
        """Prepare a transaction that deletes or replaces events (lock, overwrite)."""

    @abstractmethod
    def begin_snapshot(self, cursor: Any) -> None:
        """Make a read transaction see one consistent state (a backup)."""

    @abstractmethod
    def table_exists(self, cursor: Any, table: str) -> bool:
        """Whether hw's table ``table`` exists in the store's schema (asked, never created)."""

    def audit_exists(self, cursor: Any) -> bool:
        """Whether the audit table exists (the first purge or restore creates it)."""
        return self.table_exists(cursor, AUDIT_TABLE)

    def prepare_audit(self, cursor: Any) -> None:
        """Make sure the audit table exists before an entry is written (SQLite creates it).

        PostgreSQL overrides this with nothing: ``hw db init`` created it, and
        a role that purges may not create tables.
        """
        cursor.execute(AUDIT_DDL.format(table=self.qualified(AUDIT_TABLE)))

    @abstractmethod
    def damage(self) -> str | None:
        """What is wrong with the database's pages, checked through; None when sound."""

    @abstractmethod
    def scrub(self, snapshots_table: str | None) -> bool:
        """Leave no deleted content in free pages or logs the store controls (best effort).

        Returns:
            False when another process's read kept it from finishing (it never
            waits long for one); True otherwise.
        """

    @abstractmethod
    def remember_log(self) -> None:
        """Note which write-ahead log this process opened (where the backend has one)."""

    @abstractmethod
    def log_problem(self) -> str | None:
        """Why writing now would be lost (the log this process writes to is gone); else None."""

    def before_write(self, check_pages: Callable[[], None]) -> Callable[[], None]:
        """Make sure the store may be written; call the returned function after the write.

        A backend whose file can be changed behind hw's back (SQLite) calls
        ``check_pages`` (which raises when the pages are damaged) before this
        process's first write unless the file is as hw last left it. Here:
        nothing to check (the server checks its own pages).
        """
        return _nothing

    def closing(self) -> Callable[[], None]:
        """Prepare to close the store; call the returned function once it is closed."""
        return _nothing

    # ------------------------------------------------------------- the audit

    def audit_rows(self) -> list[AuditRow]:
        """The audit trail, oldest first (empty before the first purge or restore)."""
        with self.admin_transaction(commit=False) as cursor:
            return self._audit_rows(cursor)

    def _audit_rows(self, cursor: Any) -> list[AuditRow]:
        if not self.audit_exists(cursor):
            return []
        cursor.execute(f"SELECT {_AUDIT_COLUMNS} FROM {self.qualified(AUDIT_TABLE)} ORDER BY at")
        return [(str(a), str(b), int(c), int(d), str(e)) for a, b, c, d, e in _fetchall(cursor)]

    def generation(self) -> tuple[int, str | None]:
        """Which purges and restores the store has seen: its audit trail's size and latest time.

        Events are only ever appended, except by a purge or a restore, and both
        add an audit entry: while this value stays the same, no stored event
        changed. ``(0, None)`` before the first purge or restore.
        """
        with self.admin_transaction(commit=False) as cursor:
            if not self.audit_exists(cursor):
                return (0, None)
            return self._generation(cursor)

    def _generation(self, cursor: Any) -> tuple[int, str | None]:
        cursor.execute(f"SELECT count(*), max(at) FROM {self.qualified(AUDIT_TABLE)}")
        count, latest = _fetchall(cursor)[0]
        return (int(count), None if latest is None else str(latest))

    def _audit(self, cursor: Any, rows: Sequence[AuditRow]) -> None:
        self.prepare_audit(cursor)
        marks = ", ".join([self.placeholder] * 5)
        for row in rows:
            cursor.execute(
                f"INSERT INTO {self.qualified(AUDIT_TABLE)} ({_AUDIT_COLUMNS}) VALUES ({marks})",
                tuple(row),
            )

    # ------------------------------------------------------------- erasure

    def purge(
        self,
        ident: uuid.UUID,
        snapshots_table: str | None,
        entry: AuditRow,
        also: Callable[[Any], object] | None = None,
    ) -> tuple[int, int]:
        """Delete one originator's events and snapshots and audit it, in one transaction.

        ``also`` is called with the cursor once events were deleted, in the same
        transaction (the data key's deletion and the tombstone, see ``shredding``;
        the access log forgetting the client, see ``accesslog``).

        Returns:
            How many events and snapshots were deleted; (0, 0) writes nothing.
        """
        p = self.placeholder
        with self.admin_transaction(commit=True) as cursor:
            self.begin_rewrite(cursor)
            cursor.execute(
                f"DELETE FROM {self.qualified(self.events_table_name)} WHERE originator_id = {p}",
                (self.id_param(ident),),
            )
            events = int(cursor.rowcount)
            if events <= 0:
                return 0, 0
            snapshots = 0
            if snapshots_table:
                cursor.execute(
                    f"DELETE FROM {self.qualified(snapshots_table)} WHERE originator_id = {p}",
                    (self.id_param(ident),),
                )
                snapshots = max(int(cursor.rowcount), 0)
            if also is not None:
                also(cursor)
            self._audit(cursor, [(entry[0], entry[1], events, snapshots, entry[4])])
        return events, snapshots

    # ------------------------------------------------------ copying out and in

    def copy_out(
        self,
        snapshots_table: str | None,
        on_event: Callable[[StoredRow], None],
        on_snapshot: Callable[[StoredRow], None],
        also: Callable[[Any], None] | None = None,
    ) -> list[AuditRow]:
        """Hand every event (log order) and snapshot to the callbacks, from one snapshot.

        ``also`` is called with the cursor last, in the same transaction (the keys).

        Returns:
            The audit trail, read in the same transaction.
        """
        with self.admin_transaction(commit=False) as cursor:
            self.begin_snapshot(cursor)
            for row in self._stored(cursor, self.events_table_name, self.log_order):
                on_event(row)
            if snapshots_table:
                order = "originator_id, originator_version"
                for row in self._stored(cursor, snapshots_table, order):
                    on_snapshot(row)
            if also is not None:
                also(cursor)
            return self._audit_rows(cursor)

    def _stored(self, cursor: Any, table: str, order: str) -> Iterator[StoredRow]:
        cursor.execute(f"SELECT {_COLUMNS} FROM {self.qualified(table)} ORDER BY {order}")
        while True:
            rows = cursor.fetchmany(500)
            if not rows:
                return
            for row in rows:
                values = tuple(row.values()) if isinstance(row, dict) else tuple(row)
                ident = values[0]
                hex_id = ident.hex if isinstance(ident, uuid.UUID) else uuid.UUID(str(ident)).hex
                yield hex_id, int(values[1]), str(values[2]), bytes(values[3])

    def copy_in(
        self,
        snapshots_table: str | None,
        events: Sequence[StoredRow],
        snapshots: Sequence[StoredRow],
        audit: Sequence[AuditRow],
        *,
        replace: bool,
        also: Callable[[Any], None] | None = None,
    ) -> None:
        """Write a backup's rows and audit trail in one transaction (the last audit row is new).

        ``also`` is called with the cursor before the rows are written, in the
        same transaction (the keys).

        Raises:
            StoreError: the store holds events and ``replace`` is false (nothing written).
        """
        events_table = self.qualified(self.events_table_name)
        marks = ", ".join([self.placeholder] * 4)
        with self.admin_transaction(commit=True) as cursor:
            self.begin_rewrite(cursor)
            if replace:
                cursor.execute(f"DELETE FROM {events_table}")
                if snapshots_table:
                    cursor.execute(f"DELETE FROM {self.qualified(snapshots_table)}")
            else:
                cursor.execute(f"SELECT 1 FROM {events_table} LIMIT 1")
                if cursor.fetchall():
                    msg = "the store was written to during the restore: nothing was restored"
                    raise StoreError(msg)
            if also is not None:
                also(cursor)
            targets = [(events_table, events)]
            if snapshots_table:
                targets.append((self.qualified(snapshots_table), snapshots))
            for table, rows in targets:
                cursor.executemany(
                    f"INSERT INTO {table} ({_COLUMNS}) VALUES ({marks})",
                    [(self.id_param(uuid.UUID(i)), v, t, s) for i, v, t, s in rows],
                )
            self._audit(cursor, audit)


def _fetchall(cursor: Any) -> list[tuple[Any, ...]]:
    rows = cursor.fetchall()
    return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in rows]
