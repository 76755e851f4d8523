"""Crypto-shredding: one data key per client, wrapped by the practice key, destroyed by a purge.

With ``HW_CIPHER_KEY`` set (the *practice key*), every client's events and
snapshots are encrypted with a data key of that client's own (AES-256-GCM,
bound to the case id). The data key is stored only *wrapped* (encrypted by
the practice key) in the small key table :data:`KEY_TABLE`, beside the
events. A purge deletes the client's events and its key row in one
transaction, then rewrites the key table (it is tiny): whatever copies of
the client's events remain in files hw cannot rewrite cheaply (PostgreSQL's
table files until the space is reused, a replica, a dump) can no longer be
decrypted by anyone, the practice included. See docs/adr/0007-crypto-shredding.md.

This is eventsourcing's own extension point: hw's application constructs
its mapper with :class:`ShreddingMapper` (``construct_mapper``), a
:class:`~eventsourcing.persistence.Mapper` that picks the cipher per
originator id; nothing private of the library is used. Events recorded
before per-client keys (encrypted with the practice key itself) still read:
the practice key is the fallback.

The purge also appends a **tombstone** (:class:`ClientPurged`) to the log:
a notification that holds only the purged case's id, so a follower of the
log in another process learns that it must forget the client
(:func:`hwcore.application.follow.tombstone`).
"""

# Table names in SQL text are constants; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import base64
import os
import threading
import uuid
from collections.abc import Collection, Hashable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import DomainEvent, DomainEventProtocol
from eventsourcing.persistence import (
    Cipher,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
)

from hwcore.application.eventstore.errors import STORE_ERRORS
from hwcore.application.eventstore.persistence import AdminRecorder

if TYPE_CHECKING:
    from eventsourcing.application import Application

KEY_TABLE = "hw_keys"
"""The table of wrapped data keys: one row per client (case id, wrapped key, when made)."""
DATA_KEY_BYTES = 32
"""A data key is AES-256."""
NONCE_BYTES = 12
_WRAP_CONTEXT = b"hw-data-key:"
"""Bound into a wrapped key (with the case id): a row moved to another case does not unwrap."""

REWRITE_WAIT = 2.0
"""Seconds a purge waits for the key table's lock on PostgreSQL before leaving it for later."""
TOMBSTONE_TOPIC = "hwcore.application.eventstore.shredding:ClientPurged"
"""The stored topic of a purge's tombstone (frozen: never rename the class)."""


# ----------------------------------------------------------------- the table


def _db_errors() -> tuple[type[Exception], ...]:
    """The storage errors, the PostgreSQL driver's included (its extra may be missing)."""
    try:
        import psycopg
    except ImportError:
        return STORE_ERRORS
    return (*STORE_ERRORS, psycopg.Error)


def ensure_key_table(recorder: AdminRecorder) -> bool:
    """Create the key table if it is missing (the one place that holds its DDL).

    For ``hw db init`` (PostgreSQL) and for opening a store: a role that may
    not create tables gets False when the table is not there (per-client keys
    stay off until an owner creates it); nothing else is changed.

    Returns:
        Whether the key table exists now.
    """
    if recorder.backend == "postgres":
        columns = "originator_id uuid PRIMARY KEY, wrapped bytea NOT NULL, created text NOT NULL"
    else:
        columns = "originator_id TEXT PRIMARY KEY, wrapped BLOB NOT NULL, created TEXT NOT NULL"
    with suppress(*_db_errors()), recorder.admin_transaction(commit=True) as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {recorder.qualified(KEY_TABLE)} ({columns})")
        return True
    return key_table_exists(recorder)


def key_table_exists(recorder: AdminRecorder) -> bool:
    """Whether the store has the key table (per-client keys are on)."""
    with suppress(*_db_errors()), recorder.admin_transaction(commit=False) as cursor:
        if recorder.backend == "postgres":
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (recorder.qualified(KEY_TABLE),))
        else:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (KEY_TABLE,)
            )
        row = cursor.fetchone()
        if row is None:
            return False
        value = next(iter(row.values())) if isinstance(row, dict) else row[0]
        return bool(value)
    return False


KeyRow = tuple[str, bytes, str]
"""A key row as a backup holds it: case id (32 hex digits), wrapped key, when it was made."""


