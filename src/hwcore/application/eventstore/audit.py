"""The store's audit trail: when a purge or a restore happened, and how many records.

The entries name no client and hold no content (see docs/security.md); they
live in the event store's own database, written in the same transaction as
the change they record (:class:`~hwcore.application.eventstore.persistence.AdminRecorder`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from eventsourcing.application import Application

from hwcore.application.eventstore.errors import store_errors
from hwcore.application.eventstore.persistence import AdminRecorder, AuditRow
from hwcore.domain import StoreError
from hwcore.valueclass import Value


@attrs.frozen(repr=False, eq=False)
class StoreAuditEntry(Value):
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

    def row(self) -> AuditRow:
        """The entry as the audit table stores it."""
        return (self.at, self.action, self.events, self.snapshots, self.reference)


def now() -> str:
    """The time an audit entry records (UTC, to the second)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def admin_recorder(app: Application[Any]) -> AdminRecorder:
    """The application's recorder, when it supports store administration.

    Raises:
        StoreError: the store is the in-memory one (nothing to back up or purge).
    """
    recorder = app.recorder
    if not isinstance(recorder, AdminRecorder):
        msg = "this store does not support purge, backup or restore (use SQLite or PostgreSQL)"
        raise StoreError(msg)
    return recorder


def snapshots_table(app: Application[Any]) -> str | None:
    """The snapshots' table on the same database (None without snapshots)."""
    if app.snapshots is None:
        return None
    return str(getattr(app.snapshots.recorder, "events_table_name"))  # noqa: B009


def store_audit(app: Application[Any]) -> list[StoreAuditEntry]:
    """The audit trail (purges and restores), oldest first."""
    recorder = admin_recorder(app)
    with store_errors():
        rows = recorder.audit_rows()
    return [StoreAuditEntry(*row) for row in rows]
