"""The Between-Session System Planner as a filled-in PDF for the clinical record.

Mirrors the sections of the paper original (client, date, sessions reviewed;
completed and missed tables; what each had in common; the system for this
client; follow-up protocol; review schedule and triggers), adds the evidence
(n and rate) behind every recommendation and a completion-over-time chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hwcore.domain import FORMAT_DESCRIPTIONS, SIZE_DESCRIPTIONS, Format, Frequency, Size
from hwcore.planner import Evidence, InCommon, Planner, Recommendation, Row, Shared
from hwcore.printing.branding import Branding
from hwcore.printing.chart import completion_svg
from hwcore.printing.outcome_chart import outcome_svg
from hwcore.printing.outcomes_pdf import CHART_FILE, alert_html, measures_html
from hwcore.printing.render import (
    Page,
    content_width,
    esc,
    facts,
    header,
    render_pdf,
    stylesheet,
    table,
)

TITLE = "Between-Session System Planner"

FREQUENCY_LABELS: dict[str, str] = {
    Frequency.ONCE.value: "Once",
    Frequency.WEEKLY.value: "Once per week",
    Frequency.SEVERAL_WEEKLY.value: "Multiple times per week",
    Frequency.DAILY.value: "Daily",
    Frequency.PER_CYCLE.value: "Once per session cycle",
    Frequency.AS_NEEDED.value: "As needed",
}

TRIGGER_LABELS: dict[str, str] = {
    "three_consecutive_misses": "Three consecutive misses",
    "life_change": "Major shift in the client's life circumstances",
    "relationship_change": "Change in the therapeutic relationship",
    "other": "Other",
}


def pct(rate: float | None) -> str:
    """A rate as a whole percentage ('83%'), or '-' for none."""
    return "-" if rate is None else f"{round(rate * 100)}%"


def session_ranges(sessions: Sequence[int]) -> str:
    """Compact session numbers: (1, 2, 3, 5, 7, 8) -> '1-3, 5, 7-8'."""
    ordered = sorted(set(sessions))
    if not ordered:
        return "none"
    parts: list[str] = []
    start = prev = ordered[0]
    for n in [*ordered[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}\u2013{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _evidence_text(e: Evidence) -> str:
    counts = f"{e.completed} done"
    if e.partial:
        counts += f", {e.partial} partial"
    counts += f", {e.missed} missed"
    return f"{esc(e.value)}: n={e.n}, rate {pct(e.rate)} ({counts})"


def _shared_text(shared: Shared, noun: str = "") -> str:
    if not shared.values:
        return '<span class="muted">nothing yet</span>'
    values = ", ".join(esc(v) for v in shared.values)
    return f'{values} <span class="muted">({shared.count} of {shared.of}{noun})</span>'


def _row_cells(row: Row, *, missed: bool) -> list[str]:
    title = esc(row.title)
    if row.task and row.task.strip() != row.title.strip():
        title += f'<br/><span class="muted small">{esc(row.task)}</span>'
    cells = [
        f"#{row.assignment_id}",
        str(row.session),
        title,
        esc(row.format),
        esc(row.size),
        esc(row.framing),
    ]
    if missed:
        words = esc(row.explanation) if row.explanation else ""
        if row.reasons:
            reasons = ", ".join(esc(r) for r in row.reasons)
            words += ("<br/>" if words else "") + f'<span class="muted small">{reasons}</span>'
        cells.append(words or '<span class="muted">-</span>')
    else:
        notes: list[str] = []
        if row.outcome == "partial":
            notes.append(f"<b>partial</b> {esc(row.dose)}".strip())
        if row.experience:
            notes.append(esc(row.experience))
        if row.notes:
            notes.append(f'<span class="muted small">{esc(row.notes)}</span>')
        cells.append("<br/>".join(notes) or '<span class="muted">-</span>')
    return cells


HISTORY_HEADERS = ["#", "Session", "Assignment", "Format", "Size", "Framing"]
HISTORY_WIDTHS = (0.05, 0.08, 0.25, 0.12, 0.08, 0.11, 0.29)


def _history(planner: Planner, width: float) -> str:
    parts = [
        "<h2>Compliance history</h2>",
        _chart(planner),
        "<h3>Completed assignments and their key features</h3>",
    ]
    if planner.completed:
        parts.append(
            table(
                [*HISTORY_HEADERS, "Notes"],
                (_row_cells(r, missed=False) for r in planner.completed),
                widths=HISTORY_WIDTHS,
                total=width,
            )
        )
    else:
        parts.append('<p class="muted">No completed assignments yet.</p>')
    parts.append("<h3>Missed assignments and their key features</h3>")
    if planner.missed:
        parts.append(
            table(
                [*HISTORY_HEADERS, "How the client explained the miss"],
                (_row_cells(r, missed=True) for r in planner.missed),
                widths=HISTORY_WIDTHS,
                total=width,
            )
        )
    else:
        parts.append('<p class="muted">No missed assignments.</p>')
    if planner.pending:
        pending = "; ".join(
            f"#{r.assignment_id} {esc(r.title)} (session {r.session})" for r in planner.pending
        )
        parts.append(
            f'<p class="small"><b>Pending</b> (not yet reviewed, not scored): {pending}</p>'
        )
    return "".join(parts)


def _chart(planner: Planner) -> str:
    overall = pct(planner.overall_rate)
    return (
        "<h3>Completion over time</h3>"
        '<p><img src="completion.svg" style="width:100%"/></p>'
        '<p class="small muted">Bars: mean score of the homework given at each session'
        " (completed 1, partial done/planned, missed 0). Line: running completion rate."
        f" Overall: {overall}.</p>"
    )


def _in_common(planner: Planner) -> str:
    done: InCommon = planner.completed_in_common
    missed: InCommon = planner.missed_in_common
    phase = done.phase
    timing = (
        f"sessions {phase.first_session}\u2013{phase.last_session}"
        f' <span class="muted">({phase.n} assignments, rate {pct(phase.rate)})</span>'
        if phase
        else '<span class="muted">not enough evidence</span>'
    )
    rows_done = [
        ("Format(s) that were completed", _shared_text(done.format)),
        ("Size or scope that was completed", _shared_text(done.size)),
        ("Framing approach that produced completion", _shared_text(done.framing)),
        ("Frequency that was completed", _shared_text(done.frequency)),
        ("Timing in the therapy when completion was most consistent", timing),
    ]
    rows_missed = [
        ("Format(s) that were consistently not completed", _shared_text(missed.format)),
        ("Size or scope that was consistently not completed", _shared_text(missed.size)),
        ("Framing approaches that produced non-completion", _shared_text(missed.framing)),
        ("Frequency that was not completed", _shared_text(missed.frequency)),
        ("Reasons the client gave most often", _shared_text(missed.reasons, " misses")),
    ]
    if done.note:
        rows_done = [("Pattern", f'<span class="muted">{esc(done.note)} (fewer than 2)</span>')]
    if missed.note:
        rows_missed = [("Pattern", f'<span class="muted">{esc(missed.note)} (fewer than 2)</span>')]
    return (
        "<h2>What completed assignments had in common</h2>"
        + facts(rows_done)
        + _confounded(planner, completed=True)
        + "<h2>What missed assignments had in common</h2>"
        + facts(rows_missed)
        + _confounded(planner, completed=False)
    )


def _confounded(planner: Planner, *, completed: bool) -> str:
    """The pairs this side's history cannot tell apart, each with its test (spec 4a)."""
    parts = []
    for c in planner.confounded:
        if (c.rate > c.rest_rate) != completed:
            continue
        test = f" The assignment that would tell: <b>{esc(c.test)}</b>." if c.test else ""
        parts.append(
            f'<p class="note">Cannot tell apart: {esc(c.text)} ({esc(c.fields[0])} and'
            f" {esc(c.fields[1])} always came together: {c.n} assignments, rate"
            f" {pct(c.rate)}; the rest {pct(c.rest_rate)}).{test}</p>"
        )
    return "".join(parts)