def key_rows(recorder: AdminRecorder, cursor: Any) -> list[KeyRow]:
    """Every wrapped key, read with the given cursor (a backup's one transaction)."""
    if not _exists_with(recorder, cursor):
        return []
    cursor.execute(f"SELECT originator_id, wrapped, created FROM {recorder.qualified(KEY_TABLE)}")
    rows = []
    for row in cursor.fetchall():
        ident, wrapped, created = tuple(row.values()) if isinstance(row, dict) else tuple(row)
        hex_id = ident.hex if isinstance(ident, uuid.UUID) else uuid.UUID(str(ident)).hex
        rows.append((hex_id, bytes(wrapped), str(created)))
    return sorted(rows)


def write_key_rows(
    recorder: AdminRecorder,
    cursor: Any,
    rows: Sequence[KeyRow],
    *,
    replace: bool,
    keep: Collection[str] = (),
) -> None:
    """Write a backup's key rows with the given cursor (a restore's one transaction).

    A backup's key replaces the store's for the same case. ``replace`` (the
    store's events are being replaced): every other key is deleted too,
    except those of the cases in ``keep`` (hex ids: the events coming in,
    which a plain backup's restore has just encrypted with new keys).
    """
    if not rows and not (replace and _exists_with(recorder, cursor)):
        return
    table = recorder.qualified(KEY_TABLE)
    p = recorder.placeholder
    if replace:
        cursor.execute(f"SELECT originator_id FROM {table}")
        for row in cursor.fetchall():
            old = _uuid(next(iter(row.values())) if isinstance(row, dict) else row[0])
            if old.hex not in keep:
                delete_key(recorder, cursor, old)
    for hex_id, wrapped, created in rows:
        param = recorder.id_param(uuid.UUID(hex_id))
        cursor.execute(f"DELETE FROM {table} WHERE originator_id = {p}", (param,))
        cursor.execute(
            f"INSERT INTO {table} (originator_id, wrapped, created) VALUES ({p}, {p}, {p})",
            (param, wrapped, created),
        )


def delete_key(recorder: AdminRecorder, cursor: Any, ident: uuid.UUID) -> int:
    """Delete one case's wrapped key with the given cursor (the purge's transaction)."""
    if not _exists_with(recorder, cursor):
        return 0
    p = recorder.placeholder
    cursor.execute(
        f"DELETE FROM {recorder.qualified(KEY_TABLE)} WHERE originator_id = {p}",
        (recorder.id_param(ident),),
    )
    return max(int(cursor.rowcount), 0)


def rewrite_key_table(recorder: AdminRecorder) -> bool:
    """Leave no copy of a deleted key in the key table's file (after a purge).

    PostgreSQL: ``VACUUM FULL`` of the key table only (a few rows: it holds
    its lock for milliseconds), which writes a new file and empties the old
    one at the commit (unlinked at the next checkpoint). It waits at most
    :data:`REWRITE_WAIT` for another transaction that uses the table, so key
    reads are never held up for longer. SQLite's ``secure_delete`` already
    overwrote the row.

    Returns:
        Whether the table was rewritten (True on SQLite).
    """
    if recorder.backend != "postgres":
        return True
    datastore = getattr(recorder, "datastore")  # noqa: B009 (eventsourcing's recorder)
    with suppress(*_db_errors()), datastore.get_connection() as conn:
        conn.execute(f"SET lock_timeout = '{int(REWRITE_WAIT * 1000)}ms'")
        try:
            conn.execute(f"VACUUM FULL {recorder.qualified(KEY_TABLE)}")
        finally:
            conn.execute("RESET lock_timeout")
        return True
    return False


def _exists_with(recorder: AdminRecorder, cursor: Any) -> bool:
    if recorder.backend == "postgres":
        cursor.execute(
            "SELECT to_regclass(%s) IS NOT NULL AS present", (recorder.qualified(KEY_TABLE),)
        )
        row = cursor.fetchone()
        return bool(row["present"] if isinstance(row, dict) else row[0])
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (KEY_TABLE,))
    return bool(cursor.fetchall())


# ------------------------------------------------------------------ the keys


