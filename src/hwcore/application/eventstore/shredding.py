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

import os
import sys
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
MAPPERS_KEPT = 10_000
"""How many cases' mappers (with their data keys) a process keeps at most."""
_WRAP_CONTEXT = b"hw-data-key:"
"""Bound into a wrapped key (with the case id): a row moved to another case does not unwrap."""

REWRITE_WAIT = 2.0
"""Seconds a purge waits for the key table's lock on PostgreSQL (see :func:`shred_keys`)."""
TOMBSTONE_TOPIC = "hwcore.application.eventstore.shredding:ClientPurged"
"""The stored topic of a purge's tombstone (frozen: never rename the class)."""


# ----------------------------------------------------------------- the table


def _db_errors() -> tuple[type[Exception], ...]:
    """The storage errors, the PostgreSQL driver's included once it is loaded (never imported
    here: it costs a SQLite store's start-up half a second)."""
    psycopg = sys.modules.get("psycopg")
    if psycopg is None:
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
    with suppress(*_db_errors()), recorder.admin_transaction(commit=True) as cursor:
        create_key_table(recorder, cursor)
        return True
    return key_table_exists(recorder)


def create_key_table(recorder: AdminRecorder, cursor: Any) -> None:
    """``CREATE TABLE IF NOT EXISTS`` the key table, in the caller's transaction.

    The key table's one DDL: ``hw db init`` runs it as the ``keys`` schema
    part (:mod:`~hwcore.application.eventstore.schema`), a SQLite store when it
    is opened with a cipher key (:func:`ensure_key_table`).
    """
    if recorder.backend == "postgres":
        columns = "originator_id uuid PRIMARY KEY, wrapped bytea NOT NULL, created text NOT NULL"
    else:
        columns = "originator_id TEXT PRIMARY KEY, wrapped BLOB NOT NULL, created TEXT NOT NULL"
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {recorder.qualified(KEY_TABLE)} ({columns})")


def key_table_exists(recorder: AdminRecorder) -> bool:
    """Whether the store has the key table (per-client keys are on)."""
    with suppress(*_db_errors()), recorder.admin_transaction(commit=False) as cursor:
        return recorder.table_exists(cursor, KEY_TABLE)
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
) -> bool:
    """Write a backup's key rows with the given cursor (a restore's one transaction).

    A backup's key replaces the store's for the same case. ``replace`` (the
    store's events are being replaced): every other key is destroyed too,
    except those of the cases in ``keep`` (hex ids: the events coming in,
    which a plain backup's restore has just encrypted with new keys).

    Returns:
        False when a destroyed key may still be in the table's file (see
        :func:`shred_keys`); True otherwise.
    """
    if not _exists_with(recorder, cursor):
        return True
    incoming = {row[0] for row in rows}
    rewritten = True
    if replace:
        drop = [i for i in _key_ids(recorder, cursor) if i.hex not in keep or i.hex in incoming]
        rewritten = shred_keys(recorder, cursor, drop)
    else:
        drop = [i for i in _key_ids(recorder, cursor) if i.hex in incoming]
        _delete_rows(recorder, cursor, drop)
    table = recorder.qualified(KEY_TABLE)
    p = recorder.placeholder
    for hex_id, wrapped, created in rows:
        cursor.execute(
            f"INSERT INTO {table} (originator_id, wrapped, created) VALUES ({p}, {p}, {p})",
            (recorder.id_param(uuid.UUID(hex_id)), wrapped, created),
        )
    return rewritten


def shred_keys(recorder: AdminRecorder, cursor: Any, idents: Collection[uuid.UUID]) -> bool:
    """Destroy keys so that no copy is left in the key table's file (the purge's transaction).

    SQLite: the rows are deleted with ``secure_delete`` on (the purge's and
    the restore's transactions set it), which overwrites them. PostgreSQL: a
    ``DELETE`` leaves the row in the table's file (a dead tuple, kept as long
    as any older snapshot may see it, and copied by ``VACUUM FULL`` then), so
    the other keys are read, the table is emptied with ``TRUNCATE`` (a new
    file; the old one is emptied at the commit and unlinked at the next
    checkpoint) and the other keys written back, all in the purge's
    transaction. ``TRUNCATE`` locks the key table until the commit: it waits
    at most :data:`REWRITE_WAIT` for a transaction that uses the table, then
    falls back to a plain ``DELETE`` (also when the role may not truncate).

    Returns:
        Whether the table's file keeps no copy of the destroyed keys.
    """
    if not idents:
        return True
    if recorder.backend != "postgres":
        _delete_rows(recorder, cursor, idents)
        return True
    import psycopg

    table = recorder.qualified(KEY_TABLE)
    gone = set(idents)
    try:
        with cursor.connection.transaction():  # a savepoint
            cursor.execute(f"SET LOCAL lock_timeout = '{int(REWRITE_WAIT * 1000)}ms'")
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            cursor.execute(f"SELECT originator_id, wrapped, created FROM {table}")
            kept = [r for r in _key_tuples(cursor.fetchall()) if r[0] not in gone]
            cursor.execute(f"TRUNCATE {table}")
            cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
            for ident, wrapped, created in kept:
                cursor.execute(
                    f"INSERT INTO {table} (originator_id, wrapped, created) VALUES (%s, %s, %s)",
                    (ident, wrapped, created),
                )
    except (psycopg.errors.LockNotAvailable, psycopg.errors.InsufficientPrivilege):
        _delete_rows(recorder, cursor, idents)
        return False
    return True