def _options(labels: Sequence[tuple[str, str]], chosen: str | None) -> str:
    marks = []
    for value, label in labels:
        if value == chosen:
            marks.append(f'<span class="chosen">(\u25cf) {esc(label)}</span>')
        else:
            marks.append(f"(\u00a0) {esc(label)}")
    return '<p class="options">' + " &#160; ".join(marks) + "</p>"


def _recommendation(rec: Recommendation) -> str:
    if rec.value is None:
        text = f'<span class="muted">open: {esc(rec.reason)}</span>'
    else:
        evidence = f"n={rec.n}, rate {pct(rec.rate)}" if rec.n is not None else "no direct evidence"
        text = f'<b>{esc(rec.value)}</b> <span class="muted">({evidence})</span>'
        text += f'<br/><span class="small muted">{esc(rec.reason)}</span>'
    if rec.candidates:
        tried = "; ".join(_evidence_text(e) for e in rec.candidates)
        text += f'<br/><span class="small">Tried: {tried}</span>'
    return text


def _system(planner: Planner) -> str:
    system = planner.system
    chosen = planner.current_system
    parts = ["<h2>The system for this client</h2>"]
    if not planner.ready:
        parts.append(f'<p class="warn">{esc(planner.ready_reason)}.</p>')
    if chosen is not None:
        picked = ", ".join(
            f"{name} <b>{esc(value)}</b>"
            for name in ("format", "size", "frequency", "framing")
            if (value := chosen.value(name))
        )
        framing_note = (
            f" (framing from the {esc(chosen.framing_source)})"
            if chosen.framing_source.startswith("framing")
            else ""
        )
        elsewhere = "".join(f"<br/>{esc(e.text.capitalize())}." for e in chosen.elsewhere)
        parts.append(
            f'<p class="note">Current system, chosen at the review in session'
            f" {chosen.review_session}: {picked or 'left open'}{framing_note}.{elsewhere}</p>"
        )
    fmt = system.format.value or (chosen.format if chosen else None)
    parts.append("<h3>Optimal format</h3>")
    parts.append(
        _options([(f.value, f"{f.value} ({FORMAT_DESCRIPTIONS[f]})") for f in Format], fmt)
    )
    parts.append(f"<p>{_recommendation(system.format)}</p>")
    parts.append(
        "<h3>Optimal size: the maximum complexity this client has consistently managed</h3>"
    )
    size = system.size.value
    if size:
        parts.append(f"<p><b>{esc(size)}</b>: {esc(SIZE_DESCRIPTIONS[Size(size)])}</p>")
    parts.append(f"<p>{_recommendation(system.size)}</p>")
    freq = system.frequency.value or (chosen.frequency if chosen else None)
    parts.append("<h3>Optimal frequency</h3>")
    parts.append(_options(list(FREQUENCY_LABELS.items()), freq))
    parts.append(f"<p>{_recommendation(system.frequency)}</p>")
    parts.append("<h3>Optimal framing approach</h3>")
    parts.append(f"<p>{_recommendation(system.framing)}</p>")
    wording = chosen.framing_wording if chosen and chosen.framing_wording else ""
    if planner.framing_approach:
        parts.append(
            f"<p>Client-level framing approach: <b>{esc(planner.framing_approach)}</b></p>"
        )
    if wording:
        parts.append(
            f'<p class="note">Language and positioning this client responds to: {esc(wording)}</p>'
        )
    return "".join(parts)


