"""Plain views of domain objects for the API: the DTO of an assignment, a caseload line.

Functions, not methods: the use cases (:mod:`hwcore.application.app`), the
clinical record service and tests build the same DTOs from a case.
"""

from __future__ import annotations

from hwcore.application.dto import AssignmentInfo
from hwcore.domain import Assignment, Case
from hwcore.readmodel import ClientSummary, summarize
from hwcore.readmodel.caseload import CaseloadEntry


def caseload_entry(case: Case) -> CaseloadEntry:
    """The caseload line of one case (the read model's summary, computed directly)."""
    return _caseload_entry(summarize(case))


def _caseload_entry(s: ClientSummary) -> CaseloadEntry:
    return CaseloadEntry(
        client=s.client,
        sessions=s.sessions,
        last_session=s.last_session,
        last_session_date=s.last_session_date,
        assignments=s.assignments,
        pending=s.pending,
        completion_rate=s.completion_rate,
        recent_rate=s.recent_rate,
        trend=s.trend,
        ready=s.ready,
        next_review_session=s.next_review_session,
        due=s.due,
        triggers=s.triggers,
        alerts=s.alerts,
    )


def assignment_info(case: Case, a: Assignment) -> AssignmentInfo:
    """The DTO of one assignment (its design's fields as plain strings and numbers)."""
    r = a.resolution
    return AssignmentInfo(
        client=case.client,
        assignment_id=a.id,
        session=a.session,
        date=a.assigned_on.isoformat(),
        **a.spec.plain(),
        outcome=a.outcome.value,
        resolved_session=r.session if r else None,
        done=r.done if r else None,
        planned=r.planned if r else None,
        experience=r.experience if r else "",
        explanation=r.explanation if r else "",
        reasons=tuple(x.value for x in r.reasons) if r else (),
        insights=r.insights if r else "",
        modification=r.modification if r else "",
    )
