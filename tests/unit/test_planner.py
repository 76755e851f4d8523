"""Every planner rule of spec section 4, on invented cases."""

from __future__ import annotations

import pytest

from hwcore.domain import (
    ChangeKind,
    FollowupProtocol,
    Format,
    ReviewTrigger,
    Size,
    SystemChoice,
)
from hwcore.planner import (
    BEST_SO_FAR,
    GO_SMALLER,
    NOT_ENOUGH_EVIDENCE,
    NOT_ENOUGH_TO_SAY,
    NOT_READY,
    build_planner,
    to_dict,
)
from tests.unit.builders import give, new_case, session_date


def test_scores_completed_partial_missed_and_pending_is_not_scored() -> None:
    case = new_case()
    give(case, 1, outcome="completed")
    give(case, 2, outcome="partial", done=6, planned=7)
    give(case, 3, outcome="partial")  # no doses: 0.5
    give(case, 4, outcome="missed")
    give(case, 5, outcome="pending")
    p = build_planner(case)
    scores = {r.assignment_id: r.score for r in p.completed + p.missed + p.pending}
    assert scores == {1: 1.0, 2: pytest.approx(6 / 7), 3: 0.5, 4: 0.0, 5: None}
    assert p.overall_rate == pytest.approx((1 + 6 / 7 + 0.5 + 0) / 4)


def test_not_ready_before_four_distinct_sessions() -> None:
    case = new_case()
    for session in (1, 2, 3):
        give(case, session, format="behavioral")
        give(case, session, format="behavioral", title=f"extra {session}")
    p = build_planner(case)
    assert p.sessions_reviewed == (1, 2, 3)
    assert not p.ready
    assert "3 of 4" in p.ready_reason
    assert [r.assignment_id for r in p.completed] == [1, 2, 3, 4, 5, 6]
    for rec in (p.system.format, p.system.size, p.system.frequency, p.system.framing):
        assert rec.value is None
        assert rec.basis == NOT_READY
    assert p.review.next_review_session is None
    assert not p.review.due


def test_pending_outcomes_do_not_count_towards_readiness() -> None:
    case = new_case()
    for session in (1, 2, 3):
        give(case, session)
    give(case, 4, outcome="pending")
    assert not build_planner(case).ready
    give(case, 5)
    assert build_planner(case).ready


def test_tables_carry_dose_explanation_and_reasons() -> None:
    case = new_case()
    give(case, 1, outcome="partial", done=6, planned=7, framing="Practice")
    give(
        case,
        2,
        outcome="missed",
        explanation="It felt like a test",
        reasons=("framing-pressure", "too-complex"),
    )
    p = build_planner(case)
    (partial,) = p.completed
    assert partial.outcome == "partial"
    assert partial.dose == "6 of 7"
    assert partial.framing == "practice"
    (missed,) = p.missed
    assert missed.explanation == "It felt like a test"
    assert missed.reasons == ("framing-pressure", "too-complex")
    assert missed.session == 2


def test_format_recommendation_uses_smoothed_rate_among_values_tried_twice() -> None:
    case = new_case()
    # behavioral: 3 of 3 -> (3+1)/(3+2) = 0.8; written: 1 of 2 -> 2/4 = 0.5
    # visual: 1 of 1 -> 2/3 but only tried once: not eligible.
    give(case, 1, format="behavioral")
    give(case, 2, format="written", outcome="missed")
    give(case, 3, format="behavioral")
    give(case, 4, format="written")
    give(case, 5, format="behavioral")
    give(case, 6, format="visual")
    p = build_planner(case)
    rec = p.system.format
    assert rec.value == "behavioral"
    assert rec.n == 3
    assert rec.rate == pytest.approx(1.0)
    assert rec.smoothed == pytest.approx(0.8)
    assert {e.value for e in rec.candidates} == {"behavioral", "written", "visual"}


def test_format_tie_goes_to_larger_n_then_most_recent() -> None:
    case = new_case()
    # Exact ties at a raw rate of 0.5 (recommended since r2):
    # object: 1 of 2 -> 2/4 = 0.5 ; conversational: 3 of 6 -> 4/8 = 0.5 -> larger n wins.
    give(case, 1, format="object", outcome="missed")
    give(case, 2, format="object")
    for s, outcome in zip(range(3, 9), ["completed"] * 3 + ["missed"] * 3, strict=True):
        give(case, s, format="conversational", outcome=outcome)
    assert build_planner(case).system.format.value == "conversational"

    recent = new_case("CD")
    # Same n and rate: the most recently used value wins.
    give(recent, 1, format="object")
    give(recent, 2, format="object", outcome="missed")
    give(recent, 3, format="visual")
    give(recent, 4, format="visual", outcome="missed")
    assert build_planner(recent).system.format.value == "visual"


