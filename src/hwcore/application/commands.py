"""The typed inputs of the application's commands (what a frontend or an importer builds).

An assignment's design is the domain's :class:`~hwcore.domain.AssignmentSpec`
(the value its event stores); an outcome is an :class:`OutcomeEntry`; a review
is a :class:`ReviewChoice`. Each accepts plain strings for its vocabulary
fields and is checked by the same domain guards, whoever builds it: the CLI,
the TUI, an embedder or an import.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing

import attrs

from hwcore.application.dto import OutcomeResult
from hwcore.domain import (
    AlreadyResolvedError,
    AssignmentSpec,
    Case,
    FollowupProtocol,
    Format,
    Frequency,
    InvalidValueError,
    MissReason,
    Outcome,
    ReviewTrigger,
    Size,
    SystemChoice,
    VocabularyError,
)
from hwcore.domain.values import parse_reasons
from hwcore.planner import REVIEW_INTERVAL, Planner
from hwcore.valueclass import Value


@attrs.frozen(repr=False, eq=False)
class DesignField(Value):
    """One field of an assignment's design, as a frontend offers it."""

    name: str
    help: str
    """One line, without a final full stop."""
    required: bool
    kind: type
    """``str``, ``int``, ``bool`` or ``tuple`` (the days)."""


@functools.cache
def design_fields() -> tuple[DesignField, ...]:
    """The fields of :class:`~hwcore.domain.AssignmentSpec`, in their order."""
    hints = typing.get_type_hints(AssignmentSpec)
    fields = []
    for field in attrs.fields(AssignmentSpec):
        hint = hints[field.name]
        args = typing.get_args(hint) if isinstance(hint, types.UnionType) else ()
        if hint is bool:
            kind: type = bool
        elif hint is int or int in args:
            kind = int
        elif typing.get_origin(hint) is tuple:
            kind = tuple
        else:
            kind = str
        fields.append(
            DesignField(
                name=field.name,
                help=str(field.metadata["help"]),
                required=field.default is attrs.NOTHING,
                kind=kind,
            )
        )
    return tuple(fields)


def _outcome(value: Outcome | str) -> Outcome:
    outcome = value if type(value) is Outcome else Outcome.parse(value)
    if outcome is Outcome.PENDING:
        raise InvalidValueError("outcome", "pending", "completed, partial or missed")
    return outcome


def _assignment_ref(value: int | str) -> int | str:
    return value if isinstance(value, int) else str(value).strip()


@attrs.frozen(kw_only=True, repr=False, eq=False)
class OutcomeEntry(Value):
    """An outcome to record for one pending assignment (e.g. in a wrap-up).

    ``done``/``planned`` apply to a partial (``planned`` defaults to the
    assignment's planned doses), ``experience`` to a completed or partial one,
    ``explanation`` and ``reasons`` to a miss; ``insights`` and
    ``modification`` to any (seed 003's next-session checklist).
    """

    assignment_id: int | str = attrs.field(default="latest", converter=_assignment_ref)
    """The assignment's number, or 'latest' (the newest one, which must be pending)."""
    outcome: Outcome = attrs.field(converter=_outcome)
    """completed, partial or missed."""
    done: int | None = None
    planned: int | None = None
    experience: str = ""
    explanation: str = ""
    reasons: tuple[MissReason, ...] = attrs.field(default=(), converter=parse_reasons)
    """Miss reasons: their names (a sequence, or one string separated by ';' or ',')."""
    insights: str = ""
    """The clinical insights gained from it (revision 2)."""
    modification: str = ""
    """The modification planned for the next assignment (revision 2)."""


def _opt_format(value: Format | str | None) -> Format | None:
    return None if value is None or value == "" else Format.parse(value)


def _opt_size(value: Size | str | None) -> Size | None:
    return None if value is None or value == "" else Size.parse(value)


def _opt_frequency(value: Frequency | str | None) -> Frequency | None:
    return None if value is None or value == "" else Frequency.parse(value)


