"""Store administration: erasure, backup and restore, the audit trail, cipher keys.

Everything here works on both backends (SQLite file, PostgreSQL) through the
open application's recorder, with plain SQL on the recorder's own tables where
the event-sourcing library has no API (deleting a client's events is the one
thing an append-only log must still be able to do: the right to erasure).

PostgreSQL is never imported here: the backend is told from the recorder's
module, and its cursors are used through duck typing.

See docs/security.md for what is encrypted, what a purge removes and what the
audit trail keeps.
"""

# Table names in SQL text come from the recorder's own configuration, never
# from input; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import closing, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from hwcore.application.sqlitefile import SQLITE_HEADER
from hwcore.application.storeaudit import (
    AUDIT_TABLE,
    _audit_present,
    _audit_table,
    _fetchall,
    _is_postgres,
    _transaction,
)
from hwcore.application.storecheck import STORE_ERRORS, TOPIC_PREFIX
from hwcore.domain import (
    ClientNotFoundError,
    InvalidValueError,
    StoreError,
    case_id_for,
    validate_client,
)

if TYPE_CHECKING:
    from hwcore.application.app import HwApplication

KEY_BYTES = 32
"""Size of a generated cipher key (AES-256)."""
BACKUP_FORMAT = "hw-backup"
BACKUP_VERSION = 1
SQLITE_OWN_TABLES = frozenset({"stored_events", "stored_snapshots", AUDIT_TABLE})
# Files of the home that are the store itself or derived from it (never copied
# into a backup as plain files).
_STORE_SUFFIXES = ("", "-wal", "-shm", "-journal")


# ----------------------------------------------------------------- cipher keys


def generate_key() -> str:
    """A new random AES-256 key, base64-encoded, for ``HW_CIPHER_KEY``."""
    from eventsourcing.cryptography import AESCipher

    return AESCipher.create_key(KEY_BYTES)


def key_id(key: str | None) -> str:
    """A short public fingerprint of a key ('' without one): tells keys apart safely."""
    if not key:
        return ""
    return hashlib.sha256(b"hw-key-id:" + key.strip().encode()).hexdigest()[:12]


# ------------------------------------------------------------------ backends


def _table(app: HwApplication, purpose: str) -> str:
    recorder: Any = app.recorder if purpose == "events" else _snapshot_recorder(app)
    name = str(recorder.events_table_name)
    if _is_postgres(app):
        schema = str(recorder.datastore.schema)
        return f'"{schema}"."{name}"'
    return f'"{name}"'


def _snapshot_recorder(app: HwApplication) -> Any:
    if app.snapshots is None:
        return None
    return app.snapshots.recorder


def _ph(app: HwApplication) -> str:
    return "%s" if _is_postgres(app) else "?"


def _id_param(app: HwApplication, ident: uuid.UUID) -> Any:
    return ident if _is_postgres(app) else ident.hex


def _create_audit_table(app: HwApplication, cursor: Any) -> None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {_audit_table(app)} ("
        "at TEXT NOT NULL, action TEXT NOT NULL, events INTEGER NOT NULL, "
        "snapshots INTEGER NOT NULL, reference TEXT NOT NULL)"
    )