def test_only_one_assignment_per_value_means_not_enough_evidence() -> None:
    case = new_case()
    for session, fmt in enumerate(["written", "behavioral", "visual", "object"], start=1):
        give(case, session, format=fmt, framing=f"label {session}", frequency="daily")
    p = build_planner(case)
    assert p.ready
    assert p.system.format.value is None
    assert p.system.format.basis == NOT_ENOUGH_EVIDENCE
    assert p.system.framing.value is None
    assert p.system.framing.basis == NOT_ENOUGH_EVIDENCE
    assert p.system.frequency.value == "daily"


def test_framing_labels_differing_in_case_or_spaces_are_one_value() -> None:
    case = new_case()
    give(case, 1, framing="Experiment")
    give(case, 2, framing=" experiment ")
    give(case, 3, framing="EXPERIMENT", outcome="missed")
    give(case, 4, framing="challenge", outcome="missed")
    give(case, 5, framing="Challenge ", outcome="missed")
    p = build_planner(case)
    assert p.system.framing.value == "experiment"
    assert p.system.framing.n == 3
    assert p.completed_in_common.framing.values == ("experiment",)
    assert p.missed_in_common.framing.values == ("challenge",)
    assert p.missed_in_common.framing.count == 2


def test_size_is_the_largest_consistently_managed() -> None:
    case = new_case()
    give(case, 1, size="small")
    give(case, 2, size="small")
    give(case, 3, size="medium")
    give(case, 4, size="medium")
    give(case, 5, size="medium", outcome="partial", done=5, planned=7)
    give(case, 6, size="large", outcome="missed")
    give(case, 7, size="large")
    p = build_planner(case)
    # medium: (1 + 1 + 5/7) / 3 = 0.905 >= 0.75 -> medium; large 0.5 < 0.75.
    assert p.system.size.value == "medium"
    assert p.system.size.n == 3


def test_size_needs_two_assignments_at_that_size() -> None:
    case = new_case()
    give(case, 1, size="small")
    give(case, 2, size="small")
    give(case, 3, size="large")  # 1 of 1 but n < 2
    give(case, 4, size="small", outcome="missed")
    p = build_planner(case)
    # small: 2/3 = 0.67 < 0.75 (not consistent) but >= 0.5; large: n=1 never counts.
    assert p.system.size.value == "small"
    assert p.system.size.basis == BEST_SO_FAR
    give(case, 5, size="small", outcome="missed")
    give(case, 6, size="small", outcome="missed")
    p = build_planner(case)  # small: 2 of 5 -> nothing has worked: one step below small
    assert p.system.size.value == "tiny"
    assert p.system.size.basis == GO_SMALLER
    assert "one step below the smallest size tried (small)" in p.system.size.reason


def test_no_size_managed_steps_below_smallest_and_stops_at_tiny() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s, size="medium", outcome="missed")
    assert build_planner(case).system.size.value == "small"
    tiny = new_case("EF")
    for s in range(1, 5):
        give(tiny, s, size="tiny", outcome="missed")
    rec = build_planner(tiny).system.size
    assert rec.value == "tiny"
    assert rec.basis == GO_SMALLER
    assert "tiny is the smallest step" in rec.reason


def test_in_common_lists_ties_and_group_sizes() -> None:
    case = new_case()
    give(case, 1, format="written", outcome="missed", reasons=("forgotten",))
    give(case, 2, format="visual", outcome="missed", reasons=("forgotten", "wrong-timing"))
    give(case, 3, format="behavioral")
    p = build_planner(case)
    assert set(p.missed_in_common.format.values) == {"written", "visual"}
    assert p.missed_in_common.format.count == 1
    assert p.missed_in_common.format.of == 2
    assert p.missed_in_common.reasons.values == ("forgotten",)
    # One completed assignment is not a pattern.
    assert p.completed_in_common.format.values == ()
    assert p.completed_in_common.note == NOT_ENOUGH_TO_SAY
    give(case, 4, format="behavioral")
    assert build_planner(case).completed_in_common.format.values == ("behavioral",)


