"""The read model's SQLite file: pull-based catch-up, rebuild and queries.

Catch-up pulls the event store's notification log from the tracked position and
writes the view rows *and* the new position in one ``BEGIN IMMEDIATE``
transaction, so an event is applied exactly once: a process that dies
half-way leaves the previous position (and rows) in place, and a second
process catching up at the same time waits for the lock, sees the new
position and carries on from there.

The hot path (catch-up and queries) uses the stdlib ``sqlite3`` driver; the
schema is created and versioned with sqlite-utils ``Migrations``, imported only
when a migration is pending (start-up time).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Notification

from hwcore.domain import Case, StoreError, case_id_for
from hwcore.domain.identifiers import legacy_case_ids
from hwcore.planner import Planner, build_planner
from hwcore.readmodel.projection import (
    ClientSummary,
    Row,
    plan_row,
    summary_from_row,
)
from hwcore.readmodel.schema import (
    ALL_TABLES,
    CACHE_TABLES,
    MIGRATION_NAMES,
    MIGRATION_SET,
    PLANS_TABLE,
    TRACKING_NAME,
    VIEW_TABLES,
)
from hwcore.readmodel.source import EventSource
from hwcore.readmodel.writes import insert, stored_rows, touched_assignments, write_case


def _warn(message: str) -> None:
    """Log a warning (logging is imported only when there is one: start-up time)."""
    import logging

    logging.getLogger(__name__).warning(message)


CASE_TOPIC_PREFIX = "hwcore.domain.case:Case."
PURGE_TOPIC = "hwcore.application.eventstore.shredding:ClientPurged"
"""The topic of a purge's tombstone: the read model erases the purged client's rows."""
"""Topics of the events the read model projects (other topics are skipped)."""
BATCH_SIZE = 2000
"""Notifications applied per transaction.

