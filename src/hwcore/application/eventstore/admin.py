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
from hwcore.application.eventstore.errors import store_errors
from hwcore.domain import ClientNotFoundError, InvalidValueError, case_id_for, validate_client
from hwcore.domain.identifiers import legacy_case_ids

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


def purge_client(app: StoreApplication, client: str, *, reference: str = "") -> PurgeReport:
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
    recorder = admin_recorder(app)
    app.check_integrity()
    table = snapshots_table(app)
    entry = StoreAuditEntry(now(), "purged", 0, 0, ref)
    events = snapshots = 0
    # The access log keeps no identifier of the client: its entries name a
    # pseudonym from now on, in the purge's own transaction (see accesslog).
    forget = functools.partial(forget_client, recorder, client=name, clinician=app.clinician)
    with store_errors():
        # An identifier stored before identifiers were NFC is purged too.
        for case_id in (case_id_for(name), *legacy_case_ids(name)):
            events, snapshots = recorder.purge(case_id, table, entry.row(), forget)
            if events:
                break
    if events == 0:
        raise ClientNotFoundError(name)
    app.committed_events += events  # the purge is committed: it stands
    recorder.scrub(table)
    cleared = clear_readmodel(app)
    return PurgeReport(
        name, events, snapshots, cleared, attrs.evolve(entry, events=events, snapshots=snapshots)
    )


def describe_json(report: Any) -> str:
    """Any report of this module as a JSON line."""
    return json.dumps(attrs.asdict(report), sort_keys=True)
