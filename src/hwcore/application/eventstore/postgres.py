"""hw's recorder for a shared PostgreSQL store: what administration does differently there."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.errors import UndefinedTable

from hwcore.application.eventstore.accesslog import ACCESS_LOG_TABLE
from hwcore.application.eventstore.errors import STORE_ERRORS
from hwcore.application.eventstore.persistence import AUDIT_TABLE, AdminRecorder


class PostgresAdminRecorder(AdminRecorder, PostgresApplicationRecorder):
    """eventsourcing's PostgreSQL application recorder, with hw's store administration."""

    backend = "postgres"
    placeholder = "%s"
    log_order = "notification_id"

    @contextmanager
    def admin_transaction(self, *, commit: bool) -> Iterator[Any]:
        """A psycopg cursor in one transaction."""
        with self.datastore.transaction(commit=commit) as cursor:
            yield cursor

    def qualified(self, table: str) -> str:
        """The table's name in the configured schema."""
        return f'"{self.datastore.schema}"."{table}"'

    def id_param(self, ident: uuid.UUID) -> Any:
        """psycopg binds UUIDs as they are."""
        return ident

    def begin_rewrite(self, cursor: Any) -> None:
        """Other writers wait until the events are deleted or replaced."""
        cursor.execute(f"LOCK TABLE {self.qualified(self.events_table_name)} IN EXCLUSIVE MODE")

    def begin_snapshot(self, cursor: Any) -> None:
        """Every statement of the backup sees the same committed state."""
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    def audit_exists(self, cursor: Any) -> bool:
        """Whether ``hw_audit`` exists in the schema (asked first: a failed query aborts)."""
        cursor.execute(
            "SELECT to_regclass(%s) IS NOT NULL AS present", (self.qualified(AUDIT_TABLE),)
        )
        row = cursor.fetchone()
        return bool(row["present"] if isinstance(row, dict) else row[0])

    _audit_seen = False
    """The audit table was there when last asked (hw never drops it)."""

    def generation(self) -> tuple[int, str | None]:
        """The audit trail's size and latest time (see :meth:`AdminRecorder.generation`).

        One statement on an autocommit connection, not a transaction of two
        (``BEGIN``, the table's presence, the count, ``ROLLBACK``): every load
        of a kept case asks it (``postgres_append``). Once the table was seen,
        only the count is asked (one statement: a consistent pair); if the
        table is gone after all, the presence is asked again.
        """
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            if self._audit_seen:
                try:
                    return self._generation(cursor)
                except UndefinedTable:
                    self._audit_seen = False
            if not self.audit_exists(cursor):
                return (0, None)
            self._audit_seen = True
            return self._generation(cursor)

    def remember_log(self) -> None:
        """Nothing to note: the server keeps its own write-ahead log."""

    def log_problem(self) -> str | None:
        """None: a client cannot lose the server's log."""
        return None

    def damage(self) -> str | None:
        """None: the server checks its own pages (and reports damage on every read)."""
        return None

    def scrub(self, snapshots_table: str | None) -> None:
        """Vacuum the tables a purge deleted from (the server's WAL and dumps stay)."""
        tables = [self.events_table_name, *([snapshots_table] if snapshots_table else [])]
        tables.append(ACCESS_LOG_TABLE)  # the purged client's old identifier, in dead rows
        with suppress(*STORE_ERRORS), self.datastore.get_connection() as conn:
            for table in tables:
                conn.execute(f"VACUUM {self.qualified(table)}")