Each batch re-projects every client it touches once, so larger batches write
each client fewer times in a rebuild (2,000 rather than 500: a 100,000-event
rebuild about 20% faster); a batch still commits in well under a second.
"""
REFRESH_PLANS_UP_TO = 100
"""Catch-ups of at most this many events (an interactive command's) refresh the
cached planner of each client they touch that has one; larger ones (imports,
rebuilds) drop it, and the next ``plan`` computes it again."""
WORKING_CASES = 256
"""Cases a catch-up keeps projected between its batches: past this, only the
cases of the last batch are kept (an import's catch-up touches every client
once: ``import_peak_mib``); a case needed again is loaded from the store."""
LOCK_TIMEOUT = 30.0
"""Seconds to wait for another process's catch-up before giving up."""

Progress = Callable[[int, int], None]
"""Called after each batch with (position reached, last position in the log)."""


class ReadModel:
    """The disposable SQLite read model (caseload, assignments, reviews, changes).

    Args:
        path: the SQLite file (created owner-only); None for an in-memory one.
        batch_size: notifications applied per transaction.
        timeout: seconds to wait for another process holding the write lock.
        plan_cache: whether :meth:`store_plan` keeps planners (a file only).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None,
        *,
        batch_size: int = BATCH_SIZE,
        timeout: float = LOCK_TIMEOUT,
        plan_cache: bool = True,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.plan_cache = plan_cache and self.path is not None
        self.batch_size = batch_size
        self.timeout = timeout
        self._conn: sqlite3.Connection | None = None
        self._file_id: tuple[int, int] | None = None
        self._lock = threading.RLock()
        # Rows this process last committed per client, trusted only while the
        # tracked position is the one it committed (no other writer since).
        self._rows: dict[str, dict[str, list[Row]]] = {}
        self._rows_position = -1

    # ------------------------------------------------------------- connection

    def close(self) -> None:
        """Close the connection (the next call reopens it)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            self._file_id = None

    def _connection(self) -> sqlite3.Connection:
        """The open, migrated connection; reopened when the file was replaced."""
        if self._conn is not None and (self.path is None or self._file_id == _file_id(self.path)):
            return self._conn
        self.close()
        self._forget_rows()
        try:
            conn = self._open()
        except sqlite3.DatabaseError as e:
            if self.path is None or not _is_corrupt(e):
                raise
            # Disposable: an unreadable file is replaced and rebuilt from the log.
            _warn("read model file is unreadable; recreating it")
            _remove_files(self.path)
            conn = self._open()
        self._conn = conn
        self._file_id = _file_id(self.path) if self.path is not None else None
        return conn

    def _open(self) -> sqlite3.Connection:
        if self.path is not None and not self.path.exists():
            fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        target = str(self.path) if self.path is not None else ":memory:"
        conn = sqlite3.connect(
            target, timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        try:
            conn.row_factory = sqlite3.Row
            if self.path is not None:
                mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _migrate(self, conn: sqlite3.Connection, *, drop_first: bool = False) -> None:
        """Apply pending migrations (and optionally drop everything first) atomically."""
        if not drop_first and not _pending_migrations(conn):
            return
        from sqlite_utils import Database

        from hwcore.readmodel.migrations import migrations

        db = Database(conn, execute_plugins=False)
        with _transaction(conn):
            if drop_first:
                for table in (*ALL_TABLES, *CACHE_TABLES, "_sqlite_migrations"):
                    conn.execute(f'DROP TABLE IF EXISTS "{table}"')
            migrations.apply(db)
            conn.execute(
                "INSERT OR IGNORE INTO tracking (name, position) VALUES (?, 0)",
                (TRACKING_NAME,),
            )

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Map SQLite failures to a clear, content-free ``StoreError``."""
        try:
            yield
        except sqlite3.Error as e:
            raise StoreError(readmodel_error_message(e)) from None
        except OSError as e:
            msg = f"cannot open the read model in the hw home: {e.strerror}"
            raise StoreError(msg) from None

    # --------------------------------------------------------------- catch-up

    def catch_up(self, source: EventSource, progress: Progress | None = None) -> int:
        """Apply every event stored since the tracked position; returns how many.

        Each batch's rows and the new position are committed together. Safe to
        call from several processes at once: each event is applied exactly once.

        Args:
            source: the event store.
            progress: called after each batch with (position, last position).
        """
        with self._lock, self._errors():
            conn = self._connection()
            total = source.max_notification_id() if progress is not None else 0
            applied = 0
            # The cases projected in this catch-up (a rebuild applies thousands of
            # events per case); between catch-ups the repository keeps them.
            working: dict[UUID, Case] = {}
            while True:
                position, fingerprint = _tracking(conn)
                items = list(source.select_notifications(max(position, 1), self.batch_size + 1))
                if position and not _matches(items, position, fingerprint):
                    # The event store is not the one this file was built from
                    # (replaced, emptied or purged at its end): project it anew.
                    _warn("read model does not match the event store; rebuilding it")
                    self._reset(conn, position)
                    working.clear()
                    continue
                new = [n for n in items if n.id > position]
                if not new:
                    return applied
                if position != self._rows_position:
                    self._forget_rows()  # another writer (or a reset) came in between
                written: dict[str, dict[str, list[Row]]] = {}
                try:
                    with _transaction(conn):
                        if _tracking(conn)[0] != position:
                            working.clear()
                            continue  # another process applied these meanwhile
                        self._apply(conn, source, new, written, working)
                        _write_tracking(conn, new[-1])
                except BaseException:
                    self._forget_rows()
                    raise
                if len(items) <= self.batch_size:
                    self._rows.update(written)
                else:  # a long catch-up (an import, a rebuild): remember no client's rows
                    for client in written:
                        self._rows.pop(client, None)
                    if len(working) > WORKING_CASES:
                        touched = {UUID(str(n.originator_id)) for n in new}
                        working = {k: v for k, v in working.items() if k in touched}
                self._rows_position = new[-1].id
                applied += len(new)
                if progress is not None:
                    progress(new[-1].id, max(total, new[-1].id))
                if len(items) <= self.batch_size:
                    # A short batch reached the end of the log: no need to ask
                    # again (saves a query per write when catching up after it).
                    return applied

    def _forget_rows(self) -> None:
        """Stop trusting the remembered rows (another writer, a reset, a new file)."""
        self._rows.clear()
        self._rows_position = -1

    def rebuild(self, source: EventSource, progress: Progress | None = None) -> int:
        """Drop every table, re-create the schema and re-project the whole log.

        Returns:
            The number of events applied.
        """
        with self._lock, self._errors():
            conn = self._connection()
            self._migrate(conn, drop_first=True)
            self._forget_rows()
            return self.catch_up(source, progress)

    def _reset(self, conn: sqlite3.Connection, position: int) -> None:
        with _transaction(conn):
            if _tracking(conn)[0] != position:
                return
            for table in (*VIEW_TABLES, *CACHE_TABLES):
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 (constant names)
            _write_tracking(conn, None)
        self._forget_rows()

    def _apply(
        self,
        conn: sqlite3.Connection,
        source: EventSource,
        notifications: Sequence[Notification],
        written: dict[str, dict[str, list[Row]]],
        working: dict[UUID, Case],
    ) -> None:
        touched: dict[UUID, Case] = {}
        counts: Counter[UUID] = Counter()
        registrations: dict[UUID, int] = {}
        items: list[tuple[UUID, Notification]] = []
        for n in notifications:
            if n.topic == PURGE_TOPIC:
                self._erase(conn, source, n, working)
            elif n.topic.startswith(CASE_TOPIC_PREFIX):
                raw_id = n.originator_id
                # The recorder already hands out UUIDs: re-parsing 100,000 of them
                # was a tenth of a rebuild.
                items.append((raw_id if type(raw_id) is UUID else UUID(str(raw_id)), n))
        last = dict(items)  # each case's last notification in this batch
        refresh = len(notifications) <= REFRESH_PLANS_UP_TO
        # A short catch-up decodes each event once (writes.touched_assignments).
        events: dict[UUID, list[object]] = {}
        for case_id, n in items:
            version = n.originator_version
            case = working.get(case_id)
            event = source.to_event(n) if refresh else None
            if event is not None:
                events.setdefault(case_id, []).append(event)
            if version == 1:
                registrations[case_id] = n.id
                case = _applied(source, n, None, event)
            elif case is not None and case.version == version - 1:
                case = _applied(source, n, case, event)
            elif case is None or case.version < version:
                # Not projected yet: the case as of its last event in this batch
                # (the one a command of this process just saved, if kept).
                final = last[case_id]
                case = source.load_case(case_id, final.originator_version, final.state)
            working[case_id] = case
            touched[case_id] = case
            counts[case_id] += 1
        for case_id, case in touched.items():
            planner = build_planner(case)
            previous = self._rows.get(case.client)
            # The read model holds the client as of this batch's first event
            # (the tracking position): only the rows of the assignments the
            # batch's events touch need writing.
            assignments = None
            if refresh and case_id not in registrations:
                assignments = touched_assignments(events.get(case_id, ()))
            if previous is None and refresh and case_id not in registrations:
                # A command's first write here.
                previous = stored_rows(conn, case.client, assignments=assignments is None)
            written[case.client] = write_case(
                conn,
                case,
                counts[case_id],
                registrations.get(case_id),
                previous,
                planner,
                assignments,
            )
            cached = conn.execute(f"DELETE FROM {PLANS_TABLE} WHERE client = ?", (case.client,))  # noqa: S608
            if refresh and cached.rowcount:
                insert(conn, PLANS_TABLE, [plan_row(case, planner)])

    def _erase(
        self,
        conn: sqlite3.Connection,
        source: EventSource,
        tombstone: Notification,
        working: dict[UUID, Case],
    ) -> None:
        """A purge's tombstone: delete every row of the purged client (another process purged it).

        The tombstone names the case id only; the client is the one whose
        identifier gives that id. Its later events (registered again) come
        after the tombstone in the log, so they are projected afresh.
        """
        purged = str(getattr(source.to_event(tombstone), "purged", ""))
        names = [str(r[0]) for r in conn.execute("SELECT client FROM clients")]
        for name in names:
            if purged not in {case_id_for(name).hex, *(i.hex for i in legacy_case_ids(name))}:
                continue
            for table in (*VIEW_TABLES, PLANS_TABLE):
                conn.execute(f"DELETE FROM {table} WHERE client = ?", (name,))  # noqa: S608
            self._rows.pop(name, None)
        with contextlib.suppress(ValueError):
            working.pop(UUID(purged), None)

    # ----------------------------------------------------------------- queries

    def position(self) -> int:
        """The id of the last notification applied (0 when empty)."""
        with self._lock, self._errors():
            return _tracking(self._connection())[0]

    def summaries(self, *, due_only: bool = False) -> list[ClientSummary]:
        """Every client's caseload summary in registration order (optionally only the due)."""
        sql = "SELECT s.* FROM client_summary s JOIN clients c USING (client)"
        if due_only:
            sql += " WHERE s.due = 1"
        sql += " ORDER BY c.registration, s.client"
        with self._lock, self._errors():
            rows = self._connection().execute(sql).fetchall()
        return [summary_from_row(dict(r)) for r in rows]

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """The rows of one read-only query on the read model (as it is now)."""
        with self._lock, self._errors():
            return self._connection().execute(sql, parameters).fetchall()

    def cached_plan(
        self, source: EventSource, client: str, version: int, *, rows: bool = True
    ) -> Planner | None:
        """The client's cached planner at this case version, if the read model is current.

        Current: it has applied the log's last event (checked as a catch-up does), read
        with the cache in one snapshot, writing nothing. Else None (another hw's form,
        any error). ``rows``: as for :func:`hwcore.planner.cache.from_cache`."""
        from hwcore.planner.cache import from_cache

        sql = f"SELECT planner FROM {PLANS_TABLE} WHERE client = ? AND version = ?"  # noqa: S608
        try:
            with self._lock:
                conn = self._connection()
                conn.execute("BEGIN")  # one read snapshot: the tracking and the cache
                try:
                    position, fingerprint = _tracking(conn)
                    items = list(source.select_notifications(max(position, 1), 2))
                    # Its last applied event is still the log's, and the last one.
                    current = (
                        position and _matches(items, position, fingerprint) and len(items) == 1
                    )
                    found = conn.execute(sql, (client, version)).fetchone() if current else None
                finally:
                    conn.execute("ROLLBACK")
            return None if found is None else from_cache(found[0], rows=rows)
        except (sqlite3.Error, OSError, ValueError):
            return None

    def store_plan(self, case: Case, planner: Planner) -> bool:
        """Cache a client's current planner (kept only while the read model has this version).

        A cache write: failures (a read-only file, a busy lock) are ignored.

        Returns:
            True when the planner was stored.
        """
        if not self.plan_cache or self.path is None or not self.path.exists():
            # In memory it outlives no process; a deleted file is restored by a
            # catch-up (on close), not re-created empty here.
            return False
        try:
            with self._lock:
                conn = self._connection()
                held = conn.execute(
                    f"SELECT version FROM {PLANS_TABLE} WHERE client = ?",  # noqa: S608
                    (case.client,),
                ).fetchone()
                if held is not None and held[0] == case.version:
                    return False  # already cached
                row = plan_row(case, planner)
                with _transaction(conn):
                    cursor = conn.execute(
                        f"INSERT OR REPLACE INTO {PLANS_TABLE} (client, version, planner)"  # noqa: S608
                        " SELECT :client, :version, :planner WHERE EXISTS"
                        " (SELECT 1 FROM clients WHERE client = :client AND version = :version)",
                        row,
                    )
        except (sqlite3.Error, OSError):
            return False
        return cursor.rowcount > 0

    def client_names(self) -> list[str]:
        """Every registered client, in registration order."""
        with self._lock, self._errors():
            rows = (
                self._connection()
                .execute("SELECT client FROM clients ORDER BY registration, client")
                .fetchall()
            )
        return [str(r[0]) for r in rows]

    def rows(self, table: str) -> list[Row]:
        """Every row of one of the read model's tables, in primary-key order."""
        if table not in ALL_TABLES:
            raise ValueError(table)
        with self._lock, self._errors():
            conn = self._connection()
            pks = [
                r["name"]
                for r in sorted(
                    conn.execute(f"PRAGMA table_info({table})").fetchall(), key=lambda r: r["pk"]
                )
                if r["pk"]
            ]
            sql = f"SELECT * FROM {table} ORDER BY {', '.join(pks)}"  # noqa: S608 (checked)
            found = conn.execute(sql).fetchall()
        return [dict(r) for r in found]


# ------------------------------------------------------------------- helpers


def _applied(
    source: EventSource, notification: Notification, case: Case | None, event: object = None
) -> Case:
    """The case with the notification's event (decoded if not given) applied; new if none."""
    decoded = cast("Aggregate.Event", source.to_event(notification) if event is None else event)
    return cast("Case", decoded.mutate(case))


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE``: take the write lock first, so a second process waits."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _pending_migrations(conn: sqlite3.Connection) -> list[str]:
    try:
        rows = conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,)
        ).fetchall()
    except sqlite3.OperationalError as e:
        if "no such table" in str(e):
            return list(MIGRATION_NAMES)
        raise
    applied = {r[0] for r in rows}
    return [name for name in MIGRATION_NAMES if name not in applied]


