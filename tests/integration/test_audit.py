"""The audit trail: each review, what changed, why, and how completion went after it."""

from __future__ import annotations

import pytest

from hwcli.demo import seed
from hwcore.application import (
    AssignmentSpec,
    ClientNotFoundError,
    FieldChange,
    HwApplication,
    NotedChange,
    ReviewChoice,
)


def _give(app: HwApplication, session: int, outcome: str, **fields: str) -> None:
    """Assign at ``session`` and resolve at ``session + 1``."""
    spec = {"format": "written", "size": "small", "framing": "experiment", **fields}
    result = app.assign("AB", AssignmentSpec(title=f"task {session}", **spec), session=session)
    ident = result.assignment.assignment_id
    app.hold_session("AB", session + 1, f"2026-01-{5 + session:02d}")
    if outcome == "completed":
        app.complete("AB", ident, session=session + 1)
    elif outcome == "missed":
        app.miss("AB", ident, session=session + 1, explanation="No time", reasons="wrong-timing")
    elif outcome == "partial":
        app.partial("AB", ident, session=session + 1, done=1, planned=2)


def test_three_reviews_show_what_changed_between_them(app: HwApplication) -> None:
    seed(app)
    entries = app.audit("C-017")
    assert [(e.review, e.session, e.trigger) for e in entries] == [
        (1, 5, "cadence"),
        (2, 10, "life_change"),
        (3, 18, "cadence"),
    ]
    first, second, third = entries
    assert first.previous_session is None
    assert first.changes == (
        FieldChange("format", None, "written"),
        FieldChange("size", None, "tiny"),
        FieldChange("frequency", None, "daily"),
        FieldChange("framing", None, "practice"),
    )
    assert second.previous_session == 5
    assert second.changes == (
        FieldChange("size", "tiny", "small"),
        FieldChange("framing", "practice", "values"),
    )
    assert second.noted == (NotedChange(9, "life", None, "Started a new job with longer hours."),)
    assert second.notes == "Shorter, values-based."
    # The therapist overrode the planner's framing at the second review.
    assert second.recommended["framing"] == "practice"
    assert third.changes == (
        FieldChange("size", "small", "tiny"),
        FieldChange("frequency", "daily", "weekly"),
    )
    assert third.notes == "Stable: keep the system."
    # Completion after each review, until the next one.
    assert (first.until_session, first.assigned_after, first.resolved_after) == (10, 5, 5)
    assert (second.until_session, second.assigned_after, second.resolved_after) == (18, 8, 8)
    assert (third.until_session, third.assigned_after, third.pending_after) == (None, 1, 1)
    assert third.completion_rate_after is None


def test_completion_after_a_review_is_scored_per_spec(app: HwApplication) -> None:
    app.register_client("AB")
    app.hold_session("AB", 1, "2026-01-06")
    for session, outcome in enumerate(["completed", "missed", "completed", "missed"], start=1):
        _give(app, session, outcome)
    app.note_change("AB", "relationship", "Asked for shorter sessions", session=5)
    app.change_framing("AB", "curiosity", reason="experiments felt like tests", session=5)
    app.review("AB", ReviewChoice(format="behavioral", size="tiny", notes="Go smaller."), session=5)
    _give(app, 5, "completed", format="behavioral", size="tiny", framing="curiosity")
    _give(app, 6, "partial", format="behavioral", size="tiny", framing="curiosity")
    _give(app, 7, "missed", format="behavioral", size="tiny", framing="curiosity")

    (entry,) = app.audit("AB")
    assert (entry.session, entry.trigger) == (5, "relationship_change")
    assert (entry.format, entry.size) == ("behavioral", "tiny")
    assert [n.kind for n in entry.noted] == ["relationship", "framing"]
    assert entry.noted[1] == NotedChange(5, "framing", "curiosity", "experiments felt like tests")
    assert (entry.completed_after, entry.partial_after, entry.missed_after) == (1, 1, 1)
    assert entry.completion_rate_after == pytest.approx((1 + 0.5 + 0) / 3)
    assert entry.notes == "Go smaller."


def test_a_client_without_reviews_has_an_empty_trail(app: HwApplication) -> None:
    app.register_client("AB")
    assert app.audit("AB") == []
    with pytest.raises(ClientNotFoundError):
        app.audit("NOPE")