def _aesgcm(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


class DataCipher(Cipher):
    """AES-256-GCM with one client's data key, bound to its case id (the associated data)."""

    def __init__(self, key: bytes, ident: uuid.UUID) -> None:  # (not an env: one case's key)
        self._aead = _aesgcm(key)
        self._context = ident.bytes

    def encrypt(self, plaintext: bytes) -> bytes:
        """nonce + ciphertext + tag."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + bytes(self._aead.encrypt(nonce, plaintext, self._context))

    def decrypt(self, ciphertext: bytes) -> bytes:
        """The plaintext; raises ``InvalidTag`` for another key or case."""
        return bytes(
            self._aead.decrypt(ciphertext[:NONCE_BYTES], ciphertext[NONCE_BYTES:], self._context)
        )


_NO_KEY = b""


class DataKeys:
    """The store's wrapped data keys, unwrapped with the practice key as they are needed.

    Keys are kept in this process once read (a purge elsewhere changes the
    store's generation, and :meth:`check_generation` forgets them all).

    Args:
        recorder: the store's recorder (the key table is in its database).
        practice_key: the practice key (``HW_CIPHER_KEY``, base64).
    """

    def __init__(self, recorder: AdminRecorder, practice_key: str) -> None:
        self.recorder = recorder
        self._wrapper = _aesgcm(base64.b64decode(practice_key.encode("ascii")))
        self._keys: dict[uuid.UUID, bytes] = {}
        self._lock = threading.Lock()
        self._generation: Hashable = None

    def check_generation(self) -> None:
        """Forget every kept key when the store saw a purge or restore since (one query)."""
        generation = self.recorder.generation()
        if generation != self._generation:
            with self._lock:
                self._keys.clear()
            self._generation = generation

    def clear(self) -> None:
        """Forget every kept key (a restore wrote the key table)."""
        with self._lock:
            self._keys.clear()

    def forget(self, ident: uuid.UUID) -> None:
        """Forget one case's key (it was just destroyed)."""
        with self._lock:
            self._keys.pop(ident, None)

    def for_reading(self, ident: uuid.UUID, *, fresh: bool = False) -> bytes | None:
        """The case's data key, or None when it has none (older events, or purged)."""
        with self._lock:
            kept = None if fresh else self._keys.get(ident)
        if kept is not None:
            return kept or None
        key = self._read(ident)
        with self._lock:
            self._keys[ident] = key or _NO_KEY
        return key

    def for_writing(self, ident: uuid.UUID, *, first: bool) -> bytes:
        """The case's data key, made and stored first when it has none.

        ``first``: the case's first event (a new or re-registered client): the
        key is read from the store again, never taken from what was kept.
        """
        key = self.for_reading(ident, fresh=first)
        if key is not None:
            return key
        new = os.urandom(DATA_KEY_BYTES)
        nonce = os.urandom(NONCE_BYTES)
        wrapped = nonce + bytes(self._wrapper.encrypt(nonce, new, _WRAP_CONTEXT + ident.bytes))
        r = self.recorder
        p = r.placeholder
        from hwcore.application.eventstore.audit import now

        with r.admin_transaction(commit=True) as cursor:
            cursor.execute(
                f"INSERT INTO {r.qualified(KEY_TABLE)} (originator_id, wrapped, created)"
                f" VALUES ({p}, {p}, {p}) ON CONFLICT (originator_id) DO NOTHING",
                (r.id_param(ident), wrapped, now()),
            )
        key = self.for_reading(ident, fresh=True)  # another writer's key, if it came first
        assert key is not None
        return key

    def unwrap(self, ident: uuid.UUID, wrapped: bytes) -> bytes:
        """A data key from its wrapped form (raises ``InvalidTag`` for another practice key)."""
        return bytes(
            self._wrapper.decrypt(
                wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _WRAP_CONTEXT + ident.bytes
            )
        )

    def _read(self, ident: uuid.UUID) -> bytes | None:
        r = self.recorder
        table = r.qualified(KEY_TABLE)
        with r.admin_transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT wrapped FROM {table} WHERE originator_id = {r.placeholder}",
                (r.id_param(ident),),
            )
            row = cursor.fetchone()
        if row is None:
            return None
        wrapped = next(iter(row.values())) if isinstance(row, dict) else row[0]
        return self.unwrap(ident, bytes(wrapped))


# ---------------------------------------------------------------- the mapper


class ShreddingMapper(Mapper[uuid.UUID]):
    """eventsourcing's mapper, encrypting each case's events with its own data key.

    ``cipher`` stays the practice key's (eventsourcing's ``AESCipher``): it
    encrypts the tombstones and reads events recorded before per-client keys.
    Until :attr:`keys` is set (the store has no key table) it is the library's
    mapper unchanged.
    """

    keys: DataKeys | None = None

    def to_stored_event(self, domain_event: DomainEventProtocol[uuid.UUID]) -> StoredEvent:
        """The stored event, encrypted with its case's data key."""
        keys = self.keys
        if keys is None or isinstance(domain_event, ClientPurged):
            return super().to_stored_event(domain_event)
        ident = domain_event.originator_id
        key = keys.for_writing(ident, first=domain_event.originator_version == 1)
        return self._with(key, ident).to_stored_event(domain_event)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[uuid.UUID]:
        """The domain event, decrypted with its case's data key (else the practice key)."""
        keys = self.keys
        if keys is None or stored_event.topic == TOMBSTONE_TOPIC:
            return super().to_domain_event(stored_event)
        ident = _uuid(stored_event.originator_id)
        key = keys.for_reading(ident)
        if key is not None:
            with suppress(MapperDeserialisationError):
                return self._with(key, ident).to_domain_event(stored_event)
        try:
            return super().to_domain_event(stored_event)  # recorded before per-client keys
        except MapperDeserialisationError:
            fresh = None if key is not None else keys.for_reading(ident, fresh=True)
            if fresh is None:
                raise
            return self._with(fresh, ident).to_domain_event(
                stored_event
            )  # another process's new key

    def seal(self, ident: uuid.UUID, compressed: bytes) -> bytes:
        """Encrypt an already transcoded and compressed state for a case (a plain restore)."""
        if self.keys is None:
            assert self.cipher is not None
            return self.cipher.encrypt(compressed)
        return DataCipher(self.keys.for_writing(ident, first=False), ident).encrypt(compressed)

    def _with(self, key: bytes, ident: uuid.UUID) -> Mapper[uuid.UUID]:
        return Mapper(self.transcoder, compressor=self.compressor, cipher=DataCipher(key, ident))


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def attach_keys(app: Application[uuid.UUID]) -> None:
    """Turn per-client keys on for an opened, encrypted store (making the key table if missing)."""
    mapper = app.mapper
    recorder = app.recorder
    if not isinstance(mapper, ShreddingMapper) or not isinstance(recorder, AdminRecorder):
        return
    key = app.env.get("CIPHER_KEY")
    # Asked first: once the table is there, opening writes nothing (a read-only
    # home, a role that may only SELECT and INSERT).
    if key and (key_table_exists(recorder) or ensure_key_table(recorder)):
        mapper.keys = DataKeys(recorder, key)


def data_keys(app: Application[uuid.UUID]) -> DataKeys | None:
    """The application's data keys, or None (not encrypted, or per-client keys off)."""
    mapper = app.mapper
    return mapper.keys if isinstance(mapper, ShreddingMapper) else None


# ----------------------------------------------------------------- tombstone


@dataclass(frozen=True)
class ClientPurged(DomainEvent):
    """The tombstone a purge leaves in the log: which case was erased, and when.

    Its own originator (a random id, version 1), so the purged case's id stays
    free for a client registered again. ``purged`` is the case id (32 hex
    digits): no identifier, no clinical content; the ``timestamp`` is when.
    """

    purged: str


def new_tombstone(case_id: uuid.UUID) -> ClientPurged:
    """A tombstone for a case purged now."""
    return ClientPurged(
        originator_id=uuid.uuid4(),
        originator_version=1,
        timestamp=ClientPurged.create_timestamp(),
        purged=case_id.hex,
    )


def insert_stored(recorder: AdminRecorder, cursor: Any, stored: StoredEvent) -> None:
    """Append one stored event to the log with the given cursor (the purge's transaction)."""
    p = recorder.placeholder
    cursor.execute(
        f"INSERT INTO {recorder.qualified(recorder.events_table_name)}"
        f" (originator_id, originator_version, topic, state) VALUES ({p}, {p}, {p}, {p})",
        (
            recorder.id_param(_uuid(stored.originator_id)),
            stored.originator_version,
            stored.topic,
            stored.state,
        ),
    )
