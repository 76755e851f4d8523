"""Plain data of the application's reads and bulk writes: history, audit, measures, imports.

Kept apart from :mod:`hwcore.application.dto` (the results of recording
commands) so that a recording command imports none of these classes
(``cli_write``); :mod:`~hwcore.application.dto` still exports every name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from hwcore.valueclass import Value

if TYPE_CHECKING:
    from hwcore.application.dto import NotedChange
    from hwcore.domain.clinical import ConsentRecord
    from hwcore.domain.measures import MeasureSeries, RiskAlert


@attrs.frozen(repr=False, eq=False)
class HistoryEntry(Value):
    """One event of a client's log, readable."""

    position: int
    """The event's version in the client's log (1 = registration)."""
    recorded_at: str
    """When it was recorded (ISO 8601, UTC)."""
    session: int | None
    event: str
    """The event's name, e.g. 'HomeworkMissed'."""
    summary: str
    data: dict[str, Any]
    recorded_by: str | None = None
    """The clinician who recorded it; None when unknown (stored before hw recorded it)."""


@attrs.frozen(repr=False, eq=False)
class ImportReport(Value):
    """What an import did."""

    source: str
    rows: int
    clients: int
    new_clients: int
    events_written: int
    assignments_added: int
    outcomes_added: int
    unchanged_rows: int
    store_ahead: int = 0
    """Clients whose stored history goes on past the file's (left as they are)."""


@attrs.frozen(repr=False, eq=False)
class FieldChange(Value):
    """One field of the chosen system that changed between two reviews."""

    field: str
    old: str | None
    new: str | None


@attrs.frozen(repr=False, eq=False)
class AuditEntry(Value):
    """One review of a client's system: what was chosen, why, and how it went."""

    review: int
    """1 for the first review, then 2, 3..."""
    position: int
    """The review's version in the client's event log."""
    recorded_at: str
    session: int
    date: str | None
    trigger: str
    format: str | None
    size: str | None
    frequency: str | None
    framing: str | None
    framing_wording: str
    next_review_session: int
    notes: str
    previous_session: int | None
    """The session of the previous review (None for the first)."""
    changes: tuple[FieldChange, ...]
    """What changed since the previous review (for the first: every value set)."""
    noted: tuple[NotedChange, ...]
    """Changes, framing changes and corrections recorded since the previous review."""
    recommended: dict[str, str | None]
    """The planner's recommendation just before this review (None: no recommendation)."""
    until_session: int | None
    """The next review's session (exclusive end of 'after'); None when it is the last."""
    assigned_after: int
    """Assignments given from this review's session until the next review."""
    completed_after: int
    partial_after: int
    missed_after: int
    pending_after: int
    resolved_after: int
    completion_rate_after: float | None
    """Mean score of the resolved assignments after this review (None: none resolved)."""
    recorded_by: str | None = None
    """The clinician who recorded the review; None when unknown (stored before hw recorded it)."""


@attrs.frozen(repr=False, eq=False)
class ClinicalRecordInfo(Value):
    """A client's measures, open and acknowledged risk alerts, and consents."""

    client: str
    measures: tuple[MeasureSeries, ...]
    alerts: tuple[RiskAlert, ...]
    consents: tuple[ConsentRecord, ...]
