"""Properties of the planner over random invented histories, with and without reviews."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hwcore.domain import (
    AssignmentSpec,
    Case,
    ChangeKind,
    FollowupProtocol,
    Format,
    Frequency,
    MissReason,
    ReviewTrigger,
    Size,
    SystemChoice,
)
from hwcore.domain.measures import PHQ9
from hwcore.planner import FIELDS, Row, assess_fit, build_planner, from_dict, to_dict
from hwcore.planner.cache import from_cache, to_cache
from tests.unit.builders import new_case, session_date

FORMATS = ["written", "behavioral", "visual", "conversational"]
SIZES = ["tiny", "small", "medium", "large"]
FREQUENCIES = ["once", "weekly", "daily"]
FRAMINGS = ["experiment", "Experiment ", "practice", "challenge"]

step = st.fixed_dictionaries(
    {
        "format": st.sampled_from(FORMATS),
        "size": st.sampled_from(SIZES),
        "frequency": st.sampled_from(FREQUENCIES),
        "framing": st.sampled_from(FRAMINGS),
        "outcome": st.sampled_from(["completed", "missed", "partial", "partial-doses", "pending"]),
        "done": st.integers(min_value=0, max_value=7),
        "review": st.booleans(),
        "choice": st.fixed_dictionaries(
            {
                "format": st.none() | st.sampled_from(FORMATS),
                "size": st.none() | st.sampled_from(SIZES),
                "frequency": st.none() | st.sampled_from(FREQUENCIES),
                "framing": st.none() | st.sampled_from(FRAMINGS),
                "wording": st.sampled_from(["", "What did you notice?"]),
            }
        ),
        "framing_change": st.none() | st.sampled_from(FRAMINGS),
        "change": st.booleans(),
        "phq9": st.none() | st.lists(st.integers(0, 3), min_size=9, max_size=9),
        "acknowledge": st.booleans(),
    }
)
histories = st.lists(step, min_size=0, max_size=16)


def build(steps: list[dict[str, Any]]) -> Case:
    """One assignment per session, resolved at the next; reviews and changes between."""
    case = new_case()
    previous: tuple[int, dict[str, Any]] | None = None
    for session, s in enumerate(steps, start=1):
        case.hold_session(session, session_date(session))
        if previous is not None:
            ident, p = previous
            if p["outcome"] == "completed":
                case.complete(ident, session)
            elif p["outcome"] == "partial":
                case.complete(ident, session, partial=True)
            elif p["outcome"] == "partial-doses":
                case.complete(ident, session, partial=True, done=min(p["done"], 6), planned=7)
            elif p["outcome"] == "missed":
                case.miss(ident, session, explanation="invented", reasons=[MissReason.FORGOTTEN])
        if s["review"]:
            c = s["choice"]
            case.review(
                session,
                SystemChoice(
                    format=Format.parse(c["format"]) if c["format"] else None,
                    size=Size.parse(c["size"]) if c["size"] else None,
                    frequency=Frequency.parse(c["frequency"]) if c["frequency"] else None,
                    framing=c["framing"],
                ),
                FollowupProtocol(completed_opening=c["wording"]),
                session + 8,
                ReviewTrigger.CADENCE,
                "",
            )
        if s["framing_change"]:
            case.change_framing(session, s["framing_change"], "", "invented reason")
        if s["change"]:
            case.note_change(session, ChangeKind.LIFE, "invented change")
        if s["phq9"] is not None:
            case.take_measure(session, PHQ9, items=s["phq9"])
            if s["acknowledge"] and s["phq9"][8]:
                case.acknowledge_alert(session, "phq9_item9", session, "invented note")
        ident = case.assign(
            session,
            AssignmentSpec(
                title=f"task {session}",
                format=Format.parse(s["format"]),
                size=Size.parse(s["size"]),
                framing=s["framing"],
                frequency=Frequency.parse(s["frequency"]),
            ),
        )
        previous = (ident, s)
    return case


@settings(max_examples=80, deadline=None)
@given(histories)
def test_from_dict_is_the_inverse_of_to_dict_through_json(steps: list[dict[str, Any]]) -> None:
    planner = build_planner(build(steps))
    document = json.loads(json.dumps(to_dict(planner, digits=None)))
    assert from_dict(document) == planner


@settings(max_examples=80, deadline=None)
@given(histories)
def test_the_cached_form_reads_back_as_the_same_planner(steps: list[dict[str, Any]]) -> None:
    planner = build_planner(build(steps))
    text = to_cache(planner)
    assert from_cache(text) == planner
    # Rows are arrays in the cache (not objects that repeat every field name).
    document = json.loads(text)[2]
    rows = document.pop("rows")
    assert [len(r) for r in rows["completed"]] == [len(attrs.fields(Row))] * len(planner.completed)
    # Everything else is to_dict's document at full precision, fast paths included.
    full = json.loads(json.dumps(to_dict(planner, digits=None)))
    assert document == {
        k: v for k, v in full.items() if k not in ("completed", "missed", "pending")
    }


STEPS_WITH_ROWS = [
    {
        "format": "written", "size": "small", "frequency": "weekly", "framing": "experiment",
        "outcome": outcome, "done": 3, "review": False, "choice": {}, "framing_change": None,
        "change": False, "phq9": None, "acknowledge": False,
    }
    for outcome in ("completed", "missed", "pending")
]  # fmt: skip
"""A history with a completed, a missed and a pending row."""


def test_a_planner_cached_in_another_form_is_refused_not_misread() -> None:
    planner = build_planner(build(STEPS_WITH_ROWS))
    assert planner.completed
    fine = to_cache(planner)
    version, fields, document = json.loads(fine)
    old = json.dumps(to_dict(planner, digits=None))  # the form m005 emptied from the cache
    other_rows = json.dumps([version, [*fields, "added_later"], document])
    short_row = json.loads(fine)
    short_row[2]["rows"]["completed"][0].pop()
    damaged = json.loads(fine)
    damaged[2]["system"] = 7
    texts = [old, "not json", "[]", "[9]", fine.replace("[2,", "[9,", 1), other_rows]
    for text in [*texts, json.dumps(short_row), json.dumps(damaged)]:
        with pytest.raises(ValueError, match="cached planner"):
            from_cache(text)
    assert from_cache(fine) == planner


def test_an_earlier_hw_reading_the_cache_finds_no_object_and_computes() -> None:
    """Its fast read served a cached JSON object only: the cached form is an array."""
    assert isinstance(json.loads(to_cache(build_planner(build([])))), list)


def _generic(value: Any, digits: int | None) -> Any:
    """The generic walk over a row's attrs fields (what ``to_dict`` did before its fast path)."""
    return {f.name: to_dict(getattr(value, f.name), digits=digits) for f in attrs.fields(Row)}