def _opt_trigger(value: ReviewTrigger | str | None) -> ReviewTrigger | None:
    return None if value is None or value == "" else ReviewTrigger.parse(value)


def _opt_label(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise InvalidValueError("framing", value, "a non-empty label")
    return value.strip() if value is not None else None


@attrs.frozen(kw_only=True, repr=False, eq=False)
class ReviewChoice(Value):
    """A review of a client's system: what the therapist chose, and the follow-up wording.

    With ``accept`` the review starts from the planner's recommendation (values
    it cannot recommend stay open) and any value given here overrides it.
    Vocabulary values may be given as strings (``size="tiny"``).
    """

    accept: bool = True
    format: Format | None = attrs.field(default=None, converter=_opt_format)
    size: Size | None = attrs.field(default=None, converter=_opt_size)
    frequency: Frequency | None = attrs.field(default=None, converter=_opt_frequency)
    framing: str | None = attrs.field(default=None, converter=_opt_label)
    framing_wording: str = ""
    """The language and positioning this client responds to."""
    completed_opening: str = ""
    completed_listen_for: str = ""
    missed_opening: str = ""
    missed_diagnostic: str = ""
    next_review_session: int | None = None
    """Defaults to the review's session + 8."""
    trigger: ReviewTrigger | None = attrs.field(default=None, converter=_opt_trigger)
    """Defaults to the first active trigger, else cadence."""
    notes: str = ""

    def system(self, planner: Planner) -> SystemChoice:
        """The system chosen: the values given, else (with ``accept``) the planner's."""
        rec = planner.system
        accept = self.accept
        return SystemChoice(
            format=self.format
            or (Format(rec.format.value) if accept and rec.format.value else None),
            size=self.size or (Size(rec.size.value) if accept and rec.size.value else None),
            frequency=self.frequency
            or (Frequency(rec.frequency.value) if accept and rec.frequency.value else None),
            framing=self.framing or (rec.framing.value if accept else None),
            framing_wording=self.framing_wording,
        )

    def followup(self) -> FollowupProtocol:
        """The follow-up protocol's wording (empty keeps the planner's default)."""
        return FollowupProtocol(
            self.completed_opening,
            self.completed_listen_for,
            self.missed_opening,
            self.missed_diagnostic,
        )

    def review_trigger(self, planner: Planner) -> ReviewTrigger:
        """The trigger given, else the planner's first active one, else cadence."""
        if self.trigger is not None:
            return self.trigger
        triggers = planner.review.triggers
        return ReviewTrigger.parse(triggers[0]) if triggers else ReviewTrigger.CADENCE

    def next_review(self, session: int) -> int:
        """The next review's session: as given (checked by the domain), else session + 8."""
        if self.next_review_session is None:
            return session + REVIEW_INTERVAL
        return self.next_review_session


DateLike = dt.date | str | None


def parse_date(value: DateLike, field: str = "date") -> dt.date | None:
    """A date from a ``date`` or an ISO 'YYYY-MM-DD' string (None passes)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise VocabularyError(field, str(value), "an ISO date YYYY-MM-DD") from None


MAX_AHEAD = dt.timedelta(days=366)
"""How far ahead of today a session may be dated (further is a typo: 9999-12-31)."""


def session_date(value: DateLike, today: dt.date, field: str = "date") -> dt.date | None:
    """A session's date, refused when more than a year ahead of ``today`` (None passes)."""
    when = parse_date(value, field)
    if when is not None and when - today > MAX_AHEAD:  # no date arithmetic near 9999
        raise InvalidValueError(
            field, when.isoformat(), f"a date up to a year from today ({today.isoformat()})"
        )
    return when


def _far_ahead(case: Case, number: int) -> InvalidValueError | None:
    """The error for a session number past the next one given without its date."""
    latest = case.current_session or 0
    if number in case.sessions or number <= latest + 1:
        return None
    # Most likely a typo: a session far ahead would be dated today and
    # become the client's latest session. A deliberate one gives its date.
    return InvalidValueError(
        "session",
        number,
        f"a held session or the next one ({latest + 1}); give --date to record"
        f" session {number} itself",
    )


def hold_numbered_session(case: Case, number: int, date: DateLike, today: dt.date) -> bool:
    """Hold session ``number`` (``hw session N``); True when it is new.

    As for ``--session N``, a number past the next one needs its date.
    """
    given = session_date(date, today)
    far = _far_ahead(case, number) if given is None else None
    if far is not None:
        raise far
    return case.hold_session(number, given or today)


def session_for(case: Case, session: int | None, date: DateLike, today: dt.date) -> int:
    """The session a command applies to, holding it if it is new."""
    when = session_date(date, today)
    if session is None:
        current = case.current_session
        if when is not None:
            for record in case.sessions.values():
                if record.held_on == when:
                    return record.number
            number = (current or 0) + 1
            case.hold_session(number, when)
            return number
        if current is None:
            raise InvalidValueError(
                "session", "none", "a session number (--session N): no session held yet"
            )
        return current
    if session < 1:
        raise InvalidValueError("session", session, "a whole number >= 1")
    far = _far_ahead(case, session) if when is None else None
    if far is not None:
        raise far
    if session not in case.sessions or when is not None:
        case.hold_session(session, when or today)
    return session


def outcome_session_for(
    case: Case, assignment_id: int, session: int | None, date: DateLike, today: dt.date
) -> int:
    """The session an outcome is recorded at.

    Homework is reviewed at a later session than it was given: without a
    session or date, an outcome for homework given at the latest session,
    on an earlier day, is recorded at a new session today.
    """
    latest = case.current_session
    if session is None and date is None and latest is not None:
        given_at = case.get_assignment(assignment_id).session
        if given_at == latest and case.sessions[latest].held_on < today:
            return session_for(case, latest + 1, today, today)
    return session_for(case, session, date, today)


def resolve_assignment_id(case: Case, assignment_id: int | str, *, pending_only: bool) -> int:
    """An assignment number from an int, '#3', '3' or 'latest' (the newest assignment).

    With ``pending_only`` (recording an outcome) the newest assignment must
    still be pending: once it has its outcome, 'latest' is refused as naming
    it twice would be, never moved on to an older pending one (a command run
    twice would otherwise record its outcome on other homework).
    """
    text = str(assignment_id).strip().lstrip("#")
    if text.lower() == "latest":
        if not case.assignments:
            raise InvalidValueError(
                "assignment", "latest", f"an existing assignment: {case.client} has none"
            )
        newest = case.assignments[max(case.assignments)]
        if pending_only and newest.resolution is not None:
            raise AlreadyResolvedError(newest.id, newest.outcome.value)
        return newest.id
    try:
        ident = int(text)
    except ValueError:
        raise InvalidValueError(
            "assignment", assignment_id, "an assignment number or 'latest'"
        ) from None
    case.get_assignment(ident)
    return ident


def apply_outcome(case: Case, session: int, entry: OutcomeEntry) -> OutcomeResult:
    """Record one outcome on a case (the domain's guards decide); its result."""
    ident = resolve_assignment_id(case, entry.assignment_id, pending_only=True)
    if entry.outcome is Outcome.MISSED:
        case.miss(
            ident,
            session,
            explanation=entry.explanation,
            reasons=entry.reasons,
            insights=entry.insights,
            modification=entry.modification,
        )
    else:
        case.complete(
            ident,
            session,
            partial=entry.outcome is Outcome.PARTIAL,
            done=entry.done,
            planned=entry.planned,
            experience=entry.experience,
            insights=entry.insights,
            modification=entry.modification,
        )
    return OutcomeResult(case.client, ident, case.assignments[ident].outcome.value, session)


__all__ = [
    "AssignmentSpec",
    "DateLike",
    "DesignField",
    "OutcomeEntry",
    "ReviewChoice",
    "apply_outcome",
    "design_fields",
    "hold_numbered_session",
    "outcome_session_for",
    "parse_date",
    "resolve_assignment_id",
    "session_date",
    "session_for",
]
