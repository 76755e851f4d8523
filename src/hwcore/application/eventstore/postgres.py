"""hw's recorder for a shared PostgreSQL store: what administration does differently there.

Least privilege: the recorder creates nothing (hw opens PostgreSQL with
eventsourcing's ``CREATE_TABLE`` off; ``hw db init`` creates the schema, see
:mod:`~hwcore.application.eventstore.schema`), and writers serialise on a
transaction-level advisory lock instead of eventsourcing's ``LOCK TABLE ...
IN EXCLUSIVE MODE``, which PostgreSQL allows only to a role holding UPDATE,
DELETE or TRUNCATE on the events table: a role that may only SELECT and
INSERT can record. The advisory lock gives the same order (each writer
draws its notification ids and commits before the next one starts), and an
INSERT still waits for a purge's or restore's table lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from eventsourcing.persistence import ProgrammingError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg import sql
from psycopg.errors import UndefinedTable

from hwcore.application.eventstore.accesslog import ACCESS_LOG_TABLE
from hwcore.application.eventstore.errors import STORE_ERRORS
from hwcore.application.eventstore.persistence import AdminRecorder
from hwcore.application.eventstore.schema import (
    ACCESS,
    EVENTS_TABLE,
    VERSION_TABLE,
    grant_statements,
    sequences,
)
from hwcore.domain import InvalidValueError, StoreError


def caseload_of(schema: str) -> str:
    """The caseload a schema holds, as shown (``public`` is the default caseload)."""
    return "default" if schema == "public" else schema


class PostgresAdminRecorder(AdminRecorder, PostgresApplicationRecorder):
    """eventsourcing's PostgreSQL application recorder, with hw's store administration."""

    backend = "postgres"
    placeholder = "%s"
    log_order = "notification_id"

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        # Writers serialise on an advisory lock (no privilege needed) rather
        # than on the library's table lock (see the module's docstring).
        self.lock_table_statements = [
            sql.SQL("SET LOCAL lock_timeout = '{0}s'").format(datastore.lock_timeout),
            sql.SQL("SELECT pg_advisory_xact_lock(hashtextextended({0}, 0))").format(
                sql.Literal(self.qualified(self.events_table_name))
            ),
        ]

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Append events (see eventsourcing's); a role without INSERT is told it reads only.

        Raises:
            StoreError: this role has read-only access to the caseload (nothing written).
        """
        try:
            ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
        except ProgrammingError as e:
            if "permission denied" not in str(e).lower():
                raise
            caseload = caseload_of(self.datastore.schema)
            msg = (
                f"this database role has read-only access to caseload {caseload!r}:"
                " nothing was written (an owner grants writing with"
                f" 'hw db grant --caseload {caseload} --role ROLE')"
            )
            raise StoreError(msg) from None
        return ids

    def prepare_audit(self, cursor: Any) -> None:
        """Nothing: ``hw db init`` created the audit table (a purging role creates nothing)."""

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

    def table_exists(self, cursor: Any, table: str) -> bool:
        """Whether the table is in the caseload's schema (asked first: a failed query aborts)."""
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL AS present", (self.qualified(table),))
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

    def scrub(self, snapshots_table: str | None) -> bool:
        """Vacuum the tables a purge deleted from (the server's WAL and dumps stay).

        A plain ``VACUUM`` marks the space free without rewriting the table
        (no lock that keeps other clinicians out); the bytes stay until reused,
        which is why a purged client's events are unreadable only with
        per-client keys (``shredding``).
        """
        tables = [self.events_table_name, *([snapshots_table] if snapshots_table else [])]
        tables.append(ACCESS_LOG_TABLE)  # the purged client's old identifier, in dead rows
        with suppress(*STORE_ERRORS), self.datastore.get_connection() as conn:
            for table in tables:
                conn.execute(f"VACUUM {self.qualified(table)}")
        return True


# ------------------------------------------------------ the owner's side