def _audit(app: HwApplication, cursor: Any, entry: StoreAuditEntry) -> None:
    _create_audit_table(app, cursor)
    p = _ph(app)
    cursor.execute(
        f"INSERT INTO {_audit_table(app)} (at, action, events, snapshots, reference)"
        f" VALUES ({p}, {p}, {p}, {p}, {p})",
        (entry.at, entry.action, entry.events, entry.snapshots, entry.reference),
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


# -------------------------------------------------------------------- audit


@attrs.frozen
class StoreAuditEntry:
    """One line of the audit trail: when, what, how many records; no client, no content."""

    at: str
    action: str
    events: int
    snapshots: int
    reference: str = ""

    def line(self) -> str:
        """The entry as one readable line."""
        ref = f" reference={self.reference}" if self.reference else ""
        return (
            f"{self.at} {self.action}: {self.events} events, {self.snapshots} snapshots removed"
            if self.action == "purged"
            else f"{self.at} {self.action}: {self.events} events, {self.snapshots} snapshots"
        ) + ref


def store_audit(app: HwApplication) -> list[StoreAuditEntry]:
    """The audit trail (purges and restores), oldest first."""
    with _transaction(app, commit=True) as cursor:
        _create_audit_table(app, cursor)
        cursor.execute(
            f"SELECT at, action, events, snapshots, reference FROM {_audit_table(app)} ORDER BY at"
        )
        rows = _fetchall(cursor)
    return [StoreAuditEntry(str(a), str(b), int(c), int(d), str(e)) for a, b, c, d, e in rows]


# -------------------------------------------------------------------- purge


@attrs.frozen
class PurgeReport:
    """What a purge removed, and the audit entry it left."""

    client: str
    events: int
    snapshots: int
    readmodel_cleared: bool
    audit: StoreAuditEntry


def check_reference(reference: str) -> str:
    """A purge's request reference: a short code (ticket or letter number), no prose."""
    text = reference.strip()
    if len(text) > 40 or any(c.isspace() for c in text):
        raise InvalidValueError(
            "reference", "<given>", "a short code without spaces (at most 40 characters)"
        )
    return text


def purge_client(app: HwApplication, client: str, *, reference: str = "") -> PurgeReport:
    """Erase one client: delete its events and snapshots and the read model's rows.

    One transaction deletes the rows and appends the audit entry (a timestamp,
    the word 'purged' and the counts: no identifier, no clinical content). On
    SQLite the deleted content is overwritten (``secure_delete``) and the
    write-ahead log is truncated; on PostgreSQL the tables are vacuumed.

    Args:
        app: the open application.
        client: the client identifier.
        reference: an optional request reference kept in the audit entry
            (e.g. the erasure request's ticket number; never clinical text).

    Returns:
        The counts removed and the audit entry.

    Raises:
        ClientNotFoundError: no such client (nothing is written).
    """
    name = validate_client(client)
    ref = check_reference(reference)
    ident = case_id_for(name)
    p = _ph(app)
    events_table = _table(app, "events")
    snapshots_table = _table(app, "snapshots") if app.snapshots is not None else None
    postgres = _is_postgres(app)
    with _transaction(app, commit=True) as cursor:
        if postgres:
            cursor.execute(f"LOCK TABLE {events_table} IN EXCLUSIVE MODE")
        else:
            cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(
            f"DELETE FROM {events_table} WHERE originator_id = {p}", (_id_param(app, ident),)
        )
        events = int(cursor.rowcount)
        if events <= 0:
            raise ClientNotFoundError(name)
        snapshots = 0
        if snapshots_table:
            cursor.execute(
                f"DELETE FROM {snapshots_table} WHERE originator_id = {p}",
                (_id_param(app, ident),),
            )
            snapshots = max(int(cursor.rowcount), 0)
        entry = StoreAuditEntry(_now(), "purged", events, snapshots, ref)
        _audit(app, cursor, entry)
    _scrub(app)
    cleared = clear_readmodel(app)
    app.committed_events += max(events, 1)  # the purge is committed: it stands
    return PurgeReport(name, events, snapshots, cleared, entry)


def _scrub(app: HwApplication) -> None:
    """Leave no deleted content in free pages or logs the store controls."""
    datastore: Any = getattr(app.recorder, "datastore")  # noqa: B009
    try:
        if _is_postgres(app):
            with datastore.get_connection() as conn:
                for purpose in ("events", "snapshots"):
                    if purpose == "events" or app.snapshots is not None:
                        conn.execute(f"VACUUM {_table(app, purpose)}")
        else:
            with datastore.get_connection(commit=True) as conn:
                raw = conn._sqlite_conn  # the library's wrapper exposes no pragma API
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except STORE_ERRORS:
        # The rows are gone and audited; scrubbing free space is best effort
        # (another reader can hold the log open). Said so in docs/security.md.
        return


def clear_readmodel(app: HwApplication) -> bool:
    """Delete the local read model (a disposable cache, rebuilt from the log on next use)."""
    settings = getattr(app, "settings", None)
    path = getattr(settings, "readmodel_path", None)
    if not isinstance(path, Path):
        return False
    removed = False
    for suffix in _STORE_SUFFIXES:
        candidate = path.with_name(path.name + suffix)
        with suppress(FileNotFoundError):
            candidate.unlink()
            removed = True
    return removed


# ------------------------------------------------------------------- backup


@attrs.frozen
class BackupReport:
    """What a backup holds."""

    path: str
    events: int
    snapshots: int
    files: int
    encrypted: bool
    digest: str


@attrs.frozen
class RestoreReport:
    """What a restore wrote."""

    path: str
    events: int
    snapshots: int
    files: int
    replaced: bool
    reencrypted: bool


class _Digest:
    """A running SHA-256 over event rows (order, ids, versions, topics, bytes)."""

    def __init__(self) -> None:
        self._h = hashlib.sha256()

    def add(self, originator_id: str, version: int, topic: str, state: bytes) -> None:
        for part in (originator_id.encode(), str(version).encode(), topic.encode(), state):
            self._h.update(len(part).to_bytes(8, "big"))
            self._h.update(part)

    def hexdigest(self) -> str:
        return self._h.hexdigest()


def _store_files(home: Path, exclude: set[Path]) -> Iterator[tuple[str, int, bytes]]:
    """The home's own files (configuration, logos...): not the store, not the cache."""
    from hwcore.config import EVENTS_FILE, READMODEL_FILE

    skipped = {f"{n}{s}" for n in (EVENTS_FILE, READMODEL_FILE) for s in _STORE_SUFFIXES}
    if not home.is_dir():
        return
    for path in sorted(home.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.resolve() in exclude:
            continue
        rel = path.relative_to(home).as_posix()
        if rel in skipped or path.name.startswith(".hw-backup-"):
            continue
        yield rel, path.stat().st_mode & 0o777, path.read_bytes()


def _home_of(app: HwApplication, home: str | os.PathLike[str] | None) -> Path | None:
    if home is not None:
        return Path(home)
    settings = getattr(app, "settings", None)
    value = getattr(settings, "home", None)
    return value if isinstance(value, Path) else None


def _key_of(app: HwApplication) -> str | None:
    settings = getattr(app, "settings", None)
    key = getattr(settings, "cipher_key", None)
    if isinstance(key, str) and key:
        return key
    return app.env.get("CIPHER_KEY") or None


def _select_rows(app: HwApplication, cursor: Any, purpose: str) -> Iterator[tuple[Any, ...]]:
    table = _table(app, purpose)
    if purpose == "events":
        order = "notification_id" if _is_postgres(app) else "rowid"
    else:
        order = "originator_id, originator_version"
    cursor.execute(
        f"SELECT originator_id, originator_version, topic, state FROM {table} ORDER BY {order}"
    )
    while True:
        rows = cursor.fetchmany(500)
        if not rows:
            return
        for row in rows:
            values = tuple(row.values()) if isinstance(row, dict) else tuple(row)
            ident = values[0]
            hex_id = ident.hex if isinstance(ident, uuid.UUID) else uuid.UUID(str(ident)).hex
            yield hex_id, int(values[1]), str(values[2]), bytes(values[3])


def backup_store(
    app: HwApplication,
    target: str | os.PathLike[str],
    *,
    home: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
) -> BackupReport:
    """Write the whole store (and the home's own files) into one SQLite backup file.

    The events are copied byte for byte in log order (an encrypted store stays
    encrypted in its backup), with the snapshots, the audit trail, the home's
    other files (configuration, logo) and a digest that restore checks. The
    read model is not copied: it is rebuilt from the log. The file is written
    beside the target and renamed into place, so it is never half there.

    Args:
        app: the open application.
        target: the backup file to write.
        home: the home whose files to include (default: the application's).
        overwrite: replace an existing target file.

    Returns:
        Counts, whether the events are encrypted, and the digest.
    """
    from hwcore.outputs import OutputError, check_output_path, place

    home_path = _home_of(app, home)
    path = check_output_path(target, home=home_path, force=overwrite, what="backup file")
    key = _key_of(app)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".hw-backup-", suffix=".tmp", dir=path.parent)
    except OSError as e:
        msg = f"cannot write backup file {str(path)!r}: {e.strerror or type(e).__name__}"
        raise OutputError(msg) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        digest = _Digest()
        events = snapshots = files = 0
        with closing(sqlite3.connect(tmp)) as out:
            out.executescript(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                "CREATE TABLE events (seq INTEGER PRIMARY KEY, originator_id TEXT NOT NULL,"
                " originator_version INTEGER NOT NULL, topic TEXT NOT NULL, state BLOB NOT NULL);"
                "CREATE TABLE snapshots (originator_id TEXT NOT NULL,"
                " originator_version INTEGER NOT NULL, topic TEXT NOT NULL, state BLOB NOT NULL);"
                "CREATE TABLE audit (at TEXT, action TEXT, events INTEGER, snapshots INTEGER,"
                " reference TEXT);"
                "CREATE TABLE files (path TEXT PRIMARY KEY, mode INTEGER NOT NULL,"
                " content BLOB NOT NULL);"
            )
            with _transaction(app, commit=False) as cursor:
                if _is_postgres(app):
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                for row in _select_rows(app, cursor, "events"):
                    events += 1
                    digest.add(*row)
                    out.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?)", (events, *row))
                if app.snapshots is not None:
                    for row in _select_rows(app, cursor, "snapshots"):
                        snapshots += 1
                        out.execute("INSERT INTO snapshots VALUES (?, ?, ?, ?)", row)
                for row in _audit_rows(app, cursor):
                    out.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?)", row)
            if home_path is not None:
                for rel, mode, content in _store_files(home_path, {path.resolve()}):
                    files += 1
                    out.execute("INSERT INTO files VALUES (?, ?, ?)", (rel, mode, content))
            meta = {
                "format": BACKUP_FORMAT,
                "version": str(BACKUP_VERSION),
                "created": _now(),
                "backend": "postgres" if _is_postgres(app) else "sqlite",
                "encrypted": "yes" if key else "no",
                "key_id": key_id(key),
                "events": str(events),
                "snapshots": str(snapshots),
                "files": str(files),
                "digest": digest.hexdigest(),
            }
            out.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
            out.commit()
        tmp.chmod(0o600)
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        place(tmp, path, force=overwrite, what="backup file")
    except sqlite3.OperationalError as e:
        full = "full" in str(e)
        reason = "the disk is full" if full else "the file could not be written"
        msg = f"cannot write backup file {str(path)!r}: {reason}"
        raise OutputError(msg) from None
    except OSError as e:
        msg = f"cannot write backup file {str(path)!r}: {e.strerror or type(e).__name__}"
        raise OutputError(msg) from None
    finally:
        tmp.unlink(missing_ok=True)
    return BackupReport(str(path), events, snapshots, files, bool(key), meta["digest"])


