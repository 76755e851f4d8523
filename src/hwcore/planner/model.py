"""The planner's value types: what the Between-Session System Planner shows.

Every value is an immutable attrs class; :func:`to_dict` turns any of them into
plain JSON-ready data (enums become their string values) and :func:`from_dict`
turns a planner's document back into the same typed value.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import Any

import attrs

from hwcore.jsondata import FLOAT_DIGITS
from hwcore.valueclass import Value

# The bases of a recommendation (spec section 4, word for word): which rule chose
# the value, or why there is none.
NOT_READY = "not ready"
NOT_ENOUGH_EVIDENCE = "not enough evidence"
NOTHING_WORKED = "nothing tried has worked yet"
HIGHEST_SMOOTHED = "highest smoothed completion rate"
CONSISTENTLY_MANAGED = "consistently managed"
BEST_SO_FAR = "best so far, not yet consistent"
GO_SMALLER = "nothing has worked yet: go smaller"

FIELDS = ("format", "size", "frequency", "framing")
"""The fields of a system, in the order the planner shows them."""

NOT_ENOUGH_TO_SAY = "not enough to say"
"""What an in-common side with fewer than 2 assignments says."""
MISSED_LAST_TWO = "missed the last 2 times"
SIZE_IS_NOT_IT = "size is not what stops this client (look at format, framing and timing)"
"""Added to the size rule's third step when tiny itself rarely gets done."""


@attrs.frozen(repr=False, eq=False)
class Evidence(Value):
    """How one value of a field has fared with this client."""

    value: str
    n: int
    """Resolved assignments with this value."""
    completed: int
    """Fully completed ones."""
    partial: int
    missed: int
    score: float
    """Sum of scores (completed 1, partial done/planned, missed 0)."""
    rate: float
    """Raw completion rate: score / n."""
    smoothed: float
    """Smoothed completion rate: (score + 1) / (n + 2)."""
    last_session: int
    """The most recent session an assignment with this value was given."""
    missed_last_two: bool = False
    """The last two outcomes of this value (in session order) were both misses."""


@attrs.frozen(repr=False, eq=False)
class Recommendation(Value):
    """The recommended value of one field of the system, with its evidence."""

    value: str | None
    reason: str
    """The basis in a sentence, with what else the planner has to say about it."""
    n: int | None = None
    rate: float | None = None
    smoothed: float | None = None
    candidates: tuple[Evidence, ...] = ()
    """Every value tried, best first (for size: largest first)."""
    basis: str = NOT_READY
    """Which rule chose the value, or why there is none (the constants above)."""
    untried: tuple[str, ...] = ()
    """Vocabulary values never tried (format and frequency, when nothing worked)."""
    missed_last_two: bool = False
    """The value's own last two outcomes were both misses."""
    confounded_with: tuple[str, ...] = ()
    """'framing challenge': values the history cannot tell this one apart from."""
    note: str = ""
    """A caveat the rule adds (e.g. that size is not what stops this client)."""


@attrs.frozen(repr=False, eq=False)
class System(Value):
    """The recommended between-session system for this client."""

    format: Recommendation
    size: Recommendation
    frequency: Recommendation
    framing: Recommendation

    def json_data(self, *, digits: int | None = FLOAT_DIGITS) -> dict[str, Any]:
        """JSON shape of the spec: each field a value or null, evidence beside."""
        data: dict[str, Any] = {name: getattr(self, name).value for name in FIELDS}
        data["evidence"] = {name: to_dict(getattr(self, name), digits=digits) for name in FIELDS}
        return data


# Not slotted: a frozen slotted class sets each of its 17 fields through
# object.__setattr__, which makes building a row about twice as slow, and a
# 1,000-assignment client's planner builds 1,000 rows (benchmark
# ``planner_1000``: compute <= 10 ms).
@attrs.frozen(slots=False, repr=False, eq=False)
class Row(Value):
    """One assignment in the completed, missed or pending table."""

    assignment_id: int
    session: int
    title: str
    task: str
    format: str
    size: str
    frequency: str
    framing: str
    outcome: str
    score: float | None
    resolved_session: int | None = None
    done: int | None = None
    planned: int | None = None
    experience: str = ""
    explanation: str = ""
    reasons: tuple[str, ...] = ()
    notes: str = ""

    @property
    def dose(self) -> str:
        """'6 of 7' for a partial with doses, else ''."""
        if self.done is not None and self.planned is not None:
            return f"{self.done} of {self.planned}"
        return ""


@attrs.frozen(repr=False, eq=False)
class Shared(Value):
    """The value(s) most of a group had in common."""

    values: tuple[str, ...]
    count: int
    """How many of the group had (each of) these values."""
    of: int
    """The size of the group."""


