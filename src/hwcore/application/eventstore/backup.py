"""Backup and restore: the whole store and the home's own files in one checked file.

A backup is an SQLite file with the events byte for byte in log order (an
encrypted store stays encrypted), the snapshots, the audit trail, the home's
own files (``backupfiles.is_home_file``) and digests of both that restore checks
before it writes anything. The SQL on the store is the recorder's
(:class:`~hwcore.application.eventstore.persistence.AdminRecorder`).
"""

# The backup file's own tables are constants; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing, suppress
from pathlib import Path

import attrs

from hwcore.application.eventstore.accesslog import (
    AccessRow,
    append,
    merge_rows,
    read_rows,
    rows_of_backup,
)
from hwcore.application.eventstore.application import StoreApplication
from hwcore.application.eventstore.audit import (
    StoreAuditEntry,
    admin_recorder,
    now,
    snapshots_table,
)
from hwcore.application.eventstore.backupfiles import (
    STORE_SUFFIXES,
    TEMP_PREFIX,
    TEMP_SUFFIX,
    backup_files,
    backup_keys,
    files_digest,
    keys_digest,
    remove_abandoned_temp_files,
    restore_files,
    store_files,
)
from hwcore.application.eventstore.checks import TOPIC_PREFIX
from hwcore.application.eventstore.erasure import (
    carried_tombstones,
    decode_row,
    returning_clients,
    tombstone_rows,
)
from hwcore.application.eventstore.errors import store_errors
from hwcore.application.eventstore.persistence import AuditRow, StoredRow
from hwcore.application.eventstore.shredding import (
    KeyRow,
    data_keys,
    key_rows,
    write_key_rows,
)
from hwcore.application.eventstore.sqlitefile import SQLITE_HEADER
from hwcore.domain import InvalidValueError, StoreError
from hwcore.outputs import OutputError, check_output_path, place
from hwcore.valueclass import Value

BACKUP_FORMAT = "hw-backup"
BACKUP_VERSION = 1
PROGRESS_EVERY = 500
"""A backup or restore reports its progress every this many events."""


def clear_readmodel(app: StoreApplication) -> bool:
    """Delete the application's read model file (a disposable cache, rebuilt on next use)."""
    readmodel = getattr(app, "readmodel", None)
    path = getattr(readmodel, "path", None)
    if not isinstance(path, Path):
        return False
    removed = False
    for suffix in STORE_SUFFIXES:
        candidate = path.with_name(path.name + suffix)
        with suppress(FileNotFoundError):
            candidate.unlink()
            removed = True
    return removed


def key_id(key: str | None) -> str:
    """A short public fingerprint of a key ('' without one): tells keys apart safely."""
    if not key:
        return ""
    return hashlib.sha256(b"hw-key-id:" + key.strip().encode()).hexdigest()[:12]


# ------------------------------------------------------------------- backup


@attrs.frozen(repr=False, eq=False)
class BackupReport(Value):
    """What a backup holds."""

    path: str
    events: int
    snapshots: int
    files: int
    encrypted: bool
    digest: str
    left_out: tuple[str, ...] = ()
    """Client records saved inside the home (exports, PDFs, backups): not backed up."""
    keys: int = 0
    """Wrapped per-client data keys copied (the practice key opens them)."""


@attrs.frozen(repr=False, eq=False)
class RestoreReport(Value):
    """What a restore wrote."""

    path: str
    events: int
    snapshots: int
    files: int
    replaced: bool
    reencrypted: bool
    brought_back: tuple[str, ...] = ()
    """Clients purged after the backup was made that it brought back (named with --bring-back)."""


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


def _home_of(app: StoreApplication, home: str | os.PathLike[str] | None) -> Path | None:
    """The given home, else the application's, else None."""
    return Path(home) if home is not None else app.home


def _key_of(app: StoreApplication) -> str | None:
    return app.env.get("CIPHER_KEY") or None