def _audit_rows(app: HwApplication, cursor: Any) -> list[tuple[Any, ...]]:
    if not _audit_present(app, cursor):
        return []
    cursor.execute(
        f"SELECT at, action, events, snapshots, reference FROM {_audit_table(app)} ORDER BY at"
    )
    return _fetchall(cursor)


def _read_backup(path: Path) -> tuple[sqlite3.Connection, dict[str, str]]:
    if not path.is_file():
        raise InvalidValueError("backup file", str(path), "an existing hw backup file")
    try:
        with path.open("rb") as f:
            if f.read(16) != SQLITE_HEADER:
                raise InvalidValueError("backup file", str(path), "an hw backup (hw backup FILE)")
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        raise InvalidValueError(
            "backup file", str(path), "an hw backup (this file is corrupt or of another kind)"
        ) from None
    if meta.get("format") != BACKUP_FORMAT:
        conn.close()
        raise InvalidValueError("backup file", str(path), "an hw backup (hw backup FILE)")
    if meta.get("version") != str(BACKUP_VERSION):
        conn.close()
        raise InvalidValueError(
            "backup version", meta.get("version"), f"{BACKUP_VERSION} (made by this hw)"
        )
    return conn, meta


def _check_backup(conn: sqlite3.Connection, meta: Mapping[str, str], path: Path) -> None:
    digest = _Digest()
    count = 0
    try:
        for row in conn.execute(
            "SELECT originator_id, originator_version, topic, state FROM events ORDER BY seq"
        ):
            count += 1
            digest.add(str(row[0]), int(row[1]), str(row[2]), bytes(row[3]))
            if not str(row[2]).startswith(TOPIC_PREFIX):
                raise ValueError(row[2])
    except (sqlite3.Error, ValueError, TypeError):
        raise InvalidValueError("backup file", str(path), "an intact hw backup") from None
    if count != int(meta.get("events", "-1")) or digest.hexdigest() != meta.get("digest"):
        raise InvalidValueError(
            "backup file", str(path), "an intact hw backup (its digest does not match)"
        )