@attrs.frozen(repr=False, eq=False)
class Phase(Value):
    """A range of sessions and how consistently homework was done in it."""

    first_session: int
    last_session: int
    n: int
    rate: float


@attrs.frozen(repr=False, eq=False)
class InCommon(Value):
    """What a group (completed or missed) had in common."""

    format: Shared
    size: Shared
    framing: Shared
    frequency: Shared
    reasons: Shared
    """Miss reasons given most often (empty for the completed group)."""
    phase: Phase | None
    """Completed group: where completion was most consistent. Missed: None."""
    note: str = ""
    """'not enough to say' when the group has fewer than 2 assignments."""


@attrs.frozen(repr=False, eq=False)
class Followup(Value):
    """The follow-up protocol for the next session."""

    completed_opening: str
    completed_listen_for: str
    missed_opening: str
    missed_diagnostic: str
    source: str
    """'default' or 'review at session N' (the therapist's wording wins)."""


@attrs.frozen(repr=False, eq=False)
class ReviewStatus(Value):
    """Where the client's system stands in its review schedule."""

    last_review_session: int | None
    next_review_session: int | None
    current_session: int | None
    due: bool
    triggers: tuple[str, ...]
    """Active early-review triggers (three_consecutive_misses, life_change...)."""
    reasons: tuple[str, ...]
    """Readable reasons the review is due."""


@attrs.frozen(repr=False, eq=False)
class ChosenSystem(Value):
    """The system as the therapist last chose it at a review."""

    session: int
    format: str | None
    size: str | None
    frequency: str | None
    framing: str | None
    framing_wording: str
    trigger: str
    notes: str


@attrs.frozen(repr=False, eq=False)
class Elsewhere(Value):
    """A field where the history since the review points away from the current system."""

    field: str
    chosen: str
    points_to: str

    @property
    def text(self) -> str:
        """'since the review, the history points to size tiny'."""
        return f"since the review, the history points to {self.field} {self.points_to}"


@attrs.frozen(repr=False, eq=False)
class CurrentSystem(Value):
    """The therapist's decision: the system chosen at the last review.

    A framing change recorded after that review replaces the framing.
    """

    review_session: int
    format: str | None
    size: str | None
    frequency: str | None
    framing: str | None
    framing_wording: str
    framing_source: str
    """'review at session N' or 'framing change at session M'."""
    elsewhere: tuple[Elsewhere, ...] = ()
    """Fields where the history since the review points to another value."""

    def value(self, field: str) -> str | None:
        """The chosen value of ``field`` (format, size, frequency or framing)."""
        chosen: str | None = getattr(self, field)
        return chosen

    @property
    def source(self) -> str:
        """'the review at session N' (how warnings name the decision)."""
        return f"the review at session {self.review_session}"


@attrs.frozen(repr=False, eq=False)
class Confounded(Value):
    """Two values of two fields that always came together (spec 4a).

    The history cannot tell which of them helps or stops the client; ``test`` is
    the assignment that would tell them apart.
    """

    fields: tuple[str, str]
    values: tuple[str, str]
    n: int
    """Resolved assignments with both values (every one with either)."""
    rate: float
    """Raw completion rate of those assignments."""
    rest_rate: float
    """Raw completion rate of every other resolved assignment."""
    test: str
    """'a written task framed as an experiment' ('' when nothing else was tried)."""
    keep: tuple[str, str] | None = None
    """(field, value) the test keeps."""
    change: tuple[str, str] | None = None
    """(field, value) the test changes to: that field's value with the best record."""

    @property
    def text(self) -> str:
        """'written is confounded with challenge'."""
        return f"{self.values[0]} is confounded with {self.values[1]}"


# The measure types below mirror hwcore.domain.measures rather than import it:
# rebuilding a cached planner (`hw plan`'s fast path) loads no domain module.
@attrs.frozen(repr=False, eq=False)
class Reading(Value):
    """One measurement of a measure: its session, total and severity band."""

    session: int
    total: int
    severity: str | None = None
    """The published band (PHQ-9, GAD-7); None for a practice measure."""


@attrs.frozen(repr=False, eq=False)
class Alert(Value):
    """A risk alert no view may hide: PHQ-9 item 9 above 0 (spec 4b)."""

    kind: str
    """``phq9_item9``."""
    session: int
    """The session of the measurement that raised it."""
    value: int
    """The item's score (1..3)."""
    acknowledged: bool = False
    """An acknowledgement has been recorded as an event."""


