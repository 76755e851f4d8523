"""Store administration: erasure, cipher keys, and the backup API (see ``backup``).

The same on both backends: the SQL lives in the store's recorder
(:class:`~hwcore.application.eventstore.persistence.AdminRecorder`, one
subclass per backend), so nothing here asks which backend it runs on.
Deleting a client's events is the one thing an append-only log must still be
able to do: the right to erasure.

See docs/security.md for what is encrypted, what a purge removes and what the
audit trail keeps.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import attrs

from hwcore.application.eventstore.accesslog import forget_client
from hwcore.application.eventstore.application import StoreApplication
from hwcore.application.eventstore.audit import (
    StoreAuditEntry,
    admin_recorder,
    now,
    snapshots_table,
    store_audit,
)
from hwcore.application.eventstore.backup import (
    BackupReport,
    RestoreReport,
    backup_info,
    backup_store,
    clear_readmodel,
    key_id,
    restore_store,
)
from hwcore.application.eventstore.backupfiles import is_home_file
from hwcore.application.eventstore.erasure import stray_files
from hwcore.application.eventstore.errors import store_errors
from hwcore.application.eventstore.shredding import (
    data_keys,
    delete_key,
    insert_stored,
    new_tombstone,
)
from hwcore.domain import ClientNotFoundError, InvalidValueError, case_id_for, validate_client
from hwcore.domain.identifiers import legacy_case_ids
from hwcore.valueclass import Value

__all__ = [
    "BackupReport",
    "PurgeReport",
    "RestoreReport",
    "StoreAuditEntry",
    "backup_info",
    "backup_store",
    "check_reference",
    "clear_readmodel",
    "describe_json",
    "generate_key",
    "key_id",
    "purge_client",
    "restore_store",
    "store_audit",
]

KEY_BYTES = 32
"""Size of a generated cipher key (AES-256)."""


# ----------------------------------------------------------------- cipher keys


def generate_key() -> str:
    """A new random AES-256 key, base64-encoded, for ``HW_CIPHER_KEY``."""
    from eventsourcing.cryptography import AESCipher

    return AESCipher.create_key(KEY_BYTES)


# -------------------------------------------------------------------- purge


@attrs.frozen(repr=False, eq=False)
class PurgeReport(Value):
    """What a purge removed, and the audit entry it left."""

    client: str
    events: int
    snapshots: int
    readmodel_cleared: bool
    audit: StoreAuditEntry
    shredded: bool = False
    """The client's data key was destroyed: copies of its events left anywhere are unreadable."""
    remains: str = ""
    """What the purge could not reach yet, in one sentence ('' when nothing)."""
    left_in_home: tuple[str, ...] = ()
    """Client records saved inside the home (exports, PDFs, backups) a purge cannot reach."""


def check_reference(reference: str) -> str:
    """A purge's request reference: a short code (ticket or letter number), no prose."""
    text = reference.strip()
    if len(text) > 40 or any(c.isspace() for c in text):
        raise InvalidValueError(
            "reference", "<given>", "a short code without spaces (at most 40 characters)"
        )
    return text


def purge_client(app: StoreApplication, client: str, *, reference: str = "") -> PurgeReport:
    """Erase one client: delete its events and snapshots and the read model's rows.

    One transaction deletes the rows, destroys the client's data key (an
    encrypted store: ``shredding``), appends the audit entry (a timestamp, the
    word 'purged' and the counts: no identifier, no clinical content) and a
    tombstone to the log (the case id: followers erase the client). On SQLite
    the deleted content is overwritten (``secure_delete``) and the write-ahead
    log is truncated, waiting briefly for other readers; on PostgreSQL the
    tables are vacuumed. The report says what could not be reached
    (``remains``, ``left_in_home``).

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
    recorder = admin_recorder(app)
    app.check_integrity()
    table = snapshots_table(app)
    entry = StoreAuditEntry(now(), "purged", 0, 0, ref)
    events = snapshots = keys_deleted = 0
    rewritten = True
    purged_id = case_id_for(name)
    # The access log keeps no identifier of the client: its entries name a
    # pseudonym from now on, in the purge's own transaction (see accesslog).
    forget = functools.partial(forget_client, recorder, client=name, clinician=app.clinician)
    with store_errors():
        # An identifier stored before identifiers were NFC is purged too.
        for case_id in (case_id_for(name), *legacy_case_ids(name)):
            tombstone = app.mapper.to_stored_event(new_tombstone(case_id))

            def also(cursor: Any, case_id: Any = case_id, tombstone: Any = tombstone) -> None:
                nonlocal keys_deleted, rewritten
                keys_deleted, rewritten = delete_key(recorder, cursor, case_id)
                insert_stored(recorder, cursor, tombstone)
                forget(cursor)

            events, snapshots = recorder.purge(case_id, table, entry.row(), also)
            if events:
                purged_id = case_id
                break
    if events == 0:
        raise ClientNotFoundError(name)
    app.committed_events += events  # the purge is committed: it stands
    keys = data_keys(app)
    if keys is not None:
        keys.forget(purged_id)
    scrubbed = recorder.scrub(table) and rewritten
    cleared = clear_readmodel(app)
    return PurgeReport(
        name,
        events,
        snapshots,
        cleared,
        attrs.evolve(entry, events=events, snapshots=snapshots),
        shredded=bool(keys_deleted),
        remains=_remains(recorder.backend, scrubbed=scrubbed, shredded=bool(keys_deleted)),
        left_in_home=tuple(stray_files(app.home, is_home_file)),
    )


def _remains(backend: str, *, scrubbed: bool, shredded: bool) -> str:
    """What a purge left behind, in one sentence ('' when nothing)."""
    if backend == "postgres" and not shredded:
        return (
            "the client's events had no key of their own (an unencrypted store, or recorded"
            " before per-client keys), so PostgreSQL's table files keep them until the server"
            " reuses the space (docs/adr/0007-crypto-shredding.md)"
        )
    if not scrubbed and backend == "postgres":
        return (
            "another transaction held the key table (or this role may not TRUNCATE it): its"
            " file keeps the destroyed key until the next purge rewrites it"
        )
    if not scrubbed:
        return (
            "another process is reading the store: the purged text stays in the store's file"
            " until that read ends; the next hw command finishes the erasure"
        )
    return ""


def describe_json(report: Any) -> str:
    """Any report of this module as a JSON line."""
    return json.dumps(attrs.asdict(report), sort_keys=True)
