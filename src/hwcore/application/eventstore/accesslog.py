"""The access log's table: who read, printed or exported which client's record, and when.

One table beside the events, in the store's own database (``hw_access_log``
on SQLite and PostgreSQL alike), append-only: hw inserts rows and never
deletes one; the only change it makes is a purge's, which rewrites the purged
client's identifier to a pseudonym (``purged-`` and random hex, not derived
from the identifier) and adds the purge's own row. Triggers refuse any other
UPDATE and every DELETE (and TRUNCATE on PostgreSQL), so even a mistaken
statement in a database shell cannot rewrite the log.

A row holds no clinical content: a time, the clinician's identifier, an
action word (:data:`ACTIONS`), the client identifier (NULL: every client or
none) and a detail word (a format, a document kind).

:func:`create_access_log` is the one place that creates it (``hw db init``
calls it too). Standard library only: the quick read path (``hw plan`` from a
current read model) appends with :func:`append_on_connection` without
importing eventsourcing.
"""

# Table names in SQL text are this module's constants (quoted by the
# recorder), never input; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from hwcore.application.eventstore.persistence import AdminRecorder

ACCESS_LOG_TABLE = "hw_access_log"
"""The access log's table, in the event store's database (its schema on PostgreSQL)."""
ACTIONS = ("plan", "history", "audit", "open", "print", "export", "backup", "restore", "purge")
"""What an entry records: a read (plan, history, audit, a TUI's open of a client), a
print or an export of a client, a backup or restore of the store, a purge of a client."""
PSEUDONYM_PREFIX = "purged-"
"""How a purged client's entries name it from then on (``purged-`` and 8 hex digits)."""
_COLUMNS = "at, clinician, action, client, detail"
_APPEND_ONLY = "the access log is append-only"


class AccessRow(NamedTuple):
    """One access-log entry as stored."""

    at: str
    """When (ISO 8601, UTC, seconds)."""
    clinician: str
    action: str
    """One of :data:`ACTIONS`."""
    client: str | None
    """The client identifier (or a purged client's pseudonym); None: no one client."""
    detail: str = ""
    """A word saying more: the export's format, the printed document ('plan', 'handout')."""


def now() -> str:
    """The current UTC time as an entry's ``at``."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def new_pseudonym() -> str:
    """A purged client's pseudonym: random, so nothing leads back to the identifier."""
    import secrets  # only a purge needs it (start-up time of the quick read)

    return PSEUDONYM_PREFIX + secrets.token_hex(4)


# ----------------------------------------------------------------- the table


def _sqlite_ddl(table: str) -> list[str]:
    unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in ("id", "at", "clinician", "action"))
    return [
        f"CREATE TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY, at TEXT NOT NULL,"
        " clinician TEXT NOT NULL, action TEXT NOT NULL, client TEXT,"
        " detail TEXT NOT NULL DEFAULT '')",
        f"CREATE INDEX IF NOT EXISTS hw_access_log_client ON {table} (client)",
        f"CREATE TRIGGER IF NOT EXISTS hw_access_log_no_delete BEFORE DELETE ON {table}"
        f" BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END",
        f"CREATE TRIGGER IF NOT EXISTS hw_access_log_no_update BEFORE UPDATE ON {table}"
        f" WHEN NOT (NEW.client LIKE '{PSEUDONYM_PREFIX}%' AND {unchanged}"
        " AND NEW.detail IS OLD.detail)"
        f" BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END",
    ]