def test_phase_where_completion_was_most_consistent() -> None:
    case = new_case()
    give(case, 1, outcome="missed")
    give(case, 2, outcome="missed")
    give(case, 3)
    give(case, 5)
    give(case, 6)
    give(case, 7, outcome="partial")
    give(case, 9)  # alone in its block: not enough to count
    p = build_planner(case)
    phase = p.completed_in_common.phase
    assert phase is not None
    assert (phase.first_session, phase.last_session) == (5, 8)
    assert phase.n == 3


def test_first_review_is_due_as_soon_as_ready() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s)
    p = build_planner(case)
    assert p.ready
    assert p.review.last_review_session is None
    assert p.review.next_review_session == 5  # 4th outcome known at session 5
    assert p.review.due
    assert p.review.triggers == ()


def _review(case, session: int, next_review: int | None = None) -> None:  # type: ignore[no-untyped-def]
    if session not in case.sessions:
        case.hold_session(session, session_date(session))
    case.review(
        session,
        SystemChoice(format=Format.BEHAVIORAL, size=Size.SMALL),
        FollowupProtocol(completed_opening="What did you notice?"),
        next_review or session + 8,
        ReviewTrigger.CADENCE,
        "",
    )


def test_review_schedule_after_a_review() -> None:
    case = new_case()
    for s in range(1, 6):
        give(case, s)
    _review(case, 6)
    p = build_planner(case)
    assert p.review.last_review_session == 6
    assert p.review.next_review_session == 14
    assert not p.review.due
    assert p.chosen_system is not None
    assert p.chosen_system.format == "behavioral"
    for s in range(7, 14):
        give(case, s)
    assert build_planner(case).review.due  # session 14 held: cadence reached


def test_three_consecutive_misses_trigger() -> None:
    case = new_case()
    give(case, 1)
    give(case, 2, outcome="missed")
    give(case, 3, outcome="missed")
    p = build_planner(case)
    assert "three_consecutive_misses" not in p.review.triggers
    give(case, 4, outcome="missed")
    p = build_planner(case)
    assert p.review.triggers == ("three_consecutive_misses",)
    assert p.review.due
    give(case, 5, outcome="partial")
    assert "three_consecutive_misses" not in build_planner(case).review.triggers


def test_changes_noted_after_the_last_review_are_triggers() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s)
    case.note_change(5, ChangeKind.RELATIONSHIP, "rupture after a cancelled session")
    _review(case, 5)
    p = build_planner(case)
    assert p.review.triggers == ()  # noted before the review
    assert not p.review.due
    case.note_change(5, ChangeKind.LIFE, "new job")
    case.note_change(5, ChangeKind.OTHER, "medication change")
    p = build_planner(case)
    assert p.review.triggers == ("life_change", "other")
    assert p.review.due


def test_followup_defaults_and_review_wording_wins() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s, format="behavioral", outcome="missed", reasons=("forgotten",))
    p = build_planner(case)
    assert p.followup.source == "default"
    assert "forgotten" in p.followup.missed_diagnostic
    assert p.followup.completed_opening
    _review(case, 5)
    p = build_planner(case)
    assert p.followup.completed_opening == "What did you notice?"
    assert p.followup.source == "review at session 5"
    assert p.followup.missed_opening  # not given at the review: default kept


def test_planner_json_has_the_spec_keys() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s)
    data = to_dict(build_planner(case))
    for key in (
        "client",
        "ready",
        "completed",
        "missed",
        "completed_in_common",
        "missed_in_common",
        "system",
        "followup",
        "review",
    ):
        assert key in data
    for key in ("format", "size", "frequency", "framing"):
        value = data["system"][key]
        assert value is None or isinstance(value, str)
        assert "reason" in data["system"]["evidence"][key]
    assert data["system"]["size"] == "small"
    for key in ("last_review_session", "next_review_session", "due", "triggers"):
        assert key in data["review"]


def test_phase_counts_misses_when_judging_consistency() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s, title=f"a{s}")
        give(case, s, title=f"b{s}", outcome="missed")
    for s in range(5, 8):
        give(case, s)
    phase = build_planner(case).completed_in_common.phase
    assert phase is not None
    assert (phase.first_session, phase.last_session, phase.n) == (5, 8, 3)
    assert phase.rate == pytest.approx(1.0)


