"""The store's schema: what ``hw db init`` creates, what opening checks, what a grant opens.

On PostgreSQL hw creates and alters nothing when it opens a store (so it runs
for a role that may only SELECT and INSERT): an owner runs ``hw db init``
once per caseload, and again after an upgrade that needs a schema change
(it is idempotent). The schema is a list of **parts** (:data:`SCHEMA_PARTS`),
each with a name, a version, the statements that create it (idempotent) and
the privileges each kind of access needs on its tables. ``hw db init`` runs
every part in order and records its version in :data:`VERSION_TABLE`;
opening compares those versions with the parts this hw knows
(:func:`schema_problem`) and names ``hw db init`` when one is missing or
older. A branch adding a table adds its :class:`SchemaPart` to
:data:`SCHEMA_PARTS` (and, on PostgreSQL, never creates it on open).

On SQLite nothing changes: the file and eventsourcing's tables are created
on first use, as before; ``hw db init`` there creates them and records the
versions too.

The privileges, exactly (``GRANT`` by :func:`grant_statements`):

- every access: ``USAGE`` on the caseload's schema, ``SELECT`` on every hw table;
- ``read-write`` adds ``INSERT`` on the events and snapshots tables and
  ``USAGE`` on the events' notification-id sequence (no ``UPDATE``, no
  ``DELETE``: the log is append-only, and the read position is kept in each
  machine's own read model file, never on the server);
- ``purge`` adds ``DELETE`` on the events and snapshots tables (``hw client
  purge``, ``hw restore --force``; ``LOCK TABLE ... IN EXCLUSIVE MODE`` needs
  one of UPDATE/DELETE/TRUNCATE: DELETE) and ``INSERT`` on the audit table.
"""

# Table names in SQL text come from this module and the recorder's own
# configuration, never from input; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from hwcore.application.eventstore.accesslog import ACCESS_LOG_TABLE, create_access_log
from hwcore.application.eventstore.persistence import AUDIT_DDL, AUDIT_TABLE, AdminRecorder
from hwcore.application.eventstore.shredding import KEY_TABLE, create_key_table
from hwcore.valueclass import Value

VERSION_TABLE = "hw_schema"
"""Which version of each schema part the store holds (one row per part)."""
EVENTS_TABLE = "hw_events"
"""eventsourcing's events table on PostgreSQL for the application named ``hw``."""
SNAPSHOTS_TABLE = "hw_snapshots"
"""eventsourcing's snapshots table on PostgreSQL (SQLite names its tables ``stored_*``)."""

ACCESS = ("read-only", "read-write", "purge")
"""The kinds of access :func:`grant_statements` grants, each including the one before."""


@attrs.frozen(repr=False, eq=False)
class TableGrant(Value):
    """The privileges one table needs for each kind of access (cumulative: see :data:`ACCESS`)."""

    table: str
    read_only: tuple[str, ...] = ("SELECT",)
    read_write: tuple[str, ...] = ()
    purge: tuple[str, ...] = ()
    sequence: str | None = None
    """A serial column: ``USAGE`` on its sequence goes with every access that may INSERT."""

    def privileges(self, access: str) -> tuple[str, ...]:
        """The table privileges the access needs."""
        levels = (self.read_only, self.read_write, self.purge)[: ACCESS.index(access) + 1]
        return tuple(dict.fromkeys(p for level in levels for p in level))


@attrs.frozen(repr=False, eq=False)
class SchemaPart(Value):
    """One part of hw's schema: created by ``hw db init``, checked on open, granted per table.

    ``create`` runs inside ``hw db init``'s transaction, with the open
    application's recorder (its ``qualified`` table names, its ``backend``)
    and a DB-API cursor; it must be idempotent (``IF NOT EXISTS``). None: the
    part is created by eventsourcing itself (its ``CREATE_TABLE`` setting).
    """

    name: str
    version: int
    create: Callable[[AdminRecorder, Any], None] | None
    grants: tuple[TableGrant, ...] = ()


def _create_audit(recorder: AdminRecorder, cursor: Any) -> None:
    cursor.execute(AUDIT_DDL.format(table=recorder.qualified(AUDIT_TABLE)))


EVENTS_PART = SchemaPart(
    "events",
    1,
    None,
    (
        TableGrant(
            EVENTS_TABLE, read_write=("INSERT",), purge=("DELETE",), sequence="notification_id"
        ),
        TableGrant(SNAPSHOTS_TABLE, read_write=("INSERT",), purge=("DELETE",)),
    ),
)
"""eventsourcing's tables, composite type, index and function (created by the library)."""
AUDIT_PART = SchemaPart("audit", 1, _create_audit, (TableGrant(AUDIT_TABLE, purge=("INSERT",)),))
"""The content-free audit trail of purges and restores."""

KEYS_PART = SchemaPart(
    "keys",
    1,
    create_key_table,
    (TableGrant(KEY_TABLE, read_write=("INSERT",), purge=("DELETE", "TRUNCATE")),),
)
"""The per-client data keys, wrapped by the practice key (crypto-shredding, ADR 0007).

A writer adds a client's key with its first event; a purge deletes it and
rewrites the table (``TRUNCATE`` in the purge's transaction, else a plain
``DELETE`` it reports as left in the file)."""


def _create_access_log(recorder: AdminRecorder, cursor: Any) -> None:
    schema = getattr(getattr(recorder, "datastore", None), "schema", None)
    create_access_log(cursor, backend=recorder.backend, schema=schema or None)


ACCESS_PART = SchemaPart(
    "access",
    1,
    _create_access_log,
    (TableGrant(ACCESS_LOG_TABLE, read_only=("SELECT", "INSERT"), purge=("UPDATE",)),),
)
"""The access log (spec 7): every role appends to it, a read-only one included; a purge
rewrites the client's entries to a pseudonym (its triggers allow no other UPDATE, no DELETE)."""

