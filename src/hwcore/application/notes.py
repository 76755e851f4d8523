"""The homework part of a session's progress note, ready to paste into a health record.

Seed 003 ("How to Document Therapy Homework") is the standard: the note of a
session where homework is given names the specific assignment, the clinical
rationale, the method and format chosen, the client's understanding and
agreement, the barriers discussed and the follow-up plan; the note of the next
session gives the completion rate, the client's experience, the clinical
insights gained and the modifications for the next assignment; outcome
measures and their change go beside them ("PHQ-9 decreased from 15 to 11").
:func:`compose_note` gathers that from a case (nothing is written), and
:class:`ProgressNote` renders it as plain text (wrapped, never cutting a
word), Markdown, or JSON through :func:`hwcore.application.to_dict`.

A field nobody recorded reads "not recorded": a note never shows a blank.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from typing import Protocol

import attrs

from hwcore.domain import Assignment, Case, InvalidValueError, Outcome
from hwcore.domain.clinical import ConsentRecord
from hwcore.domain.measures import MeasurePoint, RiskAlert, series
from hwcore.valueclass import Value

NOT_RECORDED = "not recorded"
"""What the note says where a field was not recorded."""
WIDTH = 78
"""The plain text's default line width."""


@attrs.frozen(kw_only=True, repr=False, eq=False)
class NoteAssignment(Value):
    """Homework given at the session, with seed 003's five elements and the agreement."""

    assignment_id: int
    session: int
    """The session it was assigned at."""
    title: str
    task: str
    """The assignment in one sentence ('' when not recorded)."""
    rationale: str
    method: str
    format: str
    size: str
    frequency: str
    planned_doses: int | None
    when_where: str
    days: tuple[str, ...]
    time: str
    started_in_session: bool
    understanding: str
    confidence: int | None
    accommodations: str
    barriers: str
    followup_plan: str


@attrs.frozen(kw_only=True, repr=False, eq=False)
class NoteOutcome(Value):
    """Homework reviewed at the session: its completion and what was learnt from it."""

    assignment_id: int
    title: str
    assigned_session: int
    outcome: str
    """completed, partial or missed."""
    done: int | None
    """Doses done, where known (all planned ones for a completed task, none for a miss)."""
    planned: int | None
    percent: int | None
    """Completion in percent (the planner's score): 100, 0, or done/planned of a partial."""
    completion: str
    """'6/7 (86%)', 'completed (100%)', 'partly completed (doses not recorded)'..."""
    experience: str
    explanation: str
    reasons: tuple[str, ...]
    insights: str
    modification: str


@attrs.frozen(kw_only=True, repr=False, eq=False)
class NoteMeasure(Value):
    """An outcome measure taken at the session and its change up to it."""

    instrument: str
    name: str
    total: int
    severity: str | None
    first_session: int | None
    """The first measurement's session (None when this is the first)."""
    first_total: int | None
    change_since_first: int | None
    previous_session: int | None
    previous_total: int | None
    change_since_previous: int | None
    reliable_change: str | None
    """First to this one: improved, deteriorated, no reliable change, not assessed."""
    reliable_change_threshold: float | None


@attrs.frozen(kw_only=True, repr=False, eq=False)
class ProgressNote(Value):
    """The homework part of one session's progress note (see the module's docstring)."""

    client: str
    session: int
    date: str
    """The session's date, YYYY-MM-DD."""
    assigned: tuple[NoteAssignment, ...]
    reviewed: tuple[NoteOutcome, ...]
    not_reviewed: tuple[NoteAssignment, ...]
    """Homework given earlier and still without an outcome at this session."""
    measures: tuple[NoteMeasure, ...]
    alerts: tuple[RiskAlert, ...]
    """Risk alerts raised at this session, and earlier ones still open (PHQ-9 item 9
    above 0): a note never hides one."""
    consents: tuple[ConsentRecord, ...]

    def text(self, width: int = WIDTH) -> str:
        """The note as plain text, lines wrapped at ``width`` (0: one line per entry).

        Words are never cut or hyphenated: a word longer than the line stays whole.
        """
        return "\n".join(_render(self, _Plain(width)))

    def markdown(self) -> str:
        """The note as Markdown (the stored text escaped, so it shows as written)."""
        return "\n".join(_render(self, _Markdown()))


