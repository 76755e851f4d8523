"""The rest of a session's record, written with its wrap-up in one transaction (r2).

A wrap-up (:meth:`HwApplication.wrap_up`) can carry, besides the outcomes and
the next assignment, everything else that happens in a session: corrections of
earlier entries, a life, relationship or other change, a framing change,
outcome measures, consents and the review of the client's system. Each is a
typed input here, checked by the same domain guards as its own command
(``hw correct``, ``hw change``, ``hw framing``, ``hw measure``, ``hw consent``,
``hw review``), and all of them are saved together with the outcomes and the
assignment, or none is.

The order within the write is the clinical one: corrections of earlier
entries, then what was noted (changes, framing, measures, consents), then the
outcomes, then the review (of the planner once the outcomes are in), then the
next assignment (designed against the reviewed system).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from hwcore.application.commands import ReviewChoice, resolve_assignment_id
from hwcore.application.dto import EntriesResult, MeasureResult, NotedChange, ReviewResult
from hwcore.domain import Case, ChangeKind
from hwcore.domain.measures import Instrument
from hwcore.planner import Planner, build_planner
from hwcore.valueclass import Value


def _kind(value: ChangeKind | str) -> ChangeKind:
    return value if isinstance(value, ChangeKind) else ChangeKind.parse(value)


def _days(value: Sequence[str] | str) -> tuple[str, ...]:
    days = value.split(",") if isinstance(value, str) else list(value)
    return tuple(d.strip() for d in days if d.strip())


def _ints(value: Sequence[int]) -> tuple[int, ...]:
    return tuple(value)


def _changes(value: Mapping[str, Any]) -> dict[str, Any]:
    return dict(value)


def _corrections(value: Sequence[CorrectionEntry]) -> tuple[CorrectionEntry, ...]:
    return tuple(value)


def _change_entries(value: Sequence[ChangeEntry]) -> tuple[ChangeEntry, ...]:
    return tuple(value)


def _measures(value: Sequence[MeasureEntry]) -> tuple[MeasureEntry, ...]:
    return tuple(value)


def _consents(value: Sequence[ConsentEntry]) -> tuple[ConsentEntry, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True, repr=False, eq=False)
class ChangeEntry(Value):
    """A life, relationship or other change noted in the session (as ``hw change``)."""

    kind: ChangeKind = attrs.field(converter=_kind)
    """``life``, ``relationship`` or ``other``."""
    note: str
    """What changed, in a few words."""


@attrs.frozen(kw_only=True, repr=False, eq=False)
class FramingEntry(Value):
    """A change of the client-level framing approach (as ``hw framing``)."""

    label: str
    """The new approach, e.g. ``curiosity``."""
    wording: str = ""
    """The language and positioning this client responds to."""
    reason: str = ""
    """Why the framing changes."""


@attrs.frozen(kw_only=True, repr=False, eq=False)
class MeasureEntry(Value):
    """An outcome measure taken in the session (as ``hw measure``)."""

    instrument: str
    """``phq9``, ``gad7`` or one of the practice's own measures."""
    items: tuple[int, ...] = attrs.field(default=(), converter=_ints)
    """The item scores, in the instrument's order (PHQ-9: 9, GAD-7: 7)."""
    score: int | None = None
    """The one score of a practice measure."""


@attrs.frozen(kw_only=True, repr=False, eq=False)
class ConsentEntry(Value):
    """A consent for reminders or a digital channel (as ``hw consent``)."""

    channel: str
    """sms, email, phone, app, messaging, calendar, paper or other."""
    boundaries: str
    """What was agreed, e.g. "not for crisis support"."""
    privacy_risk: str
    """The privacy risk the client accepted."""
    days: tuple[str, ...] = attrs.field(default=(), converter=_days)
    """The agreed days (mon..sun), as a sequence or "tue,thu"."""
    note: str = ""


@attrs.frozen(kw_only=True, repr=False, eq=False)
class CorrectionEntry(Value):
    """A correction of an earlier entry of an assignment (as ``hw correct``)."""

    assignment_id: int | str
    """The assignment's number (or '#3', 'latest')."""
    changes: dict[str, Any] = attrs.field(converter=_changes, hash=False)
    """field -> new value (see :data:`hwcore.application.CORRECTABLE_FIELDS`)."""
    reason: str
    """Why the earlier entry was wrong."""