def _tracking(conn: sqlite3.Connection) -> tuple[int, tuple[str | None, int | None]]:
    row = conn.execute(
        "SELECT position, originator_id, originator_version FROM tracking WHERE name = ?",
        (TRACKING_NAME,),
    ).fetchone()
    if row is None:
        return 0, (None, None)
    return int(row[0]), (row[1], row[2])


def _write_tracking(conn: sqlite3.Connection, last: Notification | None) -> None:
    values = (
        last.id if last else 0,
        str(last.originator_id) if last else None,
        last.originator_version if last else None,
        TRACKING_NAME,
    )
    # An UPDATE in place (the row exists from the first migration); INSERT OR
    # REPLACE would delete and re-insert it, rewriting its index page as well.
    updated = conn.execute(
        "UPDATE tracking SET position = ?, originator_id = ?, originator_version = ?"
        " WHERE name = ?",
        values,
    )
    if not updated.rowcount:
        conn.execute(
            "INSERT INTO tracking (position, originator_id, originator_version, name)"
            " VALUES (?, ?, ?, ?)",
            values,
        )


def _matches(
    items: Sequence[Notification], position: int, fingerprint: tuple[str | None, int | None]
) -> bool:
    """True when the tracked notification is still the one at ``position``."""
    if not items or items[0].id != position:
        return False
    originator_id, version = fingerprint
    if originator_id is None:
        return True
    first = items[0]
    return str(first.originator_id) == originator_id and first.originator_version == version


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _is_corrupt(error: sqlite3.DatabaseError) -> bool:
    text = str(error).lower()
    return "not a database" in text or "malformed" in text


def _remove_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(path) + suffix).unlink()


def readmodel_error_message(error: Exception) -> str:
    """A clear, content-free message for a read-model failure."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return "the read model is busy (another hw is updating it): try again"
    if "readonly" in text or "read-only" in text:
        return "the read model is read-only: check the hw home's permissions"
    if "disk" in text and "full" in text:
        return "the disk is full: the read model was not updated"
    if _is_corrupt(cast("sqlite3.DatabaseError", error)):
        return "the read model is unreadable: run `hw readmodel rebuild`"
    return f"the read model failed ({type(error).__name__}): run `hw readmodel rebuild`"