def compose_note(case: Case, session: int | None = None) -> ProgressNote:
    """The homework part of the progress note of ``session`` (default: the latest).

    Raises:
        InvalidValueError: the session was not held (the held ones named).
    """
    held = sorted(case.sessions)
    number = held[-1] if session is None and held else session
    if number is None or number not in case.sessions:
        if number is None:
            raise InvalidValueError(
                "session", "none", f"a held session ({case.client} has none yet)"
            )
        raise InvalidValueError("session", number, _held(held))
    assignments = sorted(case.assignments.values(), key=lambda a: a.id)
    given = [a for a in assignments if a.session == number]
    reviewed = [a for a in assignments if a.resolution and a.resolution.session == number]
    waiting = [
        a
        for a in assignments
        if a.session < number and (a.resolution is None or a.resolution.session > number)
    ]
    return ProgressNote(
        client=case.client,
        session=number,
        date=case.sessions[number].held_on.isoformat(),
        assigned=tuple(_assignment(a) for a in given),
        reviewed=tuple(_outcome(a) for a in reviewed),
        not_reviewed=tuple(_assignment(a) for a in waiting),
        measures=tuple(_measures(case, number)),
        alerts=tuple(
            a
            for a in case.alerts()
            if a.session == number or (a.session < number and not a.acknowledged)
        ),
        consents=tuple(c for c in case.consents if c.session == number),
    )


def _held(held: Sequence[int]) -> str:
    if held == list(range(held[0], held[-1] + 1)):
        return f"a held session ({held[0]}-{held[-1]})"
    return f"a held session ({', '.join(map(str, held))})"


def _assignment(a: Assignment) -> NoteAssignment:
    s = a.spec
    return NoteAssignment(
        assignment_id=a.id,
        session=a.session,
        title=s.title,
        task=s.task,
        rationale=s.rationale,
        method=s.method,
        format=s.format.value,
        size=s.size.value,
        frequency=s.frequency.value,
        planned_doses=s.planned_doses,
        when_where=s.when_where,
        days=tuple(d.value for d in s.days),
        time=s.time,
        started_in_session=s.started_in_session,
        understanding=s.understanding,
        confidence=s.confidence,
        accommodations=s.accommodations,
        barriers=s.barriers,
        followup_plan=s.followup_plan,
    )


def _outcome(a: Assignment) -> NoteOutcome:
    r = a.resolution
    assert r is not None  # only resolved assignments are reviewed
    planned = r.planned if r.planned is not None else a.spec.planned_doses
    done = r.done
    if r.outcome is Outcome.COMPLETED and planned is not None:
        done = planned
    elif r.outcome is Outcome.MISSED:
        done = 0 if planned is not None else None
    known = r.outcome is not Outcome.PARTIAL or (r.done is not None and r.planned)
    percent = round(r.score * 100) if known else None
    return NoteOutcome(
        assignment_id=a.id,
        title=a.spec.title,
        assigned_session=a.session,
        outcome=r.outcome.value,
        done=done,
        planned=planned if done is not None else None,
        percent=percent,
        completion=_completion(r.outcome, done, planned, percent),
        experience=r.experience,
        explanation=r.explanation,
        reasons=tuple(x.value for x in r.reasons),
        insights=r.insights,
        modification=r.modification,
    )


def _completion(
    outcome: Outcome, done: int | None, planned: int | None, percent: int | None
) -> str:
    if percent is None:
        return "partly completed (doses not recorded)"
    if done is not None and planned is not None:
        word = {Outcome.COMPLETED: "completed", Outcome.PARTIAL: "partly completed"}
        return f"{done}/{planned} ({percent}%), {word.get(outcome, 'missed')}"
    return f"{'completed' if outcome is Outcome.COMPLETED else 'missed'} ({percent}%)"


def _measures(case: Case, number: int) -> Iterable[NoteMeasure]:
    """Each instrument measured at the session, with its change up to the session."""
    by_instrument: dict[str, list[MeasurePoint]] = {}
    definitions = {}
    for record in case.measures:
        if record.session > number:
            continue
        definition = record.instrument_definition()
        definitions[record.instrument] = definition
        point = MeasurePoint(record.session, record.total, definition.severity(record.total))
        by_instrument.setdefault(record.instrument, []).append(point)
    for key, points in by_instrument.items():
        if points[-1].session != number:
            continue
        s = series(definitions[key], points)
        first, last = s.points[0], s.points[-1]
        previous = s.points[-2] if len(s.points) >= 2 else None
        yield NoteMeasure(
            instrument=key,
            name=s.name,
            total=last.total,
            severity=last.severity,
            first_session=first.session if previous else None,
            first_total=first.total if previous else None,
            change_since_first=s.change_since_first,
            previous_session=previous.session if previous else None,
            previous_total=previous.total if previous else None,
            change_since_previous=s.change_since_previous,
            reliable_change=s.reliable_change,
            reliable_change_threshold=s.reliable_change_threshold,
        )