SCHEMA_PARTS: list[SchemaPart] = [EVENTS_PART, AUDIT_PART, KEYS_PART, ACCESS_PART]
"""Every part ``hw db init`` creates, in order: append a new part here."""


def _version_table(recorder: AdminRecorder) -> str:
    return recorder.qualified(VERSION_TABLE)


def create_parts(
    recorder: AdminRecorder, parts: Sequence[SchemaPart] | None = None
) -> list[tuple[str, int]]:
    """Create hw's own parts and record every part's version, in one transaction.

    eventsourcing's own tables are already there (the store was opened with
    ``CREATE_TABLE``). Returns each part's name and version.
    """
    chosen = list(SCHEMA_PARTS if parts is None else parts)
    table = _version_table(recorder)
    p = recorder.placeholder
    with recorder.admin_transaction(commit=True) as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {table} (part TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        )
        for part in chosen:
            if part.create is not None:
                part.create(recorder, cursor)
            cursor.execute(f"DELETE FROM {table} WHERE part = {p}", (part.name,))
            cursor.execute(
                f"INSERT INTO {table} (part, version) VALUES ({p}, {p})", (part.name, part.version)
            )
    return [(part.name, part.version) for part in chosen]


def version_problem(found: Mapping[str, int], caseload: str) -> str | None:
    """Why a store with these part versions cannot be opened by this hw; None when it can."""
    missing = [f"{p.name} {p.version}" for p in SCHEMA_PARTS if found.get(p.name, 0) < p.version]
    newer = [f"{p.name} {found[p.name]}" for p in SCHEMA_PARTS if found.get(p.name, 0) > p.version]
    if newer:
        return (
            f"the hw schema of caseload {caseload!r} was made by a newer hw ({', '.join(newer)}):"
            " upgrade hw (nothing was changed)"
        )
    if missing:
        return (
            f"the hw schema of caseload {caseload!r} is older than this hw (it needs"
            f" {', '.join(missing)}): an owner of the database runs 'hw db init"
            f"{_caseload_option(caseload)}' (nothing was changed)"
        )
    return None


def _caseload_option(caseload: str) -> str:
    return "" if caseload == "default" else f" --caseload {caseload}"


def schema_problem(cursor: Any, schema: str, caseload: str) -> str | None:
    """Why this PostgreSQL caseload cannot be opened as it is; None when it can.

    Reads only the catalogs and the version table (no DDL, nothing written):
    the schema exists, this role may use it, ``hw db init`` ran, and its
    versions are this hw's.

    Args:
        cursor: a psycopg cursor (tuple rows) on the store's database.
        schema: the caseload's schema.
        caseload: its name as shown.
    """
    init = f"'hw db init{_caseload_option(caseload)}'"
    cursor.execute(
        "SELECT has_schema_privilege(n.oid, 'USAGE'),"
        " (SELECT c.oid FROM pg_class c WHERE c.relnamespace = n.oid AND c.relname = %s)"
        " FROM pg_namespace n WHERE n.nspname = %s",
        (VERSION_TABLE, schema),
    )
    row = cursor.fetchone()
    if row is None:
        return (
            f"caseload {caseload!r} does not exist in this PostgreSQL database:"
            f" an owner of the database creates it with {init}"
        )
    usage, version_oid = row[0], row[1]
    if not usage:
        return _no_grant(caseload)
    if version_oid is None:
        return (
            f"caseload {caseload!r} has no hw schema yet (or one made before 'hw db init'):"
            f" an owner of the database runs {init} (nothing was changed)"
        )
    cursor.execute("SELECT has_table_privilege(%s::oid, 'SELECT')", (version_oid,))
    allowed = cursor.fetchone()
    if not (allowed and allowed[0]):
        return _no_grant(caseload)
    cursor.execute(f'SELECT part, version FROM "{schema}".{VERSION_TABLE}')
    found = {str(name): int(version) for name, version in cursor.fetchall()}
    return version_problem(found, caseload)


def _no_grant(caseload: str) -> str:
    return (
        f"this database role has no access to caseload {caseload!r}: an owner grants it with"
        f" 'hw db grant --caseload {caseload} --role ROLE [--read-only]'"
    )


def grant_statements(access: str) -> list[tuple[str, str]]:
    """What to run (``psycopg.sql`` templates with ``{schema}``, ``{role}``, ``{table}``...).

    Every hw table the role had privileges on is revoked first, so a grant is
    exact (a read-write role given ``--read-only`` loses INSERT). Returns
    (template, table or sequence column) pairs; the table is '' for the schema.
    """
    statements: list[tuple[str, str]] = [("GRANT USAGE ON SCHEMA {schema} TO {role}", "")]
    for part in SCHEMA_PARTS:
        for grant in part.grants:
            statements.append(("REVOKE ALL ON TABLE {schema}.{table} FROM {role}", grant.table))
            privileges = ", ".join(grant.privileges(access))
            statements.append(
                (f"GRANT {privileges} ON TABLE {{schema}}.{{table}} TO {{role}}", grant.table)
            )
    statements.append(
        (
            "GRANT SELECT ON TABLE {schema}.{table} TO {role}",
            VERSION_TABLE,
        )
    )
    return statements


def sequences(access: str) -> list[tuple[str, str]]:
    """The (table, serial column) pairs the access inserts into (``USAGE`` on their sequences)."""
    return [
        (grant.table, grant.sequence)
        for part in SCHEMA_PARTS
        for grant in part.grants
        if grant.sequence is not None and "INSERT" in grant.privileges(access)
    ]