def _postgres_ddl(table: str, schema: str) -> list[str]:
    function = f'"{schema}".hw_access_log_append_only'
    unchanged = " AND ".join(
        f"NEW.{c} = OLD.{c}" for c in ("id", "at", "clinician", "action", "detail")
    )
    return [
        # One creator at a time (two first opens at once would race on the function).
        "SELECT pg_advisory_xact_lock(hashtext('hw_access_log'))",
        f"CREATE TABLE IF NOT EXISTS {table} ("
        "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at TEXT NOT NULL,"
        " clinician TEXT NOT NULL, action TEXT NOT NULL, client TEXT,"
        " detail TEXT NOT NULL DEFAULT '')",
        f"CREATE INDEX IF NOT EXISTS hw_access_log_client ON {table} (client)",
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN IF TG_OP = 'UPDATE' AND NEW.client LIKE '{PSEUDONYM_PREFIX}%' AND {unchanged}"
        f" THEN RETURN NEW; END IF; RAISE EXCEPTION '{_APPEND_ONLY}'; END $$",
        "DO $$ BEGIN"
        f" IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '{table}'::regclass"
        " AND tgname = 'hw_access_log_append_only') THEN"
        f" CREATE TRIGGER hw_access_log_append_only BEFORE UPDATE OR DELETE ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION {function}();"
        f" CREATE TRIGGER hw_access_log_no_truncate BEFORE TRUNCATE ON {table}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        " END IF; END $$",
    ]


def create_access_log(cursor: Any, *, backend: str, schema: str | None = None) -> None:
    """Create the access log (table, index, append-only triggers) where it is missing.

    The one function that creates it, idempotent: hw calls it on the first
    entry of a store that has none yet, and ``hw db init`` (run by the
    database's owner) calls it so that a role that may only SELECT and
    INSERT never needs to. Run it inside a transaction.

    Args:
        cursor: a DB-API cursor on the event store's database.
        backend: ``"sqlite"`` or ``"postgres"``.
        schema: the PostgreSQL schema holding the events (required there).
    """
    if backend == "postgres":
        if not schema:
            raise ValueError("create_access_log: the PostgreSQL schema is required")
        statements = _postgres_ddl(f'"{schema}"."{ACCESS_LOG_TABLE}"', schema)
    else:
        statements = _sqlite_ddl(f'"{ACCESS_LOG_TABLE}"')
    for statement in statements:
        cursor.execute(statement)


# ------------------------------------------------------ on an open recorder


def _schema(recorder: AdminRecorder) -> str | None:
    datastore = getattr(recorder, "datastore", None)
    return getattr(datastore, "schema", None) if recorder.backend == "postgres" else None


def _create(recorder: AdminRecorder, cursor: Any) -> None:
    create_access_log(cursor, backend=recorder.backend, schema=_schema(recorder))


def _insert(recorder: AdminRecorder, cursor: Any, rows: Sequence[AccessRow]) -> None:
    marks = ", ".join([recorder.placeholder] * 5)
    cursor.executemany(
        f"INSERT INTO {recorder.qualified(ACCESS_LOG_TABLE)} ({_COLUMNS}) VALUES ({marks})",
        [tuple(r) for r in rows],
    )


def append(recorder: AdminRecorder, rows: Sequence[AccessRow]) -> None:
    """Append entries in one transaction: one INSERT on the store's open connection.

    A store without the table yet (a SQLite file, a PostgreSQL database no
    ``hw db init`` prepared) has it created first, once.
    """
    if not rows:
        return
    try:
        with recorder.admin_transaction(commit=True) as cursor:
            _insert(recorder, cursor, rows)
        return
    except Exception:
        with recorder.admin_transaction(commit=False) as cursor:
            if _exists(recorder, cursor):
                raise  # the table is there: a real failure
    with recorder.admin_transaction(commit=True) as cursor:
        _ensure(recorder, cursor)
        _insert(recorder, cursor, rows)


def _ensure(recorder: AdminRecorder, cursor: Any) -> None:
    if not _exists(recorder, cursor):
        _create(recorder, cursor)


def _exists(recorder: AdminRecorder, cursor: Any) -> bool:
    return recorder.table_exists(cursor, ACCESS_LOG_TABLE)


def read_rows(
    recorder: AdminRecorder, *, client: str | None = None, since: str | None = None
) -> list[AccessRow]:
    """The entries, oldest first: of one client (its identifier), from a time on."""
    p = recorder.placeholder
    where, params = [], []
    if client is not None:
        where.append(f"client = {p}")
        params.append(client)
    if since is not None:
        where.append(f"at >= {p}")
        params.append(since)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    with recorder.admin_transaction(commit=False) as cursor:
        if not _exists(recorder, cursor):
            return []
        cursor.execute(
            f"SELECT {_COLUMNS} FROM {recorder.qualified(ACCESS_LOG_TABLE)}{clause}"
            " ORDER BY at, id",
            tuple(params),
        )
        return [_row(r) for r in cursor.fetchall()]