def _store_is_empty(app: HwApplication) -> bool:
    return not app.recorder.select_notifications(start=1, limit=1)


def restore_store(
    app: HwApplication,
    source: str | os.PathLike[str],
    *,
    home: str | os.PathLike[str] | None = None,
    replace: bool = False,
) -> RestoreReport:
    """Restore a backup made by :func:`backup_store` into this (empty) store.

    The backup is checked first (format, digest, key): a damaged backup, or
    one encrypted with another key, is refused and nothing is written. Events
    go in, in their original order, in one transaction. A plain backup restored
    with ``HW_CIPHER_KEY`` set is encrypted on the way in. The home's files come
    back (existing ones are kept unless ``replace``) and the read model is cleared.

    Args:
        app: the open application.
        source: the backup file.
        home: the home to restore files into (default: the application's).
        replace: replace a non-empty store (its events are deleted first, in
            the same transaction) and existing files.

    Returns:
        What was written.
    """
    path = Path(source)
    conn, meta = _read_backup(path)
    with closing(conn):
        _check_backup(conn, meta, path)
        key = _key_of(app)
        encrypted = meta.get("encrypted") == "yes"
        if encrypted and not key:
            msg = "the backup is encrypted: set HW_CIPHER_KEY to its key (nothing was restored)"
            raise StoreError(msg)
        if encrypted and meta.get("key_id") != key_id(key):
            msg = (
                f"the backup was encrypted with another key (key id {meta.get('key_id')}):"
                " set HW_CIPHER_KEY to that key (nothing was restored)"
            )
            raise StoreError(msg)
        reencrypt = bool(key) and not encrypted
        if not _store_is_empty(app) and not replace:
            msg = (
                "the store is not empty: restore into a new home, or pass --force to replace"
                " its events with the backup's (nothing was restored)"
            )
            raise StoreError(msg)
        events = _rows(conn, "events", reencrypt, app)
        snapshots = _rows(conn, "snapshots", reencrypt, app) if app.snapshots is not None else []
        audit = conn.execute(
            "SELECT at, action, events, snapshots, reference FROM audit"
        ).fetchall()
        files = conn.execute("SELECT path, mode, content FROM files ORDER BY path").fetchall()
    if events:
        _check_decodes(app, events[0])
    _write_restore(app, events, snapshots, audit, replace=replace)
    written = _restore_files(_home_of(app, home), files, replace=replace)
    clear_readmodel(app)
    app.committed_events += max(len(events), 1)  # the restore is committed: it stands
    return RestoreReport(str(path), len(events), len(snapshots), written, replace, reencrypt)


