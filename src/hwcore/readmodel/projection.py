"""Pure projection of one client's case into read-model rows (no I/O).

Every row is a function of the case state alone, so applying events one by one
and rebuilding from the whole log give the same rows. Free text (titles,
explanations, experiences, notes, rationale, wording) is left out of the view
tables; the one exception is the ``plans`` cache (:func:`plan_row`), which
holds the planner (what ``hw plan --json`` prints, in a compact form). With a
cipher key the read model lives in memory only, so free text reaches the disk
only where the event store itself is plain (see docs/security.md).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

import attrs

from hwcore.domain import Case, ChangeKind, MissReason
from hwcore.planner import Planner, build_planner, to_dict
from hwcore.planner.cache import to_cache
from hwcore.readmodel.caseload_text import summary_cells
from hwcore.valueclass import Value

RECENT_SESSIONS = 8
"""How many of the latest sessions count as 'recent' for the caseload trend."""
TREND_MARGIN = 0.1
"""Recent rate must differ from the overall rate by more than this for a trend."""

Row = dict[str, Any]


@attrs.frozen(repr=False, eq=False)
class ClientSummary(Value):
    """One client's caseload summary (the ``client_summary`` row)."""

    client: str
    sessions: int
    last_session: int | None
    last_session_date: str | None
    assignments: int
    pending: int
    resolved: int
    completion_rate: float | None
    """Mean score over every resolved assignment (None before any)."""
    recent_rate: float | None
    """Mean score over resolved assignments given in the last 8 sessions."""
    trend: str | None
    """'up', 'down' or 'flat': recent rate against the overall rate."""
    ready: bool
    last_review_session: int | None
    next_review_session: int | None
    due: bool
    triggers: tuple[str, ...]
    alerts: tuple[dict[str, Any], ...] = ()
    """Every risk alert: ``kind``, ``session``, ``value``, ``acknowledged`` (spec 4b)."""


def summarize(case: Case, planner: Planner | None = None) -> ClientSummary:
    """The caseload summary of a case, computed with its planner (built when not given)."""
    if planner is None:
        planner = build_planner(case)
    current = case.current_session
    scores = [(a.session, a.resolution.score) for a in case.assignments.values() if a.resolution]
    overall = sum(s for _, s in scores) / len(scores) if scores else None
    recent_scores = [s for n, s in scores if current is not None and n > current - RECENT_SESSIONS]
    recent = sum(recent_scores) / len(recent_scores) if recent_scores else None
    trend = None
    if overall is not None and recent is not None:
        delta = recent - overall
        trend = "up" if delta > TREND_MARGIN else "down" if delta < -TREND_MARGIN else "flat"
    return ClientSummary(
        client=case.client,
        sessions=len(case.sessions),
        last_session=current,
        last_session_date=case.sessions[current].held_on.isoformat() if current else None,
        assignments=len(case.assignments),
        pending=len(case.pending()),
        resolved=len(scores),
        completion_rate=overall,
        recent_rate=recent,
        trend=trend,
        ready=planner.ready,
        last_review_session=planner.review.last_review_session,
        next_review_session=planner.review.next_review_session,
        due=planner.review.due,
        triggers=tuple(planner.review.triggers),
        alerts=tuple(to_dict(planner.alerts)),
    )


def summary_row(summary: ClientSummary) -> Row:
    """The ``client_summary`` row of a summary (booleans as 0/1, triggers as JSON)."""
    # Field by field rather than attrs.asdict (a fifth of a one-event catch-up's rows).
    row = {name: getattr(summary, name) for name in _SUMMARY_FIELDS}
    row["ready"] = int(summary.ready)
    row["due"] = int(summary.due)
    triggers = summary.triggers
    row["triggers"] = json.dumps(list(triggers)) if triggers else "[]"
    row["trigger_count"] = len(triggers)
    alerts = summary.alerts
    row["alerts"] = json.dumps(list(alerts)) if alerts else "[]"
    row["open_alerts"] = sum(1 for a in alerts if not a["acknowledged"])
    row.update(
        summary_cells(
            summary.client,
            summary.last_session,
            summary.last_session_date,
            summary.completion_rate,
            summary.recent_rate,
            summary.trend,
            summary.next_review_session,
            summary.due,
            triggers,
        )
    )
    return row


def summary_from_row(row: Row) -> ClientSummary:
    """The summary stored in a ``client_summary`` row."""
    values = {name: row[name] for name in _SUMMARY_FIELDS}
    values["ready"] = bool(values["ready"])
    values["due"] = bool(values["due"])
    triggers = values["triggers"]
    # Most clients have no trigger: skip the JSON parser for the empty list.
    values["triggers"] = () if triggers == "[]" else tuple(json.loads(triggers))
    alerts = values["alerts"]
    values["alerts"] = () if alerts in ("[]", None) else tuple(json.loads(alerts))
    return ClientSummary(**values)