def backup_store(
    app: StoreApplication,
    target: str | os.PathLike[str],
    *,
    home: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
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
        progress: called now and then with (events copied, events in the log).

    Returns:
        Counts, whether the events are encrypted, and the digest.
    """
    home_path = _home_of(app, home)
    path = check_output_path(target, home=home_path, force=overwrite, what="backup file")
    key = _key_of(app)
    remove_abandoned_temp_files(path.parent)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=TEMP_SUFFIX, dir=path.parent
        )
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
                "CREATE TABLE keys (originator_id TEXT PRIMARY KEY, wrapped BLOB NOT NULL,"
                " created TEXT NOT NULL);"
                "CREATE TABLE access_log (at TEXT NOT NULL, clinician TEXT NOT NULL,"
                " action TEXT NOT NULL, client TEXT, detail TEXT NOT NULL);"
            )
            recorder = admin_recorder(app)
            total = _log_length(app) if progress is not None else 0

            def event(row: StoredRow) -> None:
                nonlocal events
                events += 1
                digest.add(*row)
                out.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?)", (events, *row))
                if progress is not None and events % PROGRESS_EVERY == 0:
                    progress(events, max(total, events))

            def snapshot(row: StoredRow) -> None:
                nonlocal snapshots
                snapshots += 1
                out.execute("INSERT INTO snapshots VALUES (?, ?, ?, ?)", row)

            keys: list[KeyRow] = []

            def copy_keys(cursor: object) -> None:
                keys.extend(key_rows(recorder, cursor))

            with store_errors():
                audit = recorder.copy_out(snapshots_table(app), event, snapshot, copy_keys)
            out.executemany("INSERT INTO keys VALUES (?, ?, ?)", keys)
            if progress is not None:
                progress(events, events)
            out.executemany("INSERT INTO audit VALUES (?, ?, ?, ?, ?)", audit)
            with store_errors():
                accesses = read_rows(recorder)
            out.executemany("INSERT INTO access_log VALUES (?, ?, ?, ?, ?)", accesses)
            left_out: list[str] = []
            home_files = (
                list(store_files(home_path, {path.resolve()}, left_out))
                if home_path is not None
                else []
            )
            files = len(home_files)
            out.executemany("INSERT INTO files VALUES (?, ?, ?)", home_files)
            meta = {
                "format": BACKUP_FORMAT,
                "version": str(BACKUP_VERSION),
                "created": now(),
                "backend": recorder.backend,
                "encrypted": "yes" if key else "no",
                "key_id": key_id(key),
                "events": str(events),
                "snapshots": str(snapshots),
                "files": str(files),
                "digest": digest.hexdigest(),
                "files_digest": files_digest(home_files),
                "keys": str(len(keys)),
                "keys_digest": keys_digest(keys),
            }
            out.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
            out.commit()
        tmp.chmod(0o600)
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        place(tmp, path, force=overwrite, what="backup file")
        with store_errors():
            append(recorder, [AccessRow(now(), app.clinician, "backup", None)])
    except sqlite3.OperationalError as e:
        reason = "the disk is full" if "full" in str(e) else "the file could not be written"
        msg = f"cannot write backup file {str(path)!r}: {reason}"
        raise OutputError(msg) from None
    except OSError as e:
        msg = f"cannot write backup file {str(path)!r}: {e.strerror or type(e).__name__}"
        raise OutputError(msg) from None
    finally:
        tmp.unlink(missing_ok=True)
    return BackupReport(
        str(path),
        events,
        snapshots,
        files,
        bool(key),
        meta["digest"],
        left_out=tuple(left_out),
        keys=len(keys),
    )


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


def _store_is_empty(app: StoreApplication) -> bool:
    with store_errors():
        return not app.recorder.select_notifications(start=1, limit=1)


def restore_store(
    app: StoreApplication,
    source: str | os.PathLike[str],
    *,
    home: str | os.PathLike[str] | None = None,
    replace: bool = False,
    bring_back: Iterable[str] = (),
    progress: Callable[[int, int], None] | None = None,
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
        bring_back: the clients purged from this store after the backup was
            made that the restore may bring back: each one must be named, or
            nothing is restored (spec section 7).
        progress: called now and then with (events read, events in the backup);
            the last call, (n, n), comes once they are written.

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
        total = int(meta.get("events") or 0)
        events = _rows(conn, "events", reencrypt, app, progress, total)
        snapshots = _rows(conn, "snapshots", reencrypt, app) if app.snapshots is not None else []
        audit = [
            (str(at), str(action), int(n), int(m), str(reference))
            for at, action, n, m, reference in conn.execute(
                "SELECT at, action, events, snapshots, reference FROM audit"
            )
        ]
        files = backup_files(conn, meta, path)
        keys = backup_keys(conn, meta, path)
        accesses = rows_of_backup(conn, {row[0] for row in events})
    if events:
        wrapped = {k[0]: k[1] for k in keys}
        _check_decodes(app, events[0], wrapped.get(events[0][0]))
    app.check_integrity()
    tombstones = [] if _store_is_empty(app) else tombstone_rows(app)
    returning = returning_clients(app, events, keys, tombstones)
    _check_bring_back(returning, bring_back)
    events += carried_tombstones(app, events, tombstones, returning)
    _write_restore(app, events, snapshots, audit, keys, replace=replace)
    if progress is not None:
        progress(len(events), len(events))
    written = restore_files(_home_of(app, home), files, replace=replace)
    app.committed_events += max(len(events), 1)  # the restore is committed: it stands
    clear_readmodel(app)
    with store_errors():  # the backup's access log (its restored clients'), then the restore's
        merge_rows(admin_recorder(app), accesses)
        append(admin_recorder(app), [AccessRow(now(), app.clinician, "restore", None)])
    return RestoreReport(
        str(path),
        len(events),
        len(snapshots),
        written,
        replace,
        reencrypt,
        brought_back=tuple(sorted(returning.values())),
    )


def _check_bring_back(returning: Mapping[str, str], bring_back: Iterable[str]) -> None:
    """Refuse to bring purged clients back unless each one is named."""
    from hwcore.domain import validate_client

    named = {validate_client(c) for c in bring_back}
    missing = sorted(set(returning.values()) - named)
    if missing:
        who = ", ".join(missing)
        flags = " ".join(f"--bring-back {c}" for c in missing)
        msg = (
            f"the backup holds {len(missing)} client(s) purged from this store after it was"
            f" made ({who}): nothing was restored; to bring them back, pass {flags}"
        )
        raise StoreError(msg)


def _rows(
    conn: sqlite3.Connection,
    table: str,
    reencrypt: bool,
    app: StoreApplication,
    progress: Callable[[int, int], None] | None = None,
    total: int = 0,
) -> list[StoredRow]:
    order = "seq" if table == "events" else "originator_id, originator_version"
    rows: list[StoredRow] = []
    for ident, version, topic, state in conn.execute(
        f"SELECT originator_id, originator_version, topic, state FROM {table} ORDER BY {order}"
    ):
        data = bytes(state)
        if reencrypt:
            data = _seal(app, uuid.UUID(str(ident)), str(topic), data)
        rows.append((str(ident), int(version), str(topic), data))
        if progress is not None and len(rows) % PROGRESS_EVERY == 0:
            # Never reaching the total before the rows are written.
            progress(len(rows), max(total, len(rows) + 1))
    return rows


def _log_length(app: StoreApplication) -> int:
    """The last notification id of the log (the events a backup copies, at most)."""
    with store_errors():
        return int(app.recorder.max_notification_id() or 0)


def _seal(app: StoreApplication, ident: uuid.UUID, topic: str, data: bytes) -> bytes:
    """A plain backup's state, compressed and encrypted as this store writes it.

    A client's events and snapshots under its data key; a tombstone under the
    practice key (see ``shredding``).
    """
    from hwcore.application.eventstore.shredding import TOMBSTONE_TOPIC, ShreddingMapper

    mapper = app.mapper
    if mapper.compressor is not None:
        data = mapper.compressor.compress(data)
    if isinstance(mapper, ShreddingMapper) and topic != TOMBSTONE_TOPIC:
        return mapper.seal(ident, data)
    return mapper.cipher.encrypt(data) if mapper.cipher is not None else data


def _check_decodes(app: StoreApplication, row: StoredRow, wrapped: bytes | None) -> None:
    try:
        decode_row(app, row, wrapped)
    except Exception:
        raise StoreError(
            "the backup's events cannot be read with this store's settings: " + "nothing restored"
        ) from None


def _write_restore(
    app: StoreApplication,
    events: list[StoredRow],
    snapshots: list[StoredRow],
    audit: list[AuditRow],
    keys: list[KeyRow],
    *,
    replace: bool,
) -> None:
    entry = StoreAuditEntry(now(), "restored", len(events), len(snapshots))
    recorder = admin_recorder(app)
    cases = {row[0] for row in events}

    def copy_keys(cursor: object) -> None:
        write_key_rows(recorder, cursor, keys, replace=replace, keep=cases)

    with store_errors():
        recorder.copy_in(
            snapshots_table(app),
            events,
            snapshots,
            [*audit, entry.row()],
            replace=replace,
            also=copy_keys,
        )
    kept = data_keys(app)
    if kept is not None:
        kept.clear()


def backup_info(source: str | os.PathLike[str]) -> dict[str, str]:
    """A backup's description (format, counts, encryption, key id, digest)."""
    conn, meta = _read_backup(Path(source))
    conn.close()
    return dict(meta)
