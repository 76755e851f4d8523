"""The planner's revision 2 (spec section 4, points marked r2): one test per rule,
named with the spec's wording, on invented cases."""

from __future__ import annotations

import pytest

from hwcore.domain import (
    Case,
    FollowupProtocol,
    Format,
    Frequency,
    ReviewTrigger,
    Size,
    SystemChoice,
)
from hwcore.planner import (
    BEST_SO_FAR,
    CONSISTENTLY_MANAGED,
    GO_SMALLER,
    HIGHEST_SMOOTHED,
    MISSED_LAST_TWO,
    NOT_ENOUGH_EVIDENCE,
    NOT_ENOUGH_TO_SAY,
    NOTHING_WORKED,
    SIZE_IS_NOT_IT,
    build_planner,
    to_dict,
)
from tests.unit.builders import give, new_case, session_date


def review(
    case: Case,
    session: int,
    *,
    format: Format | None = None,
    size: Size | None = None,
    frequency: Frequency | None = None,
    framing: str | None = None,
    followup: FollowupProtocol | None = None,
) -> None:
    """Record a review at ``session`` (held first if new)."""
    if session not in case.sessions:
        case.hold_session(session, session_date(session))
    case.review(
        session,
        SystemChoice(format=format, size=size, frequency=frequency, framing=framing),
        followup or FollowupProtocol(),
        session + 8,
        ReviewTrigger.CADENCE,
        "",
    )


# ------------------------------------------------------------------ in common


def test_a_partial_counts_on_the_completed_side_when_its_score_is_at_least_0_5() -> None:
    case = new_case()
    give(case, 1, format="written", outcome="partial", done=1, planned=7)  # 1 of 7: missed side
    give(case, 2, format="visual", outcome="partial", done=4, planned=7)  # 4 of 7: completed side
    give(case, 3, format="visual")
    give(case, 4, format="written", outcome="missed")
    p = build_planner(case)
    assert p.completed_in_common.format.values == ("visual",)
    assert (p.completed_in_common.format.count, p.completed_in_common.format.of) == (2, 2)
    assert p.missed_in_common.format.values == ("written",)
    assert (p.missed_in_common.format.count, p.missed_in_common.format.of) == (2, 2)
    # The tables still show a partial with the completed, with its dose.
    assert [r.dose for r in p.completed] == ["1 of 7", "4 of 7", ""]


def test_a_partial_of_exactly_half_counts_as_completed() -> None:
    case = new_case()
    give(case, 1, outcome="partial")  # no doses: 0.5
    give(case, 2, outcome="partial", done=2, planned=4)
    p = build_planner(case)
    assert p.completed_in_common.format.of == 2
    assert p.missed_in_common.note == NOT_ENOUGH_TO_SAY


def test_a_side_with_fewer_than_2_assignments_says_not_enough_to_say() -> None:
    case = new_case()
    give(case, 1, format="written", outcome="missed", reasons=("forgotten",))
    give(case, 2, format="visual")
    give(case, 3, format="visual")
    p = build_planner(case)
    missed = p.missed_in_common
    assert missed.note == NOT_ENOUGH_TO_SAY
    assert missed.format.values == ()
    assert missed.reasons.values == ()
    assert missed.format.of == 1
    assert p.completed_in_common.note == ""
    assert p.completed_in_common.format.values == ("visual",)
    assert to_dict(p)["missed_in_common"]["note"] == "not enough to say"


# --------------------------------------------------------------------- system


def test_the_winner_is_recommended_only_when_its_raw_rate_is_at_least_0_5() -> None:
    case = new_case()
    # weekly: 1 of 3 (0.33) is the best record tried twice, and it has not worked.
    for s, outcome in zip(range(1, 4), ["completed", "missed", "missed"], strict=True):
        give(case, s, format="written", frequency="weekly", framing="practice", outcome=outcome)
    give(case, 4, format="behavioral", frequency="daily", framing="practice", outcome="missed")
    give(case, 5, format="behavioral", frequency="daily", framing="practice", outcome="missed")
    p = build_planner(case)
    for rec in (p.system.format, p.system.frequency, p.system.framing):
        assert rec.value is None
        assert rec.basis == NOTHING_WORKED
    assert p.system.format.untried == (
        "observational",
        "visual",
        "object",
        "conversational",
        "other",
    )
    assert p.system.frequency.untried == ("once", "several-weekly", "per-cycle", "as-needed")
    assert p.system.framing.untried == ()  # framing is a free label: no vocabulary
    data = to_dict(p)["system"]
    assert data["frequency"] is None
    assert data["evidence"]["frequency"]["basis"] == "nothing tried has worked yet"
    assert "never tried: once, several-weekly" in data["evidence"]["frequency"]["reason"]


def test_a_winner_at_a_raw_rate_of_exactly_0_5_is_recommended() -> None:
    case = new_case()
    for s, outcome in zip(range(1, 5), ["completed", "missed"] * 2, strict=True):
        give(case, s, format="written", outcome=outcome)
    rec = build_planner(case).system.format
    assert rec.value == "written"
    assert rec.basis == HIGHEST_SMOOTHED
    assert rec.untried == ()