@attrs.frozen(kw_only=True, repr=False, eq=False)
class SessionEntries(Value):
    """Everything else a wrap-up records, besides the outcomes and the next assignment."""

    corrections: tuple[CorrectionEntry, ...] = attrs.field(default=(), converter=_corrections)
    changes: tuple[ChangeEntry, ...] = attrs.field(default=(), converter=_change_entries)
    framing: FramingEntry | None = None
    measures: tuple[MeasureEntry, ...] = attrs.field(default=(), converter=_measures)
    consents: tuple[ConsentEntry, ...] = attrs.field(default=(), converter=_consents)
    review: ReviewChoice | None = None
    """The review of the system, made after the outcomes and before the next assignment."""

    def __bool__(self) -> bool:
        """True when there is anything to record."""
        return bool(
            self.corrections
            or self.changes
            or self.framing is not None
            or self.measures
            or self.consents
            or self.review is not None
        )


def take_measure_on(
    case: Case,
    number: int,
    definition: Instrument,
    *,
    items: Sequence[int] = (),
    score: int | None = None,
) -> MeasureResult:
    """Record one measurement on a case at session ``number``; what it recorded."""
    total = case.take_measure(number, definition, items=items, score=score)
    [series] = [s for s in case.measure_series() if s.instrument == definition.key]
    raised = [a for a in case.alerts() if a.session == number and not a.acknowledged]
    return MeasureResult(
        client=case.client,
        session=number,
        instrument=definition.key,
        total=total,
        severity=definition.severity(total),
        series=series,
        alert=raised[-1] if raised else None,
    )


def review_on(case: Case, number: int, choice: ReviewChoice) -> ReviewResult:
    """Review a case's system at session ``number`` (of the planner as it is now)."""
    planner: Planner = build_planner(case)
    system = choice.system(planner)
    trigger = choice.review_trigger(planner)
    next_review = choice.next_review(number)
    case.review(number, system, choice.followup(), next_review, trigger, choice.notes)
    return ReviewResult(
        client=case.client,
        session=number,
        format=system.format.value if system.format else None,
        size=system.size.value if system.size else None,
        frequency=system.frequency.value if system.frequency else None,
        framing=system.framing,
        next_review_session=next_review,
        trigger=trigger.value,
    )


def note_entries(
    case: Case, number: int, entries: SessionEntries, instrument: Callable[[str], Instrument]
) -> EntriesResult:
    """Record the corrections and what was noted (all but the review) at session ``number``.

    Args:
        case: the client's case (changed in place; the caller saves it).
        number: the wrap-up's session, already held.
        entries: what to record.
        instrument: the measure catalogue's look-up (a name to its definition).
    """
    corrected = []
    for fix in entries.corrections:
        ident = resolve_assignment_id(case, fix.assignment_id, pending_only=False)
        case.correct(ident, number, fix.changes, fix.reason)
        corrected.append(ident)
    noted = []
    for change in entries.changes:
        case.note_change(number, change.kind, change.note)
        noted.append(NotedChange(number, change.kind.value, None, change.note))
    framing = entries.framing
    if framing is not None:
        case.change_framing(number, framing.label, framing.wording, framing.reason)
        noted.append(NotedChange(number, "framing", framing.label.strip(), framing.reason))
    measures = tuple(
        take_measure_on(case, number, instrument(m.instrument), items=m.items, score=m.score)
        for m in entries.measures
    )
    consents = []
    for consent in entries.consents:
        case.record_consent(
            number,
            consent.channel,
            boundaries=consent.boundaries,
            privacy_risk=consent.privacy_risk,
            days=consent.days,
            note=consent.note,
        )
        consents.append(case.consents[-1])
    return EntriesResult(tuple(corrected), tuple(noted), measures, tuple(consents))


__all__ = [
    "ChangeEntry",
    "ConsentEntry",
    "CorrectionEntry",
    "FramingEntry",
    "MeasureEntry",
    "SessionEntries",
    "note_entries",
    "review_on",
    "take_measure_on",
]