@attrs.frozen(repr=False, eq=False)
class MeasureTrend(Value):
    """One outcome measure over the sessions, beside the homework done over them (spec 4b).

    The change and the reliable change are the measure's own (first to last
    measurement); ``completion_rate`` is the raw completion rate of the
    homework assigned from the first measured session up to (not including)
    the last, which is the homework done between the two measurements.
    """

    instrument: str
    """The instrument's key (``phq9``, ``gad7`` or a practice measure's name)."""
    name: str
    better: str
    """``low`` or ``high``: which direction is better."""
    points: tuple[Reading, ...]
    change_since_first: int | None
    change_since_previous: int | None
    reliable_change: str | None
    """``improved``, ``deteriorated``, ``no reliable change``, ``not assessed``; None: one point."""
    reliable_change_threshold: float | None
    completion_rate: float | None = None
    """Raw completion rate of the homework resolved over the same sessions (None: none)."""
    completion_n: int = 0
    """Resolved assignments that rate is computed from."""
    minimum: int = 0
    maximum: int | None = None
    """The measure's range (a chart draws every measure on the scale of its own range)."""


@attrs.frozen(repr=False, eq=False)
class Planner(Value):
    """The Between-Session System Planner of one client, at one point in time."""

    client: str
    as_of_session: int | None
    """The session this planner is computed as of (None: all events)."""
    sessions_reviewed: tuple[int, ...]
    """Sessions whose assignments have a known outcome."""
    first_session: int | None
    last_session: int | None
    last_session_date: str | None
    ready: bool
    ready_reason: str
    completed: tuple[Row, ...]
    missed: tuple[Row, ...]
    pending: tuple[Row, ...]
    completed_in_common: InCommon
    missed_in_common: InCommon
    system: System
    followup: Followup
    review: ReviewStatus
    chosen_system: ChosenSystem | None
    """The system exactly as the last review recorded it."""
    framing_approach: str | None
    """The client-level framing approach label, if one was set."""
    completion_by_session: tuple[tuple[int, float, int], ...]
    """(session, mean score, resolved count) for each session with outcomes."""
    overall_rate: float | None
    current_system: CurrentSystem | None = None
    """The therapist's current system (None before the first review)."""
    confounded: tuple[Confounded, ...] = ()
    """Pairs of values the history cannot tell apart (spec 4a)."""
    measures: tuple[MeasureTrend, ...] = ()
    """Each outcome measure's points and change, beside the homework's completion (spec 4b)."""
    alerts: tuple[Alert, ...] = ()
    """Every risk alert (PHQ-9 item 9 above 0), acknowledged or not: no view may hide one."""

    @property
    def open_alerts(self) -> tuple[Alert, ...]:
        """The risk alerts not yet acknowledged by a recorded event."""
        return tuple(a for a in self.alerts if not a.acknowledged)

    def design_defaults(self) -> dict[str, str | None]:
        """What the next assignment starts from, field by field.

        The current system's value, else the recommendation's (None where
        neither exists): the reference the fit check and the follow-up
        defaults use too.

        Returns:
            format, size, frequency and framing to their default value.
        """
        return design_defaults(self.current_system, self.system)


def design_defaults(current: CurrentSystem | None, system: System) -> dict[str, str | None]:
    """Each field's current-system value, else the recommendation's (see :class:`Planner`)."""
    return {
        name: (current.value(name) if current is not None else None) or getattr(system, name).value
        for name in FIELDS
    }


def to_dict(value: Any, *, digits: int | None = FLOAT_DIGITS) -> Any:
    """Plain JSON-ready data for any planner value (or list/tuple of them).

    Args:
        value: a planner value, a DTO, or a list, tuple or dict of them.
        digits: decimal places of floats (None: full precision, as the read
            model caches the planner so that text rendered from it is exact).
    """
    if type(value) is Row:
        return _row_dict(value, digits)
    if isinstance(value, System):
        return value.json_data(digits=digits)
    json_data = getattr(type(value), "json_data", None)
    if callable(json_data):  # a value that chooses its own JSON shape (Settings: redacted)
        return to_dict(json_data(value), digits=digits)
    if attrs.has(type(value)):
        return {
            f.name: to_dict(getattr(value, f.name), digits=digits)
            for f in attrs.fields(type(value))
        }
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # a named tuple (CaseloadEntry)
        return {k: to_dict(v, digits=digits) for k, v in value._asdict().items()}
    if isinstance(value, list | tuple):  # ints and strings as they are (cli_write: 1,000 rows)
        return [v if type(v) in _PLAIN else to_dict(v, digits=digits) for v in value]
    if isinstance(value, dict):
        return {str(k): to_dict(v, digits=digits) for k, v in value.items()}
    if isinstance(value, float) and digits is not None:
        return round(value, digits)
    if isinstance(value, dt.date | dt.time):  # a datetime is a date
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, enum.Enum):  # vocabulary values
        return value.value
    if isinstance(value, type):  # a field's kind (DesignField): its name
        return value.__name__
    return value


_PLAIN = frozenset({int, str, type(None)})