# ----------------------------------------------------------------- rendering


class _Plain:
    """Plain text: headings underlined by a blank line, entries wrapped with a hanging indent."""

    def __init__(self, width: int) -> None:
        self.width = width

    def title(self, text: str) -> list[str]:
        return [text]

    def heading(self, text: str) -> list[str]:
        return ["", text]

    def alert(self, text: str) -> list[str]:
        return ["", *self._wrap(text, "", "  ")]

    def item(self, text: str) -> list[str]:
        return self._wrap(text, "  ", "    ")

    def field(self, label: str, value: str) -> list[str]:
        return self._wrap(f"{label}: {value}", "    ", "      ")

    def words(self, text: str) -> str:
        return text

    def _wrap(self, text: str, first: str, rest: str) -> list[str]:
        lines: list[str] = []
        for number, paragraph in enumerate(text.splitlines() or [""]):
            lead = first if number == 0 else rest
            if self.width <= 0:
                lines.append(lead + paragraph)
                continue
            lines.extend(
                textwrap.wrap(
                    paragraph,
                    self.width,
                    initial_indent=lead,
                    subsequent_indent=rest,
                    break_long_words=False,
                    break_on_hyphens=False,
                )
                or [lead.rstrip()]
            )
        return lines


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


class _Markdown:
    """Markdown: a heading per part, a bullet per assignment, the stored text escaped."""

    def title(self, text: str) -> list[str]:
        return [f"### {text}"]

    def heading(self, text: str) -> list[str]:
        return ["", f"#### {text}", ""]

    def alert(self, text: str) -> list[str]:
        return ["", f"> **{text}**", ""]

    def item(self, text: str) -> list[str]:
        return [f"- {text}"]

    def field(self, label: str, value: str) -> list[str]:
        return [f"  - {label}: {value}".replace("\n", "<br>")]

    def words(self, text: str) -> str:
        return _MD_SPECIAL.sub(r"\\\1", text)


class _Style(Protocol):
    """How a note is laid out: plain text or Markdown."""

    def title(self, text: str) -> list[str]: ...
    def heading(self, text: str) -> list[str]: ...
    def alert(self, text: str) -> list[str]: ...
    def item(self, text: str) -> list[str]: ...
    def field(self, label: str, value: str) -> list[str]: ...
    def words(self, text: str) -> str: ...


def _or_not_recorded(style: _Style, text: str, *, quoted: bool = False) -> str:
    if not text.strip():
        return NOT_RECORDED
    words = style.words(text.strip())
    return f'"{words}"' if quoted else words


def _render(note: ProgressNote, style: _Style) -> list[str]:
    lines = style.title(
        f"Homework: {style.words(note.client)}, session {note.session} ({note.date})"
    )
    for alert in note.alerts:
        lines += style.alert(_alert_line(alert, note.session))
    lines += style.heading("Homework assigned")
    if not note.assigned:
        lines += style.item("No homework was assigned at this session.")
    for a in note.assigned:
        lines += _assigned_lines(a, style)
    lines += style.heading("Review of the last homework")
    if not note.reviewed:
        lines += style.item("No homework was reviewed at this session.")
    for o in note.reviewed:
        lines += _reviewed_lines(o, style)
    for a in note.not_reviewed:
        lines += style.item(
            f"#{a.assignment_id} {style.words(a.title)} (assigned at session {a.session}):"
            " no outcome recorded yet"
        )
    lines += style.heading("Outcome measures")
    if not note.measures:
        lines += style.item("No outcome measure was taken at this session.")
    for m in note.measures:
        lines += style.item(_measure_line(m))
    if note.consents:
        lines += style.heading("Consent")
        for c in note.consents:
            lines += _consent_lines(c, style)
    return [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]


