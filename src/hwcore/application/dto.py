"""Plain data returned by the application: frontends never see aggregates."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from hwcore.lazy import lazy_attributes

# CaseloadEntry lives in the light caseload module (the quick path uses it); re-exported.
from hwcore.readmodel.caseload import CaseloadEntry as CaseloadEntry
from hwcore.valueclass import Value

if TYPE_CHECKING:  # annotations only: a recording command imports no more (cli_write)
    from hwcore.domain.clinical import ConsentRecord
    from hwcore.domain.measures import MeasureSeries, RiskAlert
    from hwcore.planner import Fit, Planner


@attrs.frozen(repr=False, eq=False)
class ClientInfo(Value):
    """One client in the caseload."""

    client: str
    sessions: int
    last_session: int | None
    last_session_date: str | None
    assignments: int
    pending: int


@attrs.frozen(repr=False, eq=False)
class SessionInfo(Value):
    """A session as recorded (``created`` is False when it was already there)."""

    client: str
    number: int
    date: str
    created: bool


@attrs.frozen(repr=False, eq=False)
class AssignmentInfo(Value):
    """One assignment with its current outcome."""

    client: str
    assignment_id: int
    session: int
    date: str
    title: str
    task: str
    format: str
    size: str
    frequency: str
    framing: str
    framing_wording: str
    rationale: str
    method: str
    barriers: str
    followup_plan: str
    when_where: str
    started_in_session: bool
    confidence: int | None
    planned_doses: int | None
    notes: str
    client_why: str
    days: tuple[str, ...]
    """Agreed days, Monday first ('mon' ... 'sun'); empty when none were agreed."""
    time: str
    """Agreed time 'HH:MM', or ''."""
    understanding: str
    """The client's understanding and agreement (seed 003's assignment note)."""
    accommodations: str
    """Accommodations made (large print, a Spanish handout, family participation...)."""
    outcome: str
    resolved_session: int | None
    done: int | None
    planned: int | None
    experience: str
    explanation: str
    reasons: tuple[str, ...]
    insights: str = ""
    """The clinical insights gained when it was reviewed ('' when none were recorded)."""
    modification: str = ""
    """The modification planned for the next assignment ('' when none was recorded)."""


@attrs.frozen(repr=False, eq=False)
class AssignResult(Value):
    """The assignment recorded and how it fits the client's history."""

    assignment: AssignmentInfo
    fit: Fit


@attrs.frozen(repr=False, eq=False)
class OutcomeResult(Value):
    """An outcome recorded for an assignment."""

    client: str
    assignment_id: int
    outcome: str
    session: int


@attrs.frozen(repr=False, eq=False)
class ReviewResult(Value):
    """A review recorded: the system chosen and the next review."""

    client: str
    session: int
    format: str | None
    size: str | None
    frequency: str | None
    framing: str | None
    next_review_session: int
    trigger: str


@attrs.frozen(repr=False, eq=False)
class WrapUpResult(Value):
    """A session's wrap-up: the outcomes, the next assignment, the planner after them."""

    client: str
    session: int
    date: str
    outcomes: tuple[OutcomeResult, ...]
    assignment: AssignResult | None
    planner: Planner
    """The planner once this wrap-up's outcomes are in (before the new assignment)."""
    written: bool
    """False for a dry run (nothing was saved)."""
    entries: EntriesResult | None = None
    """The rest of the session's record written with it (corrections, changes, framing,
    measures, consents, the review), when the wrap-up carried any."""


@attrs.frozen(repr=False, eq=False)
class NotedChange(Value):
    """Something recorded between two reviews that explains a change."""

    session: int
    kind: str
    """'life', 'relationship', 'other', 'framing', 'correction', 'insights' or 'modification'."""
    label: str | None
    """The new framing label, or '#N' for a corrected or reviewed assignment; else None."""
    text: str
    """The note, the reason given for the framing change or correction, or the insights
    gained or the modification planned at an outcome."""


@attrs.frozen(repr=False, eq=False)
class MeasureResult(Value):
    """A measurement just recorded, with its instrument's series after it."""

    client: str
    session: int
    instrument: str
    total: int
    severity: str | None
    series: MeasureSeries
    alert: RiskAlert | None
    """The risk alert this measurement raised (PHQ-9 item 9 above 0), if any."""


@attrs.frozen(repr=False, eq=False)
class EntriesResult(Value):
    """What a wrap-up recorded besides the outcomes and the assignment (r2)."""

    corrected: tuple[int, ...] = ()
    """The assignments corrected, in order."""
    noted: tuple[NotedChange, ...] = ()
    """The changes noted, the framing change last (kind 'framing')."""
    measures: tuple[MeasureResult, ...] = ()
    consents: tuple[ConsentRecord, ...] = ()
    review: ReviewResult | None = None


# The results of reads and imports live in hwcore.application.records; imported on first use.
_RECORDS = (
    "HistoryEntry",
    "ImportReport",
    "FieldChange",
    "AuditEntry",
    "ClinicalRecordInfo",
)
__getattr__ = lazy_attributes(__name__, dict.fromkeys(_RECORDS, "hwcore.application.records"))

__all__ = [
    "AssignResult",
    "AssignmentInfo",
    "CaseloadEntry",
    "ClientInfo",
    "EntriesResult",
    "MeasureResult",
    "NotedChange",
    "OutcomeResult",
    "ReviewResult",
    "SessionInfo",
    "WrapUpResult",
    *_RECORDS,
]


def __dir__() -> list[str]:
    """Every name of the module, the lazily imported ones included."""
    return sorted({*globals(), *_RECORDS})