_SUMMARY_FIELDS: tuple[str, ...] = tuple(f.name for f in attrs.fields(ClientSummary))


def client_row(case: Case) -> Row:
    """The ``clients`` row of a case (without the registration and events columns)."""
    return {
        "client": case.client,
        "case_id": str(case.id),
        "version": case.version,
        "framing": case.framing.label if case.framing else None,
        "framing_session": case.framing.session if case.framing else None,
        "reviews": len(case.reviews),
        "changes": len(case.changes),
        "corrections": len(case.corrections),
    }


def assignment_rows(case: Case, only: Collection[int] | None = None) -> list[Row]:
    """One ``assignments`` row per assignment (or per one of ``only``), with its current outcome."""
    rows: list[Row] = []
    if only is None:
        chosen = sorted(case.assignments.values(), key=lambda x: x.id)
    else:
        chosen = [case.assignments[i] for i in sorted(only) if i in case.assignments]
    for a in chosen:
        r = a.resolution
        s = a.spec
        rows.append(
            {
                "client": case.client,
                "assignment_id": a.id,
                "session": a.session,
                "assigned_on": a.assigned_on.isoformat(),
                "format": s.format.value,
                "size": s.size.value,
                "frequency": s.frequency.value,
                "framing": s.framing_key,
                "confidence": s.confidence,
                "planned_doses": s.planned_doses,
                "started_in_session": int(s.started_in_session),
                "outcome": a.outcome.value,
                "resolved_session": r.session if r else None,
                "done": r.done if r else None,
                "planned": r.planned if r else None,
                "score": r.score if r else None,
                "reasons": _reasons_json(r.reasons) if r and r.reasons else "[]",
            }
        )
    return rows


def _reasons_json(reasons: tuple[MissReason, ...]) -> str:
    """``json.dumps`` of the reasons' values, text for text (``cli_write``: 1,000 rows a write).

    The values are the vocabulary's own lower-case words and hyphens: nothing
    to escape, so the text is joined directly (json.dumps per row was a twentieth
    of the read model's work after a write).
    """
    return '["' + '", "'.join([x.value for x in reasons]) + '"]'


def review_rows(case: Case) -> list[Row]:
    """One ``reviews`` row per review of the client's system."""
    rows: list[Row] = []
    for number, review in enumerate(case.reviews, start=1):
        system = review.system
        held_on = case.session_date(review.session)
        rows.append(
            {
                "client": case.client,
                "review": number,
                "position": review.position,
                "session": review.session,
                "date": held_on.isoformat() if held_on else None,
                "trigger": review.trigger.value,
                "format": system.format.value if system.format else None,
                "size": system.size.value if system.size else None,
                "frequency": system.frequency.value if system.frequency else None,
                "framing": system.framing,
                "next_review_session": review.next_review_session,
            }
        )
    return rows


def change_rows(case: Case) -> list[Row]:
    """One ``changes`` row per life, relationship or other change noted."""
    last_review = case.reviews[-1].position if case.reviews else 0
    client = case.client
    # Every change is projected on every write: the dates and the kinds'
    # values are looked up once per session and kind, not once per row.
    dates: dict[int, str | None] = {}
    kinds: dict[ChangeKind, tuple[str, str]] = {}
    rows: list[Row] = []
    for change in case.changes:
        session = change.session
        try:
            date = dates[session]
        except KeyError:
            held_on = case.session_date(session)
            date = dates[session] = held_on.isoformat() if held_on else None
        kind = change.kind
        try:
            kind_value, trigger = kinds[kind]
        except KeyError:
            kind_value, trigger = kinds[kind] = (kind.value, kind.trigger.value)
        rows.append(
            {
                "client": client,
                "position": change.position,
                "session": session,
                "date": date,
                "kind": kind_value,
                "trigger": trigger,
                "active": int(change.position > last_review),
            }
        )
    return rows


def case_rows(
    case: Case, planner: Planner | None = None, assignments: Collection[int] | None = None
) -> dict[str, list[Row]]:
    """Every read-model row of one case, by table (``clients`` without counters).

    Args:
        case: the client's case.
        planner: the case's current planner, when the caller has built it already.
        assignments: only these assignments' rows (None: every assignment's).
    """
    return {
        "clients": [client_row(case)],
        "assignments": assignment_rows(case, assignments),
        "reviews": review_rows(case),
        "changes": change_rows(case),
        "client_summary": [summary_row(summarize(case, planner))],
    }


def plan_row(case: Case, planner: Planner) -> Row:
    """The ``plans`` row of a case: its planner in the cached form (:mod:`hwcore.planner.cache`)."""
    return {"client": case.client, "version": case.version, "planner": to_cache(planner)}