def test_no_value_with_2_or_more_is_null_with_basis_not_enough_evidence() -> None:
    case = new_case()
    for s, fmt in enumerate(["written", "behavioral", "visual", "object"], start=1):
        give(case, s, format=fmt)
    rec = build_planner(case).system.format
    assert (rec.value, rec.basis) == (None, NOT_ENOUGH_EVIDENCE)


def test_size_step_1_the_largest_size_consistently_managed() -> None:
    case = new_case()
    for s in (1, 2):
        give(case, s, size="tiny")
    for s in (3, 4, 5, 6):
        give(case, s, size="medium", outcome="missed" if s == 6 else "completed")  # 3 of 4
    rec = build_planner(case).system.size
    assert (rec.value, rec.basis) == ("medium", CONSISTENTLY_MANAGED)
    assert rec.n == 4


def test_size_step_2_best_so_far_not_yet_consistent() -> None:
    # Issue 13's case: tiny at 43%, small at 67% -> small, not tiny.
    case = new_case()
    for s, outcome in zip(range(1, 8), ["completed"] * 3 + ["missed"] * 4, strict=True):
        give(case, s, size="tiny", outcome=outcome)
    for s, outcome in zip(range(8, 11), ["completed", "completed", "missed"], strict=True):
        give(case, s, size="small", outcome=outcome)
    rec = build_planner(case).system.size
    assert (rec.value, rec.basis) == ("small", BEST_SO_FAR)
    assert rec.rate == pytest.approx(2 / 3)


def test_size_step_2_ties_go_to_the_smaller_size() -> None:
    case = new_case()
    for s, outcome in zip(range(1, 5), ["completed", "missed"] * 2, strict=True):
        give(case, s, size="large", outcome=outcome)
    for s, outcome in zip(range(5, 9), ["completed", "missed"] * 2, strict=True):
        give(case, s, size="small", outcome=outcome)
    rec = build_planner(case).system.size
    assert (rec.value, rec.basis) == ("small", BEST_SO_FAR)


def test_size_step_3_one_step_below_the_smallest_size_tried_go_smaller() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s, size="large" if s % 2 else "medium", outcome="missed")
    rec = build_planner(case).system.size
    assert (rec.value, rec.basis) == ("small", GO_SMALLER)
    assert rec.note == ""
    assert "one step below the smallest size tried (medium)" in rec.reason


def test_size_step_3_at_tiny_tried_twice_under_0_5_says_size_is_not_what_stops_this_client() -> (
    None
):
    case = new_case()
    for s in range(1, 5):
        give(case, s, size="tiny", outcome="missed" if s != 2 else "completed")  # 1 of 4
    rec = build_planner(case).system.size
    assert (rec.value, rec.basis) == ("tiny", GO_SMALLER)
    assert rec.note == SIZE_IS_NOT_IT
    assert "look at format, framing and timing" in rec.reason


def test_each_recommended_value_says_missed_the_last_2_times() -> None:
    case = new_case()
    for s, outcome in zip(range(1, 7), ["completed"] * 4 + ["missed"] * 2, strict=True):
        give(case, s, format="behavioral", outcome=outcome)
    rec = build_planner(case).system.format
    assert rec.value == "behavioral"  # 4 of 6 still the best record
    assert rec.missed_last_two
    assert MISSED_LAST_TWO in rec.reason
    give(case, 7, format="behavioral")
    assert not build_planner(case).system.format.missed_last_two


def test_every_recommended_values_evidence_carries_basis_and_a_null_says_why() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s, framing=f"label {s}")
    evidence = to_dict(build_planner(case))["system"]["evidence"]
    for name in ("format", "size", "frequency", "framing"):
        assert evidence[name]["basis"]
    assert evidence["framing"]["value"] is None
    assert evidence["framing"]["basis"] == "not enough evidence"
    assert evidence["size"]["basis"] == "consistently managed"


# ------------------------------------------------------------- current system


def test_current_system_is_null_before_the_first_review() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s)
    p = build_planner(case)
    assert p.current_system is None
    data = to_dict(p)
    assert "current_system" in data
    assert data["current_system"] is None


def test_current_system_is_the_system_chosen_at_the_last_review() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s, frequency="weekly")
    review(case, 5, frequency=Frequency.DAILY, size=Size.SMALL, framing=" Curiosity ")
    current = build_planner(case).current_system
    assert current is not None
    assert current.review_session == 5
    assert (current.format, current.size, current.frequency, current.framing) == (
        None,
        "small",
        "daily",
        "curiosity",
    )
    assert current.framing_source == "review at session 5"
    review(case, 6, format=Format.VISUAL)
    current = build_planner(case).current_system
    assert current is not None
    assert (current.format, current.frequency, current.review_session) == ("visual", None, 6)


def test_a_framing_change_recorded_after_the_review_replaces_the_framing() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s)
    review(case, 5, framing="challenge")
    case.hold_session(6, session_date(6))
    case.change_framing(6, "Curiosity", "let's get curious about it", "pressure")
    current = build_planner(case).current_system
    assert current is not None
    assert current.framing == "curiosity"
    assert current.framing_wording == "let's get curious about it"
    assert current.framing_source == "framing change at session 6"