def _rows(
    conn: sqlite3.Connection, table: str, reencrypt: bool, app: HwApplication
) -> list[tuple[str, int, str, bytes]]:
    order = "seq" if table == "events" else "originator_id, originator_version"
    rows: list[tuple[str, int, str, bytes]] = []
    for ident, version, topic, state in conn.execute(
        f"SELECT originator_id, originator_version, topic, state FROM {table} ORDER BY {order}"
    ):
        data = bytes(state)
        if reencrypt:
            if app.mapper.compressor is not None:
                data = app.mapper.compressor.compress(data)
            if app.mapper.cipher is not None:
                data = app.mapper.cipher.encrypt(data)
        rows.append((str(ident), int(version), str(topic), data))
    return rows


def _check_decodes(app: HwApplication, row: tuple[str, int, str, bytes]) -> None:
    from eventsourcing.persistence import StoredEvent

    stored = StoredEvent(uuid.UUID(row[0]), row[1], row[2], row[3])
    try:
        app.mapper.to_domain_event(stored)
    except Exception:
        raise StoreError(
            "the backup's events cannot be read with this store's settings: " + "nothing restored"
        ) from None


def _write_restore(
    app: HwApplication,
    events: list[tuple[str, int, str, bytes]],
    snapshots: list[tuple[str, int, str, bytes]],
    audit: list[tuple[Any, ...]],
    *,
    replace: bool,
) -> None:
    p = _ph(app)
    events_table = _table(app, "events")
    snapshots_table = _table(app, "snapshots") if app.snapshots is not None else None
    postgres = _is_postgres(app)

    def ident(value: str) -> Any:
        return _id_param(app, uuid.UUID(value))

    insert = "INSERT INTO {} (originator_id, originator_version, topic, state) VALUES ({})"
    with _transaction(app, commit=True) as cursor:
        if postgres:
            cursor.execute(f"LOCK TABLE {events_table} IN EXCLUSIVE MODE")
        if replace:
            cursor.execute(f"DELETE FROM {events_table}")
            if snapshots_table:
                cursor.execute(f"DELETE FROM {snapshots_table}")
        else:
            cursor.execute(f"SELECT 1 FROM {events_table} LIMIT 1")
            if cursor.fetchall():
                msg = "the store was written to during the restore: nothing was restored"
                raise StoreError(msg)
        values = ", ".join([p] * 4)
        cursor.executemany(
            insert.format(events_table, values),
            [(ident(i), v, t, s) for i, v, t, s in events],
        )
        if snapshots_table:
            cursor.executemany(
                insert.format(snapshots_table, values),
                [(ident(i), v, t, s) for i, v, t, s in snapshots],
            )
        _create_audit_table(app, cursor)
        for row in audit:
            cursor.execute(
                f"INSERT INTO {_audit_table(app)} VALUES ({', '.join([p] * 5)})", tuple(row)
            )
        _audit(app, cursor, StoreAuditEntry(_now(), "restored", len(events), len(snapshots)))


def _restore_files(home: Path | None, files: list[tuple[str, int, bytes]], *, replace: bool) -> int:
    if home is None:
        return 0
    written = 0
    root = home.resolve()
    for rel, mode, content in files:
        target = (home / rel).resolve()
        if root not in target.parents:
            continue  # never write outside the home
        if target.exists() and not replace:
            continue
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".hw-restore-", dir=target.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(bytes(content))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, int(mode) & 0o700 or 0o600)
        os.replace(tmp, target)
        written += 1
    return written


def backup_info(source: str | os.PathLike[str]) -> dict[str, str]:
    """A backup's description (format, counts, encryption, key id, digest)."""
    conn, meta = _read_backup(Path(source))
    conn.close()
    return dict(meta)


def describe_json(report: Any) -> str:
    """Any report of this module as a JSON line."""
    return json.dumps(attrs.asdict(report), sort_keys=True)