def create_schema(conn: Any, schema: str) -> None:
    """``CREATE SCHEMA IF NOT EXISTS`` (``hw db init --caseload NAME``; autocommit)."""
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {0}").format(sql.Identifier(schema)))


def grant(conn: Any, schema: str, role: str, access: str) -> list[str]:
    """Grant a role exactly what ``access`` needs on one caseload's schema, in one transaction.

    Returns:
        The statements run (for the report: no value in them is secret).

    Raises:
        InvalidValueError: no such role, or an unknown access.
        StoreError: the caseload has no hw schema yet ('hw db init' first), or
            this role does not own its tables (nothing is granted).
    """
    if access not in ACCESS:
        raise InvalidValueError("access", access, ", ".join(ACCESS))
    caseload = caseload_of(schema)
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
        if cursor.fetchone() is None:
            raise InvalidValueError(
                "role",
                role if role.isprintable() and len(role) <= 63 else "<given>",
                "an existing database role (CREATE ROLE ... LOGIN first)",
            )
        if not _present(cursor, sql.Identifier(schema, VERSION_TABLE).as_string(conn)):
            option = "" if caseload == "default" else f" --caseload {caseload}"
            msg = f"caseload {caseload!r} has no hw schema yet: run 'hw db init{option}' first"
            raise StoreError(msg)
        done: list[str] = []
        ident = {"schema": sql.Identifier(schema), "role": sql.Identifier(role)}
        for template, table in grant_statements(access):
            name = sql.Identifier(schema, table).as_string(conn) if table else ""
            if table and not _present(cursor, name):
                continue  # a part this store does not hold yet
            statement = sql.SQL(template).format(**ident, table=sql.Identifier(table or "x"))
            cursor.execute(statement)
            done.append(statement.as_string(conn))
            if table and template.startswith("GRANT "):
                _check_granted(cursor, role, name, template)
        granted = set(sequences(access))
        for table, column in dict.fromkeys(sequences("purge") + sequences("read-only")):
            name = sql.Identifier(schema, table).as_string(conn)
            if not _present(cursor, name):
                continue
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", (name, column))
            found = cursor.fetchone()
            if not (found and found[0]):
                continue
            verb = "GRANT USAGE ON SEQUENCE {0} TO {1}"
            if (table, column) not in granted:
                verb = "REVOKE ALL ON SEQUENCE {0} FROM {1}"
            statement = sql.SQL(verb).format(sql.SQL(found[0]), sql.Identifier(role))
            cursor.execute(statement)
            done.append(statement.as_string(conn))
    return list(dict.fromkeys(done))


def _present(cursor: Any, name: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (name,))
    row = cursor.fetchone()
    return bool(row and row[0])


def _check_granted(cursor: Any, role: str, table: str, template: str) -> None:
    """Refuse (and so roll back) a GRANT that PostgreSQL only warned about (not an owner)."""
    privileges = template.removeprefix("GRANT ").split(" ON ", 1)[0].split(", ")
    for privilege in privileges:
        cursor.execute("SELECT has_table_privilege(%s, %s, %s)", (role, table, privilege))
        row = cursor.fetchone()
        if not (row and row[0]):
            msg = (
                "hw db grant needs an owner of the caseload's tables (the role that ran"
                " 'hw db init'): nothing was granted"
            )
            raise StoreError(msg)


def readable_schemas(conn: Any) -> list[str]:
    """The schemas holding an hw store that this role may read (USAGE and SELECT), by name.

    Only the catalogs are read, which every role may: a schema the role was
    not granted is not listed (and its tables cannot be read).
    """
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n"
            " JOIN pg_class e ON e.relnamespace = n.oid AND e.relname = %s"
            " JOIN pg_class v ON v.relnamespace = n.oid AND v.relname = %s"
            " WHERE has_schema_privilege(n.oid, 'USAGE')"
            " AND has_table_privilege(e.oid, 'SELECT')"
            " ORDER BY n.nspname = 'public' DESC, n.nspname",
            (EVENTS_TABLE, VERSION_TABLE),
        )
        return [str(r[0]) for r in cursor.fetchall()]