def delete_key(recorder: AdminRecorder, cursor: Any, ident: uuid.UUID) -> tuple[int, bool]:
    """Destroy one case's wrapped key with the given cursor (the purge's transaction).

    Returns:
        How many keys were destroyed (0 or 1), and whether the key table's
        file keeps no copy of it (:func:`shred_keys`).
    """
    if not _exists_with(recorder, cursor) or ident not in _key_ids(recorder, cursor, ident):
        return 0, True
    return 1, shred_keys(recorder, cursor, [ident])


def _key_ids(
    recorder: AdminRecorder, cursor: Any, only: uuid.UUID | None = None
) -> list[uuid.UUID]:
    table = recorder.qualified(KEY_TABLE)
    if only is None:
        cursor.execute(f"SELECT originator_id FROM {table}")
    else:
        cursor.execute(
            f"SELECT originator_id FROM {table} WHERE originator_id = {recorder.placeholder}",
            (recorder.id_param(only),),
        )
    return [
        _uuid(next(iter(r.values())) if isinstance(r, dict) else r[0]) for r in cursor.fetchall()
    ]


def _key_tuples(rows: Sequence[Any]) -> list[tuple[uuid.UUID, bytes, str]]:
    out = []
    for row in rows:
        ident, wrapped, created = tuple(row.values()) if isinstance(row, dict) else tuple(row)
        out.append((_uuid(ident), bytes(wrapped), str(created)))
    return out


def _delete_rows(recorder: AdminRecorder, cursor: Any, idents: Collection[uuid.UUID]) -> None:
    table = recorder.qualified(KEY_TABLE)
    for ident in idents:
        cursor.execute(
            f"DELETE FROM {table} WHERE originator_id = {recorder.placeholder}",
            (recorder.id_param(ident),),
        )


def _exists_with(recorder: AdminRecorder, cursor: Any) -> bool:
    return recorder.table_exists(cursor, KEY_TABLE)


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
        import base64  # only with a practice key (start-up time of every command)

        self._wrapper = _aesgcm(base64.b64decode(practice_key.encode("ascii")))
        self._keys: dict[uuid.UUID, bytes] = {}
        self._lock = threading.Lock()
        self._generation: Hashable = None
        self._loaded = False

    def check_generation(self) -> None:
        """Forget every kept key when the store saw a purge or restore since (one query)."""
        generation = self.recorder.generation()
        if generation != self._generation:
            self.clear()
            self._generation = generation

    def clear(self) -> None:
        """Forget every kept key (a restore wrote the key table)."""
        with self._lock:
            self._keys.clear()
            self._loaded = False

    def forget(self, ident: uuid.UUID) -> None:
        """Forget one case's key (it was just destroyed)."""
        with self._lock:
            self._keys.pop(ident, None)

    def for_reading(self, ident: uuid.UUID, *, fresh: bool = False) -> bytes | None:
        """The case's data key, or None when it has none (older events, or purged)."""
        kept = None if fresh else self._keys.get(ident)  # (a dict read needs no lock)
        if kept is not None:
            return kept or None
        if not fresh and not self._loaded:
            self._load_all()  # one query for every case (a rebuild reads them all)
            kept = self._keys.get(ident)
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

    def _load_all(self) -> None:
        r = self.recorder
        with r.admin_transaction(commit=False) as cursor:
            cursor.execute(f"SELECT originator_id, wrapped FROM {r.qualified(KEY_TABLE)}")
            rows = cursor.fetchall()
        keys = {}
        for row in rows:
            ident, wrapped = tuple(row.values()) if isinstance(row, dict) else tuple(row)
            case = _uuid(ident)
            keys[case] = self.unwrap(case, bytes(wrapped))
        with self._lock:
            self._keys.update(keys)
            self._loaded = True

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
    _mappers: dict[tuple[uuid.UUID, bytes], Mapper[uuid.UUID]] | None = None

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
            # Another process gave the case its key since this one looked.
            return self._with(fresh, ident).to_domain_event(stored_event)

    def seal(self, ident: uuid.UUID, compressed: bytes) -> bytes:
        """Encrypt an already transcoded and compressed state for a case (a plain restore)."""
        if self.keys is None:
            assert self.cipher is not None
            return self.cipher.encrypt(compressed)
        return DataCipher(self.keys.for_writing(ident, first=False), ident).encrypt(compressed)

    def _with(self, key: bytes, ident: uuid.UUID) -> Mapper[uuid.UUID]:
        """The library's mapper with one case's data key (kept: a rebuild decodes thousands)."""
        mappers = self._mappers
        if mappers is None or len(mappers) > MAPPERS_KEPT:
            mappers = self._mappers = {}
        mapper = mappers.get((ident, key))
        if mapper is None:
            cipher = DataCipher(key, ident)
            mapper = Mapper(self.transcoder, compressor=self.compressor, cipher=cipher)
            mappers[(ident, key)] = mapper
        return mapper


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def attach_keys(app: Application[uuid.UUID], *, create: bool) -> None:
    """Turn per-client keys on for an opened, encrypted store whose key table exists.

    ``create``: make the key table first when it is missing (after the store
    was checked: a plain store opened with a key by mistake is left as it is).
    A role that may not create tables leaves per-client keys off.
    """
    mapper = app.mapper
    recorder = app.recorder
    if not isinstance(mapper, ShreddingMapper) or not isinstance(recorder, AdminRecorder):
        return
    key = app.env.get("CIPHER_KEY")
    if not key or mapper.keys is not None:
        return
    # Asked first: once the table is there, opening writes nothing (a read-only
    # home, a role that may only SELECT and INSERT).
    if key_table_exists(recorder) or (create and ensure_key_table(recorder)):
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