@settings(max_examples=80, deadline=None)
@given(histories, st.sampled_from([None, 2]))
def test_rows_serialize_as_the_generic_walk_over_their_fields(
    steps: list[dict[str, Any]], digits: int | None
) -> None:
    planner = build_planner(build(steps))
    rows = (*planner.completed, *planner.missed, *planner.pending)
    for row in rows:
        fast = to_dict(row, digits=digits)
        assert fast == _generic(row, digits)
        assert list(fast) == [f.name for f in attrs.fields(Row)]
        assert json.dumps(fast) == json.dumps(_generic(row, digits))


@settings(max_examples=120, deadline=None)
@given(histories, st.data())
def test_a_design_equal_to_the_current_system_or_the_recommendation_is_never_called_a_poor_fit_unnamed(
    steps: list[dict[str, Any]], data: st.DataObject
) -> None:
    case = build(steps)
    planner = build_planner(case)
    current = planner.current_system
    reference: dict[str, str | None] = {}
    for field in FIELDS:
        chosen = current.value(field) if current is not None else None
        recommended = getattr(planner.system, field).value
        reference[field] = chosen if chosen is not None else recommended
    filler = {"format": FORMATS, "size": SIZES, "frequency": FREQUENCIES, "framing": FRAMINGS}
    values = {
        field: value if value is not None else data.draw(st.sampled_from(filler[field]))
        for field, value in reference.items()
    }
    spec = AssignmentSpec(
        title="next",
        format=Format.parse(values["format"]),
        size=Size.parse(values["size"]),
        framing=values["framing"],
        frequency=Frequency.parse(values["frequency"]),
    )
    fit = assess_fit(case, spec, planner)
    for field in FIELDS:
        if reference[field] is None:
            continue
        about = [w for w in fit.warnings if w.startswith(f"{field} ")]
        for warning in about:
            assert "differs" not in warning
            assert "is above" not in warning
            if "rarely" in warning:
                assert "chosen" in warning or "recommendation" in warning, warning
    # The fit check and the planner never disagree about the same value's evidence.
    for f in fit.fields:
        evidence = {e.value: e for e in getattr(planner.system, f.field).candidates}
        e = evidence.get(f.value)
        if e is None:
            assert f.n == 0
        else:
            assert (f.n, f.completed, f.partial, f.missed, f.rate) == (
                e.n,
                e.completed,
                e.partial,
                e.missed,
                e.rate,
            )
        rec = getattr(planner.system, f.field)
        if f.value == rec.value and f.rarely_done:
            # The planner recommends a value this client rarely does only when it says so.
            assert (
                rec.note or rec.missed_last_two or rec.basis != "highest smoothed completion rate"
            )
