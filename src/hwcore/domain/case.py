"""The client's case: one event-sourced aggregate per client.

Every fact about a client's homework is an event of the ``Case`` aggregate
(see docs/adr/0001-one-aggregate-per-client-case.md). Commands are public
methods that check their guards and then trigger exactly one event; the
event's ``apply`` evolves the state. ``apply`` methods never validate and never
read the clock, so replaying old events always works.

Event classes are nested in ``Case`` and their topics
(``hwcore.domain.case:Case.HomeworkAssigned``...) are stored: never rename or
move them without registering the old topic.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import attrs
from eventsourcing.domain import Aggregate
from eventsourcing.domain import Snapshot as _BaseSnapshot

from hwcore.domain.clinical import ClinicalRecord, init_clinical_state
from hwcore.domain.corrections import apply_correction, check_outcome_fields, normalize_changes
from hwcore.domain.errors import (
    AlreadyResolvedError,
    AssignmentNotFoundError,
    InvalidValueError,
    SessionOrderError,
)
from hwcore.domain.guards import (
    case_id_for,
    check_date_order,
    check_dose,
    check_label,
    check_outcome_session,
    check_session_number,
    check_spec,
    check_text,
)
from hwcore.domain.replay import fold
from hwcore.domain.snapshot import pack_state, unpack_maps
from hwcore.domain.values import (
    Assignment,
    AssignmentSpec,
    ChangeRecord,
    Correction,
    FollowupProtocol,
    FramingApproach,
    Resolution,
    Review,
    SessionRecord,
    SystemChoice,
    upcast_reflection,
)
from hwcore.domain.vocabulary import ChangeKind, MissReason, Outcome, ReviewTrigger


class Case(Aggregate, ClinicalRecord):
    """A client's homework case: sessions, assignments, outcomes and reviews."""

    class Event(Aggregate.Event):
        """The base of the case's events: subclassing it, no event is defined twice at
        import (eventsourcing redefines the others; ``cli_write``, docs/performance.md)."""

    class Registered(Aggregate.Created, Event):
        """A client was registered."""

        client: str

    class SessionHeld(Event):
        """A session with the client was held."""

        number: int
        held_on: dt.date
        inferred: bool
        """True when the date was not given but inferred (e.g. by an import)."""

        def apply(self, aggregate: Any) -> None:
            case = cast("Case", aggregate)
            case.sessions[self.number] = SessionRecord(self.number, self.held_on, self.inferred)

    class SessionDateCorrected(Event):
        """A session's recorded date was wrong: the right date and the reason."""

        number: int
        held_on: dt.date
        reason: str

        def apply(self, aggregate: Any) -> None:
            case = cast("Case", aggregate)
            case.sessions[self.number] = SessionRecord(self.number, self.held_on, False)
            for ident, a in case.assignments.items():
                if a.session == self.number:
                    case.assignments[ident] = attrs.evolve(a, assigned_on=self.held_on)

    class HomeworkAssigned(Event):
        """Homework was assigned at a session."""

        assignment_id: int
        session: int
        spec: AssignmentSpec
        assigned_on: dt.date

        def apply(self, aggregate: Any) -> None:
            case = cast("Case", aggregate)
            case.assignments[self.assignment_id] = Assignment(
                id=self.assignment_id,
                session=self.session,
                spec=self.spec,
                assigned_on=self.assigned_on,
            )

    class HomeworkCompleted(Event):
        """Homework was done, fully or partially; the experience, insights, modification."""

        class_version = 2
        upcast_v1_v2 = staticmethod(upcast_reflection)
        assignment_id: int
        session: int
        partial: bool
        done: int | None
        planned: int | None
        experience: str
        insights: str = ""
        modification: str = ""

        def apply(self, aggregate: Any) -> None:
            case = cast("Case", aggregate)
            resolution = Resolution(
                outcome=Outcome.PARTIAL if self.partial else Outcome.COMPLETED,
                session=self.session,
                done=self.done,
                planned=self.planned,
                experience=self.experience,
                insights=self.insights,
                modification=self.modification,
            )
            case._resolve(self.assignment_id, resolution)

    class HomeworkMissed(Event):
        """Homework was not done; the explanation, reasons, insights and modification."""

        class_version = 2
        upcast_v1_v2 = staticmethod(upcast_reflection)
        assignment_id: int
        session: int
        explanation: str
        reasons: list[MissReason]
        insights: str = ""
        modification: str = ""

        def apply(self, aggregate: Any) -> None:
            case = cast("Case", aggregate)
            resolution = Resolution(
                outcome=Outcome.MISSED,
                session=self.session,
                explanation=self.explanation,
                reasons=tuple(self.reasons),
                insights=self.insights,
                modification=self.modification,
            )
            case._resolve(self.assignment_id, resolution)

    class FramingChanged(Event):
        """The client-level framing approach changed, with the reason."""

        session: int
        label: str
        wording: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            case = cast("Case", aggregate)
            case.framing = FramingApproach(self.label, self.wording, self.reason, self.session)
            case.framing_history.append(case.framing)

    class ChangeNoted(Event):
        """A life or relationship change was noted (may prompt an early review)."""

        session: int
        kind: ChangeKind
        note: str

        def apply(self, aggregate: Any) -> None:
            case = cast("Case", aggregate)
            case.changes.append(
                ChangeRecord(self.kind, self.note, self.session, self.originator_version)
            )

    class SystemReviewed(Event):
        """The therapist reviewed and chose the client's between-session system."""

        session: int
        system: SystemChoice
        followup: FollowupProtocol
        next_review_session: int
        trigger: ReviewTrigger
        notes: str

        def apply(self, aggregate: Any) -> None:
            case = cast("Case", aggregate)
            case.reviews.append(
                Review(
                    session=self.session,
                    system=self.system,
                    followup=self.followup,
                    next_review_session=self.next_review_session,
                    trigger=self.trigger,
                    notes=self.notes,
                    position=self.originator_version,
                )
            )

    class EntryCorrected(Event):
        """An earlier entry was wrong; the new values and the reason.

        ``changes`` maps field names (see ``CORRECTABLE_FIELDS``) to plain
        JSON values (strings, ints, lists of strings, or null).
        """

        assignment_id: int
        session: int
        changes: dict[str, Any]
        reason: str

        def apply(self, aggregate: Any) -> None:
            case = cast("Case", aggregate)
            current = case.assignments.get(self.assignment_id)
            if current is None:
                # Only in an as-of replay that stops before the assignment
                # (corrections are refused before their assignment's session).
                return
            case.assignments[self.assignment_id] = apply_correction(
                current, self.changes, self.session
            )
            case.corrections.append(
                Correction(
                    self.assignment_id,
                    self.session,
                    dict(self.changes),
                    self.reason,
                    self.originator_version,
                )
            )

    class Snapshot(_BaseSnapshot):
        """A snapshot of a case; its wire format is :mod:`hwcore.domain.snapshot`."""

        @classmethod
        def take(cls, aggregate: Any) -> Case.Snapshot:
            """Snapshot the case's state (packed: see :mod:`hwcore.domain.snapshot`)."""
            snapshot = super().take(aggregate)
            return dataclasses.replace(snapshot, state=pack_state(snapshot.state))

        def mutate(self, _: None) -> Any:
            """Rebuild the case from the snapshot."""
            case = cast("Case", super().mutate(None))
            case.sessions, case.assignments = unpack_maps(case.sessions, case.assignments)
            init_clinical_state(case)
            return case

    @staticmethod
    def create_id(client: str) -> uuid.UUID:
        """Case ids are derived from the client identifier (one case per client)."""
        return case_id_for(client)

    def __init__(self, client: str) -> None:
        self.client = client
        self.sessions: dict[int, SessionRecord] = {}
        self.assignments: dict[int, Assignment] = {}
        self.framing: FramingApproach | None = None
        self.framing_history: list[FramingApproach] = []
        self.changes: list[ChangeRecord] = []
        self.reviews: list[Review] = []
        self.corrections: list[Correction] = []
        init_clinical_state(self)

    def clone(self) -> Case:
        """An independent copy of the case, as a load from the store would give.

        Every value a case holds is immutable (frozen attrs values, dates,
        strings) and events only add or replace entries of its dicts and lists,
        so copying those containers is enough.
        """
        copy = object.__new__(type(self))
        state = self.__dict__.copy()
        for key, value in state.items():
            if type(value) is dict or type(value) is list:
                state[key] = value.copy()
        copy.__dict__.update(state)
        return copy

    # ----------------------------------------------------------------- queries

    @property
    def current_session(self) -> int | None:
        """The highest session number held, or None before the first session."""
        return max(self.sessions) if self.sessions else None

    def session_date(self, number: int) -> dt.date | None:
        """The date a session was held, if it was recorded."""
        record = self.sessions.get(number)
        return record.held_on if record else None

    def get_assignment(self, assignment_id: int) -> Assignment:
        """The assignment with that id, or ``AssignmentNotFoundError``."""
        try:
            return self.assignments[assignment_id]
        except KeyError:
            raise AssignmentNotFoundError(self.client, assignment_id) from None

    def pending(self) -> list[Assignment]:
        """Assignments still waiting for an outcome, oldest first."""
        return [a for a in self.assignments.values() if not a.is_resolved]

    @property
    def next_assignment_id(self) -> int:
        """The id the next assignment will get (ids count up from 1)."""
        return max(self.assignments, default=0) + 1

    # ---------------------------------------------------------------- commands

    def hold_session(self, number: int, held_on: dt.date, *, inferred: bool = False) -> bool:
        """Record a session; returns False when it was already recorded that day.

        A session whose date was only inferred may be recorded again with its
        real date; otherwise a session's date never changes.

        Raises:
            InvalidValueError: the number is below 1.
            SessionOrderError: the session is already recorded on another date.
        """
        check_session_number(number)
        existing = self.sessions.get(number)
        if existing is not None:
            if existing.held_on == held_on or inferred:
                return False
            if existing.inferred:
                self._check_date_order(number, held_on)
                self.trigger_event(self.SessionHeld, number=number, held_on=held_on, inferred=False)
                return True
            msg = f"session {number} is already recorded on {existing.held_on}, not {held_on}"
            raise SessionOrderError(msg)
        if not inferred:
            self._check_date_order(number, held_on)
        self.trigger_event(self.SessionHeld, number=number, held_on=held_on, inferred=inferred)
        return True

    def correct_session_date(self, number: int, held_on: dt.date, reason: str) -> None:
        """Correct a held session's date (a new event, never an edit), saying why.

        Raises:
            InvalidValueError: the session is not held, the date is the one
                recorded, or the reason is empty.
            SessionOrderError: the date would put the session out of order.
        """
        self._check_session_held(number)
        if self.sessions[number].held_on == held_on:
            raise InvalidValueError(
                "date",
                held_on.isoformat(),
                f"a date other than the recorded one for session {number}",
            )
        if not reason.strip():
            raise InvalidValueError("reason", reason, "a non-empty reason for the correction")
        check_text("reason", reason)
        self._check_date_order(number, held_on)
        self.trigger_event(self.SessionDateCorrected, number=number, held_on=held_on, reason=reason)

    def assign(self, session: int, spec: AssignmentSpec) -> int:
        """Assign homework at a held session; returns the new assignment id.

        The title, framing label and task are stored without surrounding spaces.
        """
        self._check_session_held(session)
        spec = spec.trimmed()
        check_spec(spec)
        assignment_id = self.next_assignment_id
        self.trigger_event(
            self.HomeworkAssigned,
            assignment_id=assignment_id,
            session=session,
            spec=spec,
            assigned_on=self.sessions[session].held_on,
        )
        return assignment_id

    def complete(
        self,
        assignment_id: int,
        session: int,
        *,
        partial: bool = False,
        done: int | None = None,
        planned: int | None = None,
        experience: str = "",
        insights: str = "",
        modification: str = "",
    ) -> None:
        """Record that an assignment was done (``partial`` with doses where known).

        ``insights``: clinical insights gained; ``modification``: for the next assignment.
        """
        assignment = self._check_resolvable(assignment_id, session)
        doses_given = done is not None or planned is not None
        if not partial and doses_given and (done is None or planned is None or done != planned):
            raise InvalidValueError(
                "outcome",
                "completed",
                "'partial' when fewer doses than planned were done",
            )
        if partial and planned is None and done is not None:
            planned = assignment.spec.planned_doses
        check_dose(done, planned, partial=partial)
        for name, text in (("experience", experience), ("insights", insights)):
            check_text(name, text)
        check_text("modification", modification)
        self.trigger_event(
            self.HomeworkCompleted,
            assignment_id=assignment_id,
            session=session,
            partial=partial,
            done=done,
            planned=planned,
            experience=experience,
            insights=insights,
            modification=modification,
        )

    def miss(
        self,
        assignment_id: int,
        session: int,
        *,
        explanation: str = "",
        reasons: Sequence[MissReason] = (),
        insights: str = "",
        modification: str = "",
    ) -> None:
        """Record that an assignment was missed, with the client's explanation."""
        self._check_resolvable(assignment_id, session)
        for name, text in (("explanation", explanation), ("insights", insights)):
            check_text(name, text)
        check_text("modification", modification)
        unique: list[MissReason] = []
        for reason in reasons:
            if reason not in unique:
                unique.append(reason)
        self.trigger_event(
            self.HomeworkMissed,
            assignment_id=assignment_id,
            session=session,
            explanation=explanation,
            reasons=unique,
            insights=insights,
            modification=modification,
        )

    def change_framing(self, session: int, label: str, wording: str, reason: str) -> None:
        """Change the client-level framing approach."""
        self._check_session_held(session)
        check_label(label)
        for name, value in (("wording", wording), ("reason", reason)):
            check_text(name, value)
        self.trigger_event(
            self.FramingChanged,
            session=session,
            label=label.strip(),
            wording=wording,
            reason=reason,
        )

    def note_change(self, session: int, kind: ChangeKind, note: str) -> None:
        """Note a life or relationship change."""
        self._check_session_held(session)
        if not note.strip():
            raise InvalidValueError("note", note, "a short description of what changed")
        check_text("note", note)
        self.trigger_event(self.ChangeNoted, session=session, kind=kind, note=note)

    def review(
        self,
        session: int,
        system: SystemChoice,
        followup: FollowupProtocol,
        next_review_session: int,
        trigger: ReviewTrigger,
        notes: str,
    ) -> None:
        """Record a review of the client's system."""
        self._check_session_held(session)
        if next_review_session <= session:
            raise InvalidValueError(
                "next review session", next_review_session, f"a session after {session}"
            )
        if self.reviews and session < self.reviews[-1].session:
            msg = (
                f"review at session {session} is before the last review "
                f"(session {self.reviews[-1].session})"
            )
            raise SessionOrderError(msg)
        check_session_number(next_review_session, "next review session")
        if system.framing is not None:
            check_label(system.framing)
        check_text("notes", notes)
        check_text("framing wording", system.framing_wording)
        for field in attrs.fields(FollowupProtocol):
            check_text(field.name.replace("_", " "), getattr(followup, field.name))
        self.trigger_event(
            self.SystemReviewed,
            session=session,
            system=system,
            followup=followup,
            next_review_session=next_review_session,
            trigger=trigger,
            notes=notes,
        )

    def correct(
        self, assignment_id: int, session: int, changes: Mapping[str, Any], reason: str
    ) -> None:
        """Correct an earlier entry of an assignment (a new event, never an edit)."""
        self._check_session_held(session)
        current = self.get_assignment(assignment_id)
        if session < current.session:
            msg = (
                f"correction session {session} is before assignment #{assignment_id}'s"
                f" session {current.session}"
            )
            raise SessionOrderError(msg)
        if not changes:
            raise InvalidValueError("correction", "nothing", "at least one field to change")
        if not reason.strip():
            raise InvalidValueError("reason", reason, "a non-empty reason for the correction")
        check_text("reason", reason)
        plain = normalize_changes(changes)
        check_outcome_fields(assignment_id, current.outcome, plain)
        # Validate by applying to a copy: the event is only triggered when valid.
        corrected = apply_correction(current, plain, session)
        check_spec(corrected.spec)
        if corrected.resolution is not None:
            r = corrected.resolution
            if r.outcome is Outcome.PARTIAL:
                check_dose(r.done, r.planned)
            if r.session < corrected.session:
                msg = (
                    f"outcome session {r.session} is before assignment session {corrected.session}"
                )
                raise SessionOrderError(msg)
            if current.resolution is None:  # an outcome recorded by this correction
                check_outcome_session(corrected, r.session)
        self.trigger_event(
            self.EntryCorrected,
            assignment_id=assignment_id,
            session=session,
            changes=plain,
            reason=reason,
        )

    # ----------------------------------------------------------------- helpers

    def _check_date_order(self, number: int, held_on: dt.date) -> None:
        check_date_order(self.sessions.values(), number, held_on)

    def _check_session_held(self, session: int) -> None:
        if session not in self.sessions:
            held = ", ".join(str(n) for n in sorted(self.sessions)) or "none yet"
            raise InvalidValueError("session", session, f"a held session ({held})")

    def _check_resolvable(self, assignment_id: int, session: int) -> Assignment:
        assignment = self.get_assignment(assignment_id)
        if assignment.resolution is not None:
            raise AlreadyResolvedError(assignment_id, assignment.outcome.value)
        self._check_session_held(session)
        check_outcome_session(assignment, session)
        return assignment

    def _resolve(self, assignment_id: int, resolution: Resolution) -> None:
        current = self.assignments[assignment_id]
        self.assignments[assignment_id] = attrs.evolve(current, resolution=resolution)

    # ------------------------------------------------------------------ replay

    @classmethod
    def replay(cls, events: Iterable[Aggregate.Event], *, until_session: int | None = None) -> Case:
        """Fold stored events into a case, optionally only those up to a session.

        This is the "as of" projection: events that carry a session number
        later than ``until_session`` are left out; registration always counts.
        """
        return cast("Case", fold(events, until_session=until_session))
