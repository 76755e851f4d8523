"""What the history cannot tell apart (spec section 4a): the rule's edges."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hwcore.planner import build_planner, describe, to_dict
from tests.unit.builders import give, new_case


def test_two_values_that_always_came_together_are_confounded_with_a_test_for_a_therapist() -> None:
    case = new_case()
    # Every written task was framed as a challenge and every challenge was written.
    give(case, 1, format="written", framing="challenge", outcome="missed")
    give(case, 2, format="written", framing="challenge", outcome="missed")
    give(case, 3, format="behavioral", framing="experiment")
    give(case, 4, format="visual", framing="experiment")
    give(case, 5, format="behavioral", framing="experiment", outcome="missed")
    p = build_planner(case)
    (entry,) = [c for c in p.confounded if c.fields == ("format", "framing")]
    assert entry.values == ("written", "challenge")
    assert entry.n == 2
    assert entry.rate == 0.0
    assert entry.rest_rate == pytest.approx(2 / 3)
    assert entry.text == "written is confounded with challenge"
    assert entry.test == "a written task framed as an experiment"
    assert entry.keep == ("format", "written")
    assert entry.change == ("framing", "experiment")
    data = to_dict(p)["confounded"]
    assert {"fields", "values", "n", "rate", "test"} <= set(data[0])


def test_n_1_on_one_side_is_not_confounded() -> None:
    case = new_case()
    give(case, 1, format="written", framing="challenge", outcome="missed")  # once only
    give(case, 2, format="behavioral", framing="experiment")
    give(case, 3, format="behavioral", framing="experiment")
    give(case, 4, format="visual", framing="values")
    entries = build_planner(case).confounded
    assert not [c for c in entries if "written" in c.values]


def test_a_value_that_co_occurred_only_one_way_is_not_confounded() -> None:
    case = new_case()
    # Every written task was a challenge, but challenge also came with visual.
    give(case, 1, format="written", framing="challenge", outcome="missed")
    give(case, 2, format="written", framing="challenge", outcome="missed")
    give(case, 3, format="visual", framing="challenge", outcome="missed")
    give(case, 4, format="behavioral", framing="experiment")
    give(case, 5, format="behavioral", framing="experiment")
    entries = build_planner(case).confounded
    assert not [c for c in entries if "challenge" in c.values]
    # behavioral and experiment did always come together (both ways): that one counts.
    assert [c.values for c in entries if c.fields == ("format", "framing")] == [
        ("behavioral", "experiment")
    ]


def _with_difference(group: list[tuple[int, int]], rest: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
    """A case where written/challenge always came together: partials done of planned."""
    case = new_case()
    session = 1
    for (done, planned), (fmt, framing) in itertools.chain(
        zip(group, itertools.repeat(("written", "challenge"))),
        zip(rest, itertools.repeat(("behavioral", "experiment"))),
    ):
        if done == planned:
            give(case, session, format=fmt, framing=framing)
        else:
            give(
                case,
                session,
                format=fmt,
                framing=framing,
                outcome="partial",
                done=done,
                planned=planned,
            )
        session += 1
    return build_planner(case)


def test_a_difference_of_0_29_is_not_enough_and_0_30_is() -> None:
    # group: 0.30 and 0.30 (rate 0.30); rest: 0.59 or 0.60 (every value varies freely
    # in the rest: behavioral and experiment come together too, so look at written only).
    not_enough = _with_difference([(30, 100), (30, 100)], [(59, 100), (59, 100)])
    assert not [c for c in not_enough.confounded if "written" in c.values]
    enough = _with_difference([(30, 100), (30, 100)], [(60, 100), (60, 100)])
    (entry,) = [c for c in enough.confounded if c.values == ("written", "challenge")]
    assert entry.rate == pytest.approx(0.3)
    assert entry.rest_rate == pytest.approx(0.6)


def test_three_fields_all_confounded_give_three_entries() -> None:
    case = new_case()
    for s in (1, 2, 3):
        give(case, s, format="written", size="medium", framing="challenge", outcome="missed")
    give(case, 4, format="behavioral", size="tiny", framing="experiment")
    give(case, 5, format="visual", size="small", framing="experiment")
    give(case, 6, format="behavioral", size="small", framing="practice")
    p = build_planner(case)
    triple = [c for c in p.confounded if set(c.values) <= {"written", "medium", "challenge"}]
    assert sorted(c.fields for c in triple) == [
        ("format", "framing"),
        ("format", "size"),
        ("size", "framing"),
    ]
    for c in triple:
        assert c.n == 3
        assert c.rate == 0.0
        assert c.test  # each has an assignment that would tell


def test_a_recommendation_that_rests_on_a_confounded_value_says_so() -> None:
    case = new_case()
    for s in (1, 2, 3):
        give(case, s, format="behavioral", framing="experiment")
    for s in (4, 5):
        give(case, s, format="written", framing="challenge", outcome="missed")
    give(case, 6, format="visual", framing="values", outcome="missed")
    give(case, 7, format="visual", framing="practice", outcome="missed")
    p = build_planner(case)
    rec = p.system.format
    assert rec.value == "behavioral"
    assert rec.confounded_with == ("framing experiment",)
    assert "behavioral is confounded with experiment" in rec.reason
    assert p.system.framing.confounded_with == ("format behavioral",)
    assert "experiment is confounded with behavioral" in p.system.framing.reason


def test_no_entry_when_nothing_else_was_tried() -> None:
    case = new_case()
    for s in range(1, 5):
        give(
            case,
            s,
            format="written",
            framing="challenge",
            outcome="missed" if s % 2 else "completed",
        )
    assert build_planner(case).confounded == ()  # no rest to compare with


@pytest.mark.parametrize(
    ("design", "text"),
    [
        ({"format": "written", "framing": "experiment"}, "a written task framed as an experiment"),
        ({"size": "tiny", "format": "object"}, "a tiny object-based task"),
        ({"format": "observational", "frequency": "daily"}, "an observational task done daily"),
        (
            {"framing": "practice", "frequency": "weekly"},
            "a task framed as a practice, done once a week",
        ),
        (
            {"size": "small", "frequency": "several-weekly"},
            "a small task done several times a week",
        ),
    ],
)
def test_the_test_is_phrased_for_a_therapist(design: dict[str, str], text: str) -> None:
    assert describe(design) == text


FORMATS = ["written", "behavioral", "visual"]
SIZES = ["tiny", "small", "medium"]
FRAMINGS = ["experiment", "practice", "challenge"]


@settings(max_examples=40, deadline=None)
@given(
    repeats=st.integers(min_value=1, max_value=2),
    outcomes=st.lists(
        st.sampled_from(["completed", "missed", "partial"]), min_size=27, max_size=27
    ),
)
def test_a_history_with_every_value_varied_independently_yields_no_entry(
    repeats: int, outcomes: list[str]
) -> None:
    # Every combination of format, size and framing, the same number of times:
    # no value always came with another one, whatever the outcomes.
    case = new_case()
    session = 1
    for _ in range(repeats):
        for (fmt, size, framing), outcome in zip(
            itertools.product(FORMATS, SIZES, FRAMINGS), outcomes, strict=True
        ):
            give(case, session, format=fmt, size=size, framing=framing, outcome=outcome)
            session += 1
    assert build_planner(case).confounded == ()