def test_a_framing_change_before_the_review_does_not_replace_the_reviewed_framing() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s)
    case.change_framing(4, "curiosity", "", "pressure")
    review(case, 5, framing="values")
    current = build_planner(case).current_system
    assert current is not None
    assert current.framing == "values"
    review(case, 6)  # the framing left open: the client-level approach stands
    current = build_planner(case).current_system
    assert current is not None
    assert current.framing == "curiosity"


def test_since_the_review_the_history_points_to_size_tiny() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s, size="small")
    review(case, 5, size=Size.SMALL)
    p = build_planner(case)
    assert p.current_system is not None
    assert p.current_system.elsewhere == ()  # the review saw this history
    for s in range(5, 10):
        give(case, s, size="small", outcome="missed")  # small: 4 of 9
    p = build_planner(case)
    assert p.system.size.value == "tiny"
    assert p.current_system is not None
    (elsewhere,) = p.current_system.elsewhere
    assert elsewhere.text == "since the review, the history points to size tiny"
    assert p.current_system.size == "small"  # the therapist's decision stands


# ------------------------------------------------------------------ follow-up


def test_followup_defaults_are_shaped_by_the_current_system_else_the_recommendation() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s, size="tiny", format="behavioral")
    p = build_planner(case)
    assert "the tiny size, the behavioral format" in p.followup.completed_listen_for
    review(case, 5, size=Size.SMALL)  # format left open: the recommendation's
    p = build_planner(case)
    assert "the small size, the behavioral format" in p.followup.completed_listen_for
    assert p.followup.source == "default"


def test_the_therapists_wording_from_the_last_review_wins() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s)
    review(case, 5, followup=FollowupProtocol(missed_diagnostic="What got in the way this time?"))
    p = build_planner(case)
    assert p.followup.missed_diagnostic == "What got in the way this time?"
    assert p.followup.source == "review at session 5"
    assert p.followup.completed_opening  # not written at the review: the default


# --------------------------------------------------------------------- review


def test_three_consecutive_misses_is_answered_by_a_review() -> None:
    case = new_case()
    give(case, 1)
    for s in (2, 3, 4):
        give(case, s, outcome="missed")
    assert "three_consecutive_misses" in build_planner(case).review.triggers
    review(case, 5)
    p = build_planner(case)
    assert "three_consecutive_misses" not in p.review.triggers
    assert not p.review.due


def test_three_new_misses_under_the_new_system_raise_it_again() -> None:
    case = new_case()
    give(case, 1)
    for s in (2, 3, 4):
        give(case, s, outcome="missed")
    review(case, 5)
    give(case, 5, outcome="missed")
    give(case, 6, outcome="missed")
    # Two misses since the review and one the review saw: not yet.
    assert "three_consecutive_misses" not in build_planner(case).review.triggers
    give(case, 7, outcome="missed")
    p = build_planner(case)
    assert p.review.triggers == ("three_consecutive_misses",)
    assert p.review.due


def test_misses_recorded_at_the_review_session_were_seen_by_the_review() -> None:
    case = new_case()
    give(case, 1)
    for s in (2, 3, 4):
        give(case, s, outcome="missed")  # the last outcome is recorded at session 5
    review(case, 5)
    assert build_planner(case).review.triggers == ()


def test_the_user_guide_states_every_basis_word_for_word() -> None:
    from pathlib import Path

    from hwcore import planner

    guide = " ".join(
        (Path(__file__).parents[2] / "docs" / "user-guide.md").read_text(encoding="utf-8").split()
    )
    for phrase in (
        planner.NOT_READY,
        planner.NOT_ENOUGH_EVIDENCE,
        planner.NOTHING_WORKED,
        planner.HIGHEST_SMOOTHED,
        planner.CONSISTENTLY_MANAGED,
        planner.BEST_SO_FAR,
        planner.GO_SMALLER,
        planner.NOT_ENOUGH_TO_SAY,
        planner.MISSED_LAST_TWO,
        planner.SIZE_IS_NOT_IT,
        "since the review, the history points to size tiny",
        "a written task framed as an experiment",
    ):
        assert f'"{phrase}"' in guide.replace("**", ""), phrase


def test_the_next_assignment_starts_from_the_current_system_else_the_recommendation() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s, format="behavioral", size="small", frequency="weekly", framing="practice")
    assert build_planner(case).design_defaults() == {
        "format": "behavioral",
        "size": "small",
        "frequency": "weekly",
        "framing": "practice",
    }
    review(case, 5, frequency=Frequency.DAILY, framing="curiosity")
    assert build_planner(case).design_defaults() == {
        "format": "behavioral",  # left open at the review: the recommendation
        "size": "small",
        "frequency": "daily",
        "framing": "curiosity",
    }
    assert build_planner(new_case("XY")).design_defaults() == dict.fromkeys(
        ("format", "size", "frequency", "framing")
    )