def _row_dict(row: Row, digits: int | None) -> dict[str, Any]:
    """``to_dict`` of a row, without the generic walk over its 17 fields.

    A speed trick for ``cli_write``: every write caches the client's planner
    as JSON, 1,000 rows for ``BIG1000``. A row is not slotted, so its
    ``__dict__`` holds its fields in their declared order (a test compares
    this with the generic walk).
    """
    data = dict(row.__dict__)
    for name, v in data.items():
        kind = type(v)
        if kind in _PLAIN:
            continue
        if kind is float:
            if digits is not None:
                data[name] = round(v, digits)
        else:
            data[name] = to_dict(v, digits=digits)
    return data


def from_dict(data: Mapping[str, Any]) -> Planner:
    """The planner whose document ``data`` is: the inverse of :func:`to_dict`.

    ``from_dict(to_dict(p, digits=None)) == p`` for every planner ``p``, also
    after a JSON round trip (which is how the read model caches it).

    Args:
        data: a planner document (``to_dict(planner, digits=None)``).

    Returns:
        The typed planner.

    Raises:
        ValueError: the document lacks a field of the planner (e.g. it was
            written by an earlier version of hw): compute the planner instead.
    """
    decode = _DECODERS.get(Planner)
    if decode is None:
        decode = _decoder(Planner)
        assert decode is not None
    planner: Planner = decode(data)
    return planner


Decoder = Callable[[Any], Any]
_DECODERS: dict[Any, Decoder] = {}


def _decoder(kind: Any) -> Decoder | None:
    """A function from plain JSON to a value of type ``kind`` (None: the JSON value itself).

    Built once per type from its annotations, so that decoding a planner of a
    1,000-assignment client calls a function only where a value needs one
    (``hw plan`` answers from the cached document: start-up time).
    """
    if kind in _DECODERS:
        return _DECODERS[kind]
    decode: Decoder | None
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is System:
        rec = _decoder(Recommendation)
        assert rec is not None

        def decode(data: Any) -> Any:
            evidence = data["evidence"]
            return System(**{name: rec(evidence[name]) for name in FIELDS})

    elif attrs.has(kind):
        decode = _attrs_decoder(kind)
    elif origin is types.UnionType or origin is typing.Union:
        (inner_kind,) = [a for a in args if a is not type(None)]
        inner = _decoder(inner_kind)
        decode = None if inner is None else (lambda data: None if data is None else inner(data))
    elif origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _decoder(args[0])
        decode = tuple if item is None else (lambda data: tuple(map(item, data)))
    elif origin is tuple:
        items = [_decoder(a) for a in args]
        decode = (
            tuple
            if all(i is None for i in items)
            else lambda data: tuple(
                x if i is None else i(x) for i, x in zip(items, data, strict=True)
            )
        )
    else:
        decode = None  # str, int, float, bool: JSON keeps them as they are
    if decode is not None:
        _DECODERS[kind] = decode
    return decode


_PLAIN_HINTS = frozenset(
    f"{kind}{none}" for kind in ("str", "int", "float", "bool") for none in ("", " | None")
)
"""Field annotations that JSON keeps as they are, recognised without evaluating them."""


def _hint(kind: type, field: attrs.Attribute[Any]) -> Any:
    """A field's type, its annotation string evaluated only when it names more than a scalar.

    ``typing.get_type_hints`` evaluates every annotation of the class; for the
    planner's classes that was 5 ms of each ``hw plan`` (``cli_plan``), most of
    it on ``str`` and ``int | None``.
    """
    if not isinstance(field.type, str):
        return field.type
    if field.type in _PLAIN_HINTS:
        return str  # any type without a decoder
    # The class's own module: no planner value inherits its fields from another
    # module's class (get_type_hints would walk the bases' modules too).
    namespace = vars(sys.modules[kind.__module__])
    return eval(field.type, namespace)  # noqa: S307 (hw's own annotation, as typing does)


def _attrs_decoder(kind: type) -> Decoder:
    """The decoder of one attrs class: every field present, each decoded by its type."""
    fields = attrs.fields(kind)
    names = [f.name for f in fields]
    _DECODERS[kind] = lambda data: decode(data)  # (self-reference while building)
    decoders = {f.name: _decoder(_hint(kind, f)) for f in fields}
    plain = [name for name in names if decoders[name] is None]
    typed = [(name, d) for name in names if (d := decoders[name]) is not None]
    required = frozenset(names)

    def decode(data: Any) -> Any:
        if not required <= data.keys():
            missing = ", ".join(sorted(required - data.keys()))
            msg = f"a {kind.__name__} document without {missing}"
            raise ValueError(msg)
        values = {name: data[name] for name in plain}
        for name, d in typed:
            values[name] = d(data[name])
        return kind(**values)

    return decode
