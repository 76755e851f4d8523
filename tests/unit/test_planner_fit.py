"""The fit check's consistency rules (spec section 4, current system; 4a)."""

from __future__ import annotations

import attrs

from hwcore.domain import AssignmentSpec, Case, Format, Frequency, Size
from hwcore.planner import Fit, assess_fit, build_planner
from tests.unit.builders import give, new_case
from tests.unit.test_planner_r2 import review


def design(
    format: str = "written",
    size: str = "small",
    framing: str = "experiment",
    frequency: str = "weekly",
    confidence: int | None = None,
) -> AssignmentSpec:
    """A proposed assignment."""
    return AssignmentSpec(
        title="next",
        format=Format.parse(format),
        size=Size.parse(size),
        framing=framing,
        frequency=Frequency.parse(frequency),
        confidence=confidence,
    )


def fit(case: Case, spec: AssignmentSpec) -> Fit:
    """The fit check as the application runs it."""
    return assess_fit(case, spec, build_planner(case))


def test_the_fit_check_compares_with_the_current_system() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s, frequency="weekly")
    review(case, 5, frequency=Frequency.DAILY)
    warnings = fit(case, design(frequency="daily")).warnings
    # Issue 13: "frequency 'daily' differs from the planner's 'weekly'" no more.
    assert not [w for w in warnings if "frequency" in w]
    warnings = fit(case, design(frequency="weekly")).warnings
    assert (
        "frequency 'weekly' differs from the chosen system's 'daily' (the review at session 5)"
        in (warnings)
    )


def test_without_a_review_the_fit_check_compares_with_the_recommendation() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s, format="written")
    warnings = fit(case, design(format="visual")).warnings
    assert "format 'visual' differs from the planner's 'written'" in warnings


def test_the_fit_check_never_warns_about_a_value_equal_to_the_current_system_without_saying_it_is_the_chosen_value() -> (
    None
):
    case = new_case()
    for s in range(1, 5):
        give(case, s, framing="challenge", outcome="missed" if s != 1 else "completed")
    review(case, 5, framing="challenge", size=Size.SMALL)
    f = fit(case, design(framing="challenge"))
    (warning,) = [w for w in f.warnings if w.startswith("framing")]
    assert warning == (
        "framing challenge: 1 of 4 completed (25%): the value chosen at the review at"
        " session 5, though this client rarely does it"
    )


def test_the_fit_check_never_contradicts_the_planners_own_basis() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s, size="tiny", outcome="missed")
    p = build_planner(case)
    assert p.system.size.value == "tiny"
    f = assess_fit(case, design(size="tiny"), p)
    (warning,) = [w for w in f.warnings if w.startswith("size")]
    assert "the planner's recommendation (nothing has worked yet: go smaller)" in warning
    assert "size is not what stops this client" in warning
    assert "this client rarely does it" in warning


def test_the_fit_check_and_the_planner_never_disagree_about_a_values_evidence() -> None:
    case = new_case()
    give(case, 1, format="written", outcome="partial", done=3, planned=7)
    give(case, 2, format="written")
    give(case, 3, format="written", outcome="missed")
    give(case, 4, format="visual")
    p = build_planner(case)
    f = assess_fit(case, design(format="written"), p)
    (ev,) = [e for e in p.system.format.candidates if e.value == "written"]
    (ff,) = [x for x in f.fields if x.field == "format"]
    assert (ff.n, ff.completed, ff.partial, ff.missed, ff.rate) == (
        ev.n,
        ev.completed,
        ev.partial,
        ev.missed,
        ev.rate,
    )


def test_a_size_above_the_chosen_size_is_warned_about_and_the_chosen_size_suggested() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s, size="medium")
    review(case, 5, size=Size.SMALL)
    f = fit(case, design(size="medium"))
    assert (
        "size 'medium' is above the chosen size: the chosen system's 'small' (the review at session 5)"
        in (f.warnings)
    )
    assert f.suggested_size == "small"
    assert fit(case, design(size="small")).suggested_size is None


def test_the_fit_check_says_the_chosen_value_where_the_history_now_points_elsewhere() -> None:
    case = new_case()
    for s in range(1, 5):
        give(case, s, size="small")
    review(case, 5, size=Size.SMALL)
    for s in range(5, 10):
        give(case, s, size="small", outcome="missed")
    f = fit(case, design(size="small"))
    assert (
        "size 'small' is the chosen value; since the review, the history points to size tiny"
        in f.notes
    )


def _confounded_case() -> Case:
    case = new_case()
    give(case, 1, format="written", framing="challenge", outcome="missed")
    give(case, 2, format="written", framing="challenge", outcome="missed")
    give(case, 3, format="behavioral", framing="experiment")
    give(case, 4, format="visual", framing="experiment")
    give(case, 5, format="behavioral", framing="practice", outcome="missed")
    return case


def test_when_the_design_is_exactly_the_proposed_test_the_fit_check_says_it_will_tell_the_two_apart() -> (
    None
):
    case = _confounded_case()
    p = build_planner(case)
    (entry,) = [c for c in p.confounded if c.values == ("written", "challenge")]
    assert entry.test == "a written task framed as an experiment"
    f = assess_fit(case, design(format="written", framing="experiment"), p)
    assert (
        "this assignment will tell apart written and challenge"
        " (format and framing always came together so far)" in f.notes
    )
    assert not [w for w in f.warnings if w.startswith(("format", "framing"))]
    # The same format with the confounded framing: a warning, and the note says why.
    other = assess_fit(case, design(format="written", framing="challenge"), p)
    assert any(w.startswith("format written") for w in other.warnings)
    assert any("would tell" in n for n in other.notes)


def test_a_low_confidence_suggests_one_size_smaller() -> None:
    case = new_case()
    f = fit(case, design(size="medium", confidence=6))
    assert f.suggested_size == "small"
    assert any("confidence 6/10 is below 9" in w for w in f.warnings)


def test_the_fit_reads_no_table_of_the_planner() -> None:
    """hw assign weighs a design against the cached planner without its tables (cli_write)."""
    case = new_case()
    for n, (fmt, outcome) in enumerate(
        [("written", "missed"), ("written", "missed"), ("visual", "completed"),
         ("visual", "completed"), ("behavioral", "partial"), ("written", "completed")],
        start=1,
    ):  # fmt: skip
        give(case, 2 * n, format=fmt, outcome=outcome, done=1, planned=3)
    planner = build_planner(case)
    bare = attrs.evolve(planner, completed=(), missed=(), pending=())
    for fmt in ("written", "visual", "behavioral", "other"):
        for size in ("tiny", "large"):
            design = AssignmentSpec(
                title="t", format=fmt, size=size, framing="experiment", confidence=5
            )
            full = assess_fit(case, design, planner)
            assert full == assess_fit(case, design, bare)
            assert full.warnings or fmt == "visual"  # the check compares real advice