def _followup(planner: Planner) -> str:
    f = planner.followup
    source = "default wording" if f.source == "default" else f"wording from the {esc(f.source)}"
    return (
        "<h2>Follow-up protocol</h2>"
        "<h3>When an assignment is completed</h3>"
        + facts(
            [
                ("Opening question", esc(f.completed_opening)),
                ("What you are listening for", esc(f.completed_listen_for)),
            ]
        )
        + "<h3>When an assignment is not completed</h3>"
        + facts(
            [
                ("Non-judgmental opening", esc(f.missed_opening)),
                ("The diagnostic question", esc(f.missed_diagnostic)),
            ]
        )
        + f'<p class="small muted">Source: {source}.</p>'
    )


def _review(planner: Planner) -> str:
    r = planner.review
    last = f"session {r.last_review_session}" if r.last_review_session else "none yet"
    nxt = (
        f"session {r.next_review_session}"
        if r.next_review_session
        else "once the planner is ready (4 sessions with known outcomes)"
    )
    due = "<b>yes</b>" if r.due else "no"
    reasons = "; ".join(esc(x) for x in r.reasons)
    if reasons:
        due += f' <span class="muted">({reasons})</span>'
    active = set(r.triggers)
    boxes = " &#160; ".join(
        (
            f'<span class="chosen">[\u2713] {esc(label)}</span>'
            if key in active
            else f"[\u00a0\u00a0] {esc(label)}"
        )
        for key, label in TRIGGER_LABELS.items()
    )
    return (
        "<h2>Review schedule</h2>"
        + facts(
            [
                ("Last review of this system", last),
                ("Next planned review of this system", nxt),
                ("Review due now", due),
            ]
        )
        + "<p>What would prompt an earlier review (active triggers are ticked):</p>"
        f'<p class="options">{boxes}</p>'
    )