def test_exactly_equal_rates_tie_on_n_despite_float_rounding() -> None:
    case = new_case()
    # object: scores 1, .5, .5, .8 -> (2.8 + 1) / 6 = 19/30 (raw rate 0.7: recommendable)
    give(case, 1, format="object")
    give(case, 2, format="object", outcome="partial", done=1, planned=2)
    give(case, 3, format="object", outcome="partial", done=1, planned=2)
    give(case, 4, format="object", outcome="partial", done=4, planned=5)
    # visual: 1, 1, 2/3, 2/3, .6, 2/15 -> (4.0667 + 1) / 8 = 19/30, larger n
    for s, (done, planned) in enumerate([(1, 1), (1, 1), (2, 3), (2, 3), (3, 5), (2, 15)], 5):
        if done == planned:
            give(case, s, format="visual")
        else:
            give(case, s, format="visual", outcome="partial", done=done, planned=planned)
    rec = build_planner(case).system.format
    assert rec.value == "visual"
    assert rec.n == 6


def test_every_field_of_a_table_row_is_the_assignments() -> None:
    case = new_case()
    give(case, 1, outcome="partial", done=2, planned=3, framing=" Practice ")
    give(case, 1, outcome="missed", reasons=("wrong-timing", "forgotten"), explanation="away")
    give(case, 2, format="visual", size="tiny", frequency="daily")
    give(case, 4, outcome="pending")
    p = build_planner(case)
    for table_row in p.completed + p.missed + p.pending:
        a = case.assignments[table_row.assignment_id]
        r = a.resolution
        assert to_dict(table_row) == {
            "assignment_id": a.id,
            "session": a.session,
            "title": a.spec.title,
            "task": a.spec.task,
            "format": a.spec.format.value,
            "size": a.spec.size.value,
            "frequency": a.spec.frequency.value,
            "framing": a.spec.framing.strip().lower(),
            "outcome": a.outcome.value,
            "score": round(r.score, 4) if r else None,
            "resolved_session": r.session if r else None,
            "done": r.done if r else None,
            "planned": r.planned if r else None,
            "experience": r.experience if r else "",
            "explanation": r.explanation if r else "",
            "reasons": [x.value for x in r.reasons] if r else [],
            "notes": a.spec.notes,
        }
    (missed,) = p.missed
    assert missed.reasons == ("wrong-timing", "forgotten")
    assert missed.explanation == "away"


def test_completion_and_phase_with_several_assignments_per_session_and_gaps() -> None:
    case = new_case()
    give(case, 6, title="late")  # given after later ids: rows follow the session order
    give(case, 1, outcome="partial", done=1, planned=3)
    give(case, 1, outcome="missed")
    give(case, 2)
    give(case, 9, outcome="partial", done=2, planned=3)
    give(case, 9)
    give(case, 10, outcome="missed")
    p = build_planner(case)
    assert [(s, n) for s, _, n in p.completion_by_session] == [
        (1, 2),
        (2, 1),
        (6, 1),
        (9, 2),
        (10, 1),
    ]
    assert p.completion_by_session[0][1] == pytest.approx((1 / 3) / 2)
    assert p.completion_by_session[3][1] == pytest.approx((2 / 3 + 1) / 2)
    assert p.sessions_reviewed == (1, 2, 6, 9, 10)
    assert [r.session for r in p.completed] == [1, 2, 6, 9, 9]
    phase = p.completed_in_common.phase
    assert phase is not None  # 1-4: 4/3 of 3; 5-8: one only; 9-12: 5/3 of 3
    assert (phase.first_session, phase.last_session, phase.n) == (9, 12, 3)
    assert phase.rate == pytest.approx(5 / 9)
    # 1 of 3 (score 1/3) counts on the missed side of "in common".
    assert p.completed_in_common.format.of == 4
    assert p.missed_in_common.format.of == 3


def test_first_review_waits_for_the_fourth_session_outcome_in_outcome_order() -> None:
    case = new_case()
    for s in range(1, 11):
        case.hold_session(s, session_date(s))
    spec_ids = [give(case, s, outcome="pending") for s in (1, 2, 3, 4)]
    case.complete(spec_ids[0], 9)
    case.complete(spec_ids[1], 3)
    case.complete(spec_ids[2], 4)
    case.complete(spec_ids[3], 6)
    extra = give(case, 2, outcome="pending", title="again")
    case.complete(extra, 5)  # session 2 again: not a new session
    p = build_planner(case)
    assert p.ready
    assert p.review.next_review_session == 9  # session 1's outcome, the 4th session