def _assigned_lines(a: NoteAssignment, style: _Style) -> list[str]:
    w = style.words
    lines = style.item(f"#{a.assignment_id} {w(a.title)}")
    lines += style.field("Specific assignment given", _or_not_recorded(style, a.task))
    lines += style.field("Clinical rationale", _or_not_recorded(style, a.rationale))
    lines += style.field("Method/format chosen", _method(a, style))
    agreement = _or_not_recorded(style, a.understanding)
    if a.confidence is not None:
        agreement += f"; confidence {a.confidence}/10"
    lines += style.field("Client's understanding and agreement", agreement)
    lines += style.field("Accommodations", _or_not_recorded(style, a.accommodations))
    lines += style.field("Barriers discussed", _or_not_recorded(style, a.barriers))
    lines += style.field("Follow-up plan", _or_not_recorded(style, a.followup_plan))
    return lines


def _method(a: NoteAssignment, style: _Style) -> str:
    doses = f", {a.planned_doses} doses" if a.planned_doses else ""
    parts = [
        style.words(a.method.strip()) if a.method.strip() else f"method {NOT_RECORDED}",
        f"{a.format}, {a.size}, {a.frequency}{doses}",
    ]
    if a.days or a.time:
        days = _days(a.days) or "any day"
        parts.append(days + (f" at {a.time}" if a.time else ""))
    if a.when_where.strip():
        parts.append(f"when/where: {style.words(a.when_where.strip())}")
    if a.started_in_session:
        parts.append("started in session")
    return "; ".join(parts)


def _days(days: Sequence[str]) -> str:
    """'Mon/Thu', 'every day' for all seven, '' for none."""
    return "every day" if len(set(days)) == 7 else "/".join(d.capitalize() for d in days)


def _reviewed_lines(o: NoteOutcome, style: _Style) -> list[str]:
    lines = style.item(
        f"#{o.assignment_id} {style.words(o.title)} (assigned at session {o.assigned_session})"
    )
    lines += style.field("Completion rate", o.completion)
    if o.outcome == "missed":
        explanation = _or_not_recorded(style, o.explanation, quoted=True)
        if o.reasons:
            explanation += f" (reasons: {', '.join(o.reasons)})"
        lines += style.field("Client's explanation", explanation)
    else:
        lines += style.field(
            "Client's experience", _or_not_recorded(style, o.experience, quoted=True)
        )
    lines += style.field("Clinical insights gained", _or_not_recorded(style, o.insights))
    lines += style.field(
        "Modification for the next assignment", _or_not_recorded(style, o.modification)
    )
    return lines


def _points(value: int) -> str:
    return f"{value:+d} point{'' if abs(value) == 1 else 's'}"


def _measure_line(m: NoteMeasure) -> str:
    band = f" ({m.severity})" if m.severity else ""
    text = f"{m.name}: {m.total}{band}"
    if m.first_session is None or m.change_since_first is None:
        return text + "; the first measurement"
    text += (
        f"; since session {m.first_session}: {m.first_total} to {m.total}"
        f" ({_points(m.change_since_first)})"
    )
    if m.reliable_change == "not assessed" or m.reliable_change is None:
        text += ", reliable change not assessed"
    else:
        threshold = m.reliable_change_threshold
        at = f" (threshold {threshold:g} points)" if threshold is not None else ""
        text += f", {m.reliable_change}{at}"
    if m.previous_session != m.first_session and m.change_since_previous is not None:
        text += f"; since session {m.previous_session}: {_points(m.change_since_previous)}"
    return text


def _alert_line(alert: RiskAlert, session: int) -> str:
    state = "acknowledged" if alert.acknowledged else "NOT YET ACKNOWLEDGED"
    when = "this session" if alert.session == session else f"session {alert.session}"
    return (
        f"RISK ALERT: PHQ-9 item 9 (thoughts of being better off dead or of self-harm)"
        f" scored {alert.value} at {when}: {state}"
    )


def _consent_lines(c: ConsentRecord, style: _Style) -> list[str]:
    days = f" on {_days(c.days)}" if c.days else ""
    lines = style.item(f"Consent for {c.channel}{days}")
    lines += style.field("Boundaries discussed", _or_not_recorded(style, c.boundaries))
    lines += style.field("Privacy risk accepted", _or_not_recorded(style, c.privacy_risk))
    if c.note.strip():
        lines += style.field("Note", style.words(c.note.strip()))
    return lines
