"""The clinical record beside the homework: outcome measures, consents, risk alerts.

Revision 2 of the spec (sections 3 and 4b). The events are nested in
:class:`ClinicalRecord`, which :class:`~hwcore.domain.case.Case` inherits, so
their stored topics are ``hwcore.domain.clinical:ClinicalRecord.MeasureTaken``
and so on: never rename or move them without registering the old topic.

A measurement stores its instrument's definition with it (range, direction,
reliable-change threshold), so the record reads the same whatever the
practice's catalogue of measures says later. No measure or consent changes the
planner's recommendation rules (spec section 4).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

import attrs
from eventsourcing.domain import Aggregate

from hwcore.domain.errors import InvalidValueError, VocabularyError
from hwcore.domain.guards import check_text
from hwcore.domain.measures import (
    BUILTIN,
    Better,
    Instrument,
    MeasurePoint,
    MeasureSeries,
    RiskAlert,
    int_tuple,
    risk_alerts,
    series,
)
from hwcore.domain.vocabulary import Weekday
from hwcore.valueclass import Value

MAX_CHANNEL = 40


class Channel(enum.Enum):
    """The channel a consent covers (stored in events: never rename a value)."""

    SMS = "sms"
    EMAIL = "email"
    PHONE = "phone"
    APP = "app"
    MESSAGING = "messaging"
    CALENDAR = "calendar"
    PAPER = "paper"
    OTHER = "other"

    @classmethod
    def parse(cls, text: str | Channel) -> Channel:
        """Parse a channel name (case-insensitive)."""
        if isinstance(text, Channel):
            return text
        key = str(text).strip().lower()
        for member in cls:
            if member.value == key:
                return member
        raise VocabularyError("channel", key, [m.value for m in cls])


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen(repr=False, eq=False)
class MeasureRecord(Value):
    """One measurement as the case keeps it."""

    session: int
    instrument: str
    total: int
    items: tuple[int, ...] = attrs.field(default=(), converter=int_tuple)
    minimum: int = 0
    maximum: int = 0
    better: str = "low"
    reliable_change: float | None = None
    position: int = 0
    """The case version of the event (orders measurements at one session)."""

    def instrument_definition(self) -> Instrument:
        """The instrument: the built-in one, or the definition stored with the record."""
        builtin = BUILTIN.get(self.instrument)
        if builtin is not None:
            return builtin
        return Instrument(
            key=self.instrument,
            name=self.instrument,
            minimum=self.minimum,
            maximum=self.maximum,
            better=Better.parse(self.better),
            reliable_change=self.reliable_change,
        )


@attrs.frozen(repr=False, eq=False)
class ConsentRecord(Value):
    """A consent for reminders or a digital channel (seed 003's ethics section)."""

    session: int
    channel: str
    days: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    boundaries: str = ""
    """What was agreed about it, e.g. "not for crisis support"."""
    privacy_risk: str = ""
    """The privacy risk the client accepted, in a few words."""
    note: str = ""
    position: int = 0


@attrs.frozen(repr=False, eq=False)
class AlertAcknowledgement(Value):
    """The therapist acknowledged a risk alert and said what was done."""

    session: int
    kind: str
    alert_session: int
    note: str
    position: int = 0


def init_clinical_state(case: Any) -> None:
    """Give a case (new, or loaded from a snapshot taken before revision 2) its lists."""
    state = case.__dict__
    state.setdefault("measures", [])
    state.setdefault("consents", [])
    state.setdefault("acknowledgements", [])


class ClinicalRecord:
    """Commands, events and queries of the clinical record (mixed into ``Case``)."""

    measures: list[MeasureRecord]
    consents: list[ConsentRecord]
    acknowledgements: list[AlertAcknowledgement]

    class MeasureTaken(Aggregate.Event):
        """An outcome measure was taken (items for PHQ-9/GAD-7, else one score)."""

        session: int
        instrument: str
        total: int
        items: list[int]
        minimum: int
        maximum: int
        better: str
        reliable_change: float | None

        def apply(self, aggregate: Any) -> None:
            case = cast("ClinicalRecord", aggregate)
            init_clinical_state(case)
            case.measures.append(
                MeasureRecord(
                    session=self.session,
                    instrument=self.instrument,
                    total=self.total,
                    items=tuple(self.items),
                    minimum=self.minimum,
                    maximum=self.maximum,
                    better=self.better,
                    reliable_change=self.reliable_change,
                    position=self.originator_version,
                )
            )

    class ConsentRecorded(Aggregate.Event):
        """A consent was recorded: the channel, days, boundaries and privacy risk."""

        session: int
        channel: str
        days: list[str]
        boundaries: str
        privacy_risk: str
        note: str

        def apply(self, aggregate: Any) -> None:
            case = cast("ClinicalRecord", aggregate)
            init_clinical_state(case)
            case.consents.append(
                ConsentRecord(
                    session=self.session,
                    channel=self.channel,
                    days=tuple(self.days),
                    boundaries=self.boundaries,
                    privacy_risk=self.privacy_risk,
                    note=self.note,
                    position=self.originator_version,
                )
            )

    class AlertAcknowledged(Aggregate.Event):
        """A risk alert was acknowledged, with what was done about it."""

        session: int
        kind: str
        alert_session: int
        note: str

        def apply(self, aggregate: Any) -> None:
            case = cast("ClinicalRecord", aggregate)
            init_clinical_state(case)
            case.acknowledgements.append(
                AlertAcknowledgement(
                    session=self.session,
                    kind=self.kind,
                    alert_session=self.alert_session,
                    note=self.note,
                    position=self.originator_version,
                )
            )

    # ----------------------------------------------------------------- commands

    def take_measure(
        self,
        session: int,
        instrument: Instrument,
        *,
        items: Sequence[int] = (),
        score: int | None = None,
    ) -> int:
        """Record a measurement at a held session; returns its total.

        Raises:
            InvalidValueError: the session is not held, or the items/score do
                not fit the instrument (wrong count, out of range).
        """
        self._check_session_held(session)
        total = instrument.score(items=items, score=score)
        self.trigger_event(
            self.MeasureTaken,
            session=session,
            instrument=instrument.key,
            total=total,
            items=list(items),
            minimum=instrument.minimum,
            maximum=instrument.maximum,
            better=instrument.better.value,
            reliable_change=instrument.reliable_change,
        )
        return total

    def record_consent(
        self,
        session: int,
        channel: Channel | str,
        *,
        boundaries: str,
        privacy_risk: str,
        days: Sequence[Weekday | str] = (),
        note: str = "",
    ) -> None:
        """Record a consent; refused when the channel, boundaries or privacy risk is missing.

        Raises:
            InvalidValueError: an unknown channel or day, or an empty boundary
                or privacy-risk statement (a consent without them is incomplete).
        """
        self._check_session_held(session)
        parsed = Channel.parse(channel)
        agreed = sorted({Weekday.parse(d) for d in days}, key=lambda d: d.index)
        required = (
            ("boundaries", boundaries, "the boundaries discussed, e.g. 'not for crisis support'"),
            ("privacy risk", privacy_risk, "the privacy risk the client accepted"),
        )
        for name, value, allowed in required:
            if not value.strip():
                raise InvalidValueError(name, "empty", f"{allowed} (a consent needs it)")
        for name, value in (
            ("boundaries", boundaries),
            ("privacy risk", privacy_risk),
            ("note", note),
        ):
            check_text(name, value)
        self.trigger_event(
            self.ConsentRecorded,
            session=session,
            channel=parsed.value,
            days=[d.value for d in agreed],
            boundaries=boundaries.strip(),
            privacy_risk=privacy_risk.strip(),
            note=note,
        )

    def acknowledge_alert(self, session: int, kind: str, alert_session: int, note: str) -> None:
        """Acknowledge an open risk alert, saying what was done (e.g. a safety plan).

        Raises:
            InvalidValueError: no open alert of that kind at that session, or
                an empty note.
        """
        self._check_session_held(session)
        open_alerts = {(a.kind, a.session) for a in self.alerts() if not a.acknowledged}
        if (kind, alert_session) not in open_alerts:
            shown = ", ".join(f"{k} at session {s}" for k, s in sorted(open_alerts)) or "none"
            raise InvalidValueError(
                "alert", f"{kind} at session {alert_session}", f"an open alert ({shown})"
            )
        if not note.strip():
            raise InvalidValueError("note", "empty", "what was done about the alert")
        check_text("note", note)
        self.trigger_event(
            self.AlertAcknowledged,
            session=session,
            kind=kind,
            alert_session=alert_session,
            note=note,
        )

    # ------------------------------------------------------------------ queries

    def measure_series(self) -> list[MeasureSeries]:
        """Each instrument's measurements and change, PHQ-9 and GAD-7 first."""
        by_instrument: dict[str, list[MeasureRecord]] = {}
        for record in self.measures:
            by_instrument.setdefault(record.instrument, []).append(record)
        order = [k for k in BUILTIN if k in by_instrument]
        order += sorted(k for k in by_instrument if k not in BUILTIN)
        result = []
        for key in order:
            records = by_instrument[key]
            instrument = records[-1].instrument_definition()
            points = [
                MeasurePoint(r.session, r.total, instrument.severity(r.total), r.items)
                for r in records
            ]
            result.append(series(instrument, points))
        return result

    def alerts(self) -> list[RiskAlert]:
        """Every risk alert, with whether it has been acknowledged."""
        phq9 = [
            MeasurePoint(r.session, r.total, None, r.items)
            for r in self.measures
            if r.instrument == "phq9"
        ]
        done = {(a.kind, a.alert_session) for a in self.acknowledgements}
        return [
            attrs.evolve(alert, acknowledged=(alert.kind, alert.session) in done)
            for alert in risk_alerts(phq9)
        ]

    if TYPE_CHECKING:  # provided by Case and eventsourcing's Aggregate

        def _check_session_held(self, session: int) -> None: ...

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...