def planner_html(planner: Planner, branding: Branding, printed_on: dt.date) -> str:
    """The planner document's HTML body."""
    as_of = ""
    if planner.as_of_session is not None:
        as_of = f" &#160;·&#160; <b>As of session</b> {planner.as_of_session}"
        if planner.last_session_date:
            as_of += f" ({esc(planner.last_session_date)})"
    reviewed = planner.sessions_reviewed
    subtitle = (
        f"<b>Client</b> {esc(planner.client)} &#160;·&#160; <b>Date</b> {printed_on.isoformat()}"
        f"{as_of} &#160;·&#160; <b>Sessions reviewed</b> {session_ranges(reviewed)}"
        f" ({len(reviewed)})"
    )
    intro = (
        '<p class="small muted">What this client\'s homework history shows actually gets done:'
        " completed and missed assignments, what each had in common, and the format, size,"
        " frequency and framing to build on. Review every eight to ten sessions.</p>"
    )
    return "".join(
        [
            header(branding, TITLE, subtitle),
            alert_html(planner),
            intro,
            _history(planner, content_width(branding.paper)),
            measures_html(planner, content_width(branding.paper)),
            _in_common(planner),
            _system(planner),
            _followup(planner),
            _review(planner),
        ]
    )


def render_planner(
    planner: Planner, branding: Branding, *, printed_on: dt.date
) -> tuple[bytes, int]:
    """The planner as PDF bytes, and its page count.

    Args:
        planner: the planner value (now or as of a past session).
        branding: the clinic's branding.
        printed_on: the date printed on the document.
    """
    files: dict[str, bytes] = {
        "completion.svg": completion_svg(planner.completion_by_session, branding.accent).encode()
    }
    if planner.measures:
        chart = outcome_svg(planner.completion_by_session, planner.measures, branding.accent)
        files[CHART_FILE] = chart.encode()
    logo = branding.logo_bytes
    if logo is not None:
        files[branding.logo_name] = logo
    as_of = f", as of session {planner.as_of_session}" if planner.as_of_session else ""
    left = " · ".join(x for x in (branding.clinic_name, branding.footer) if x) or "hw"
    page = Page(
        paper=branding.paper,
        footer_left=left,
        footer_right=(
            f"{planner.client}{as_of} · {printed_on.isoformat()} · page {{page}} of {{pages}}"
        ),
    )
    return render_pdf(
        planner_html(planner, branding, printed_on),
        stylesheet(branding, base_pt=9.5),
        page,
        files=files,
        title=f"{TITLE}: {planner.client}",
        author=branding.clinic_name,
        toc_level=2,
    )