def _row(raw: Any) -> AccessRow:
    values = tuple(raw.values()) if isinstance(raw, dict) else tuple(raw)
    at, clinician, action, client, detail = values
    return AccessRow(
        str(at), str(clinician), str(action), None if client is None else str(client), str(detail)
    )


def forget_client(
    recorder: AdminRecorder, cursor: Any, *, client: str, clinician: str, at: str | None = None
) -> str:
    """In a purge's transaction: the client's entries name a pseudonym; the purge is logged.

    Returns:
        The pseudonym (the purge's own entry names it too, and nothing else does).
    """
    _ensure(recorder, cursor)
    pseudonym = new_pseudonym()
    p = recorder.placeholder
    cursor.execute(
        f"UPDATE {recorder.qualified(ACCESS_LOG_TABLE)} SET client = {p} WHERE client = {p}",
        (pseudonym, client),
    )
    _insert(recorder, cursor, [AccessRow(at or now(), clinician, "purge", pseudonym)])
    return pseudonym


def merge_rows(recorder: AdminRecorder, rows: Sequence[AccessRow]) -> int:
    """Append the entries the log does not hold yet (a restore's); how many were added."""
    if not rows:
        return 0
    table = recorder.qualified(ACCESS_LOG_TABLE)
    p = recorder.placeholder
    same = "IS NOT DISTINCT FROM" if recorder.backend == "postgres" else "IS"
    added = 0
    with recorder.admin_transaction(commit=True) as cursor:
        _ensure(recorder, cursor)
        for row in rows:
            cursor.execute(
                f"INSERT INTO {table} ({_COLUMNS}) SELECT {p}, {p}, {p}, {p}, {p}"
                f" WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE at = {p} AND clinician = {p}"
                f" AND action = {p} AND client {same} {p} AND detail = {p})",
                (*row, *row),
            )
            added += max(int(cursor.rowcount), 0)
    return added


def rows_of_backup(conn: sqlite3.Connection, restored: set[str]) -> list[AccessRow]:
    """A backup file's access-log entries of the clients a restore brings back.

    An entry naming a client whose events are not among ``restored`` (case
    ids as 32 hex digits: one purged after the backup, or refused back) is
    left out: the log keeps no identifier of a client the store does not
    hold. A backup made before hw kept an access log has none.
    """
    from hwcore.domain import HwError, case_id_for

    try:
        raw = conn.execute(
            "SELECT at, clinician, action, client, detail FROM access_log ORDER BY rowid"
        ).fetchall()
    except sqlite3.OperationalError:
        return []
    kept: list[AccessRow] = []
    for at, clinician, action, client, detail in raw:
        if client is not None and not str(client).startswith(PSEUDONYM_PREFIX):
            try:
                known = case_id_for(str(client)).hex in restored
            except HwError:
                known = False
            if not known:
                continue
        kept.append(AccessRow(str(at), str(clinician), str(action), client, str(detail)))
    return kept


# ------------------------------------------------ the quick read's one append


def append_on_connection(conn: sqlite3.Connection, row: AccessRow) -> bool:
    """Append one entry on an open stdlib connection to the SQLite store (the quick read).

    One INSERT, committed (the table is created if it is missing); False if it
    cannot be written. The commit waits for no flush of its own
    (``synchronous=NORMAL`` in WAL mode): a crashed process loses nothing, and
    the last connection's checkpoint on close syncs it.
    """
    insert = f'INSERT INTO "{ACCESS_LOG_TABLE}" ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)'
    try:
        conn.execute("PRAGMA synchronous=NORMAL")
        with conn:
            try:
                conn.execute(insert, tuple(row))
            except sqlite3.OperationalError:
                cursor = conn.cursor()
                create_access_log(cursor, backend="sqlite")
                cursor.execute(insert, tuple(row))
    except sqlite3.Error:
        return False
    return True
