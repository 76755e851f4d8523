"""The homework part of a progress note (seed 003's order), as text, Markdown and JSON."""

from __future__ import annotations

import pytest

from hwcore.application import InvalidValueError, to_dict
from hwcore.application.notes import NOT_RECORDED, compose_note
from hwcore.domain import AssignmentSpec, Case, MissReason
from hwcore.domain.measures import BUILTIN
from tests.unit.builders import new_case, session_date

EXPERIENCE = (
    "easy on workdays, but at the weekend I stayed out late with my sister and her"
    " kids and by the time I got home the journal was the last thing on my mind"
)
ASSIGNMENT_LABELS = (
    "Specific assignment given",
    "Clinical rationale",
    "Method/format chosen",
    "Client's understanding and agreement",
    "Accommodations",
    "Barriers discussed",
    "Follow-up plan",
)
REVIEW_LABELS = (
    "Completion rate",
    "Client's experience",
    "Clinical insights gained",
    "Modification for the next assignment",
)


def _full_spec(title: str) -> AssignmentSpec:
    return AssignmentSpec(
        title=title,
        format="written",
        size="tiny",
        framing="experiment",
        frequency="daily",
        task="Daily mood rating 1-10 at bedtime using the paper journal provided",
        rationale="To identify patterns between sleep and mood fluctuations",
        method="paper journal",
        understanding="agreed; restated it in her own words",
        accommodations="large print",
        barriers="worried about forgetting; set a phone alarm",
        followup_plan="Review the journal in the first 10 minutes of next session",
        when_where="at bedtime, in the bedroom",
        days="mon,thu",
        time="21:30",
        confidence=8,
        planned_doses=7,
        started_in_session=True,
    )


def _case() -> Case:
    """Session 1: a full assignment and PHQ-9 15; session 2: 5/7 reviewed, a new one, PHQ-9 11."""
    case = new_case("TR-22")
    for n in (1, 2, 3):
        case.hold_session(n, session_date(n))
    case.assign(1, _full_spec("Mood rating at bedtime"))
    case.take_measure(1, BUILTIN["phq9"], items=[2, 2, 2, 2, 2, 1, 2, 2, 0])
    case.complete(
        1,
        2,
        partial=True,
        done=5,
        planned=7,
        experience=EXPERIENCE,
        insights="The weekend routine has no evening anchor",
        modification="Morning practice at weekends, phone notes instead of paper",
    )
    case.assign(2, AssignmentSpec(title="Walk", format="behavioral", size="small", framing="x"))
    case.take_measure(2, BUILTIN["phq9"], items=[1, 1, 2, 1, 2, 1, 1, 1, 1])
    return case


def test_the_note_gives_every_element_in_seed_003s_order() -> None:
    text = compose_note(_case(), 2).text(width=0)
    session_1 = compose_note(_case(), 1).text(width=0)

    positions = [session_1.index(label + ":") for label in ASSIGNMENT_LABELS]
    assert positions == sorted(positions)
    order = ["Homework assigned", "Review of the last homework", "Outcome measures"]
    assert [text.index(h) for h in order] == sorted(text.index(h) for h in order)
    positions = [text.index(label + ":") for label in REVIEW_LABELS]
    assert positions == sorted(positions)
    assert text.index("#2 Walk") < text.index("#1 Mood rating at bedtime")
    assert "Homework: TR-22, session 2 (2026-01-12)" in text
    assert "Completion rate: 5/7 (71%), partly completed" in text
    assert "The weekend routine has no evening anchor" in text
    assert "Morning practice at weekends, phone notes instead of paper" in text
    assert "PHQ-9: 11 (moderate); since session 1: 15 to 11 (-4 points)" in text
    assert "no reliable change (threshold 6 points)" in text
    assert "Mon/Thu at 21:30" in session_1
    assert "confidence 8/10" in session_1
    assert "started in session" in session_1
    assert "PHQ-9: 15 (moderately severe); the first measurement" in session_1


def test_a_field_not_recorded_says_so_and_no_line_is_blank_after_its_label() -> None:
    text = compose_note(_case(), 2).text(width=0)
    walk = text[text.index("#2 Walk") : text.index("Review of the last homework")]
    for label in ASSIGNMENT_LABELS:
        if label != "Method/format chosen":
            assert f"{label}: {NOT_RECORDED}" in walk
    assert f"method {NOT_RECORDED}" in walk
    for line in text.splitlines():
        assert not line.rstrip().endswith(":"), line
        assert "None" not in line


def test_an_empty_session_says_what_did_not_happen() -> None:
    text = compose_note(_case(), 3).text()
    assert "No homework was assigned at this session." in text
    assert "No homework was reviewed at this session." in text
    assert "No outcome measure was taken at this session." in text
    assert "#2 Walk (assigned at session 2): no outcome recorded yet" in text


def test_the_default_session_is_the_latest() -> None:
    assert compose_note(_case()).session == 3


@pytest.mark.parametrize(("session", "allowed"), [(9, "1-3"), (0, "1-3")])
def test_an_unknown_session_is_one_clear_error(session: int, allowed: str) -> None:
    with pytest.raises(InvalidValueError, match=f"invalid session {session}.*{allowed}"):
        compose_note(_case(), session)


def test_a_client_without_a_session_has_no_note() -> None:
    with pytest.raises(InvalidValueError, match="TR-22 has none yet"):
        compose_note(new_case("TR-22"))


@pytest.mark.parametrize("width", [40, 60, 78])
def test_plain_text_wraps_without_cutting_a_word(width: int) -> None:
    case = _case()
    long_word = "x" * (width + 10)
    case.correct(1, 2, {"experience": f"{EXPERIENCE} {long_word}"}, "added")
    text = compose_note(case, 2).text(width)
    for line in text.splitlines():
        assert len(line) <= width or long_word in line
    flowing = " ".join(line.strip() for line in text.splitlines())
    assert f'"{EXPERIENCE} {long_word}"' in flowing


def test_width_0_gives_one_line_per_entry() -> None:
    text = compose_note(_case(), 2).text(width=0)
    assert f'Client\'s experience: "{EXPERIENCE}"' in text


def test_markdown_has_headings_and_shows_the_stored_text_as_written() -> None:
    case = _case()
    case.correct(1, 2, {"insights": "*not* a pattern_yet [see] <b>"}, "clarified")
    md = compose_note(case, 2).markdown()
    assert md.startswith("### Homework: TR-22, session 2")
    assert "#### Homework assigned" in md
    assert "#### Review of the last homework" in md
    assert "- #1 Mood rating at bedtime (assigned at session 1)" in md
    assert "  - Completion rate: 5/7 (71%), partly completed" in md
    assert r"\*not\* a pattern\_yet \[see\] \<b\>" in md
    assert "\n\n\n" not in md


def test_the_json_holds_every_part_with_the_exact_text() -> None:
    data = to_dict(compose_note(_case(), 2))
    assert set(data) == {
        "client", "session", "date", "assigned", "reviewed", "not_reviewed", "measures",
        "alerts", "consents",
    }  # fmt: skip
    [reviewed] = data["reviewed"]
    assert reviewed["experience"] == EXPERIENCE
    assert (reviewed["done"], reviewed["planned"], reviewed["percent"]) == (5, 7, 71)
    assert reviewed["insights"] == "The weekend routine has no evening anchor"
    [measure] = data["measures"]
    assert (measure["first_total"], measure["total"], measure["change_since_first"]) == (15, 11, -4)
    assert data["assigned"][0]["title"] == "Walk"


@pytest.mark.parametrize(
    ("outcome", "doses", "expected"),
    [
        ("completed", 7, "7/7 (100%), completed"),
        ("completed", None, "completed (100%)"),
        ("partial-unknown", 7, "partly completed (doses not recorded)"),
        ("missed", 7, "0/7 (0%), missed"),
        ("missed", None, "missed (0%)"),
    ],
)
def test_the_completion_rate_reads_as_done_of_planned(
    outcome: str, doses: int | None, expected: str
) -> None:
    case = new_case()
    for n in (1, 2):
        case.hold_session(n, session_date(n))
    case.assign(
        1,
        AssignmentSpec(
            title="Log", format="written", size="small", framing="x", planned_doses=doses
        ),
    )
    if outcome == "completed":
        case.complete(1, 2)
    elif outcome == "missed":
        case.miss(1, 2, explanation="I forgot", reasons=[MissReason.FORGOTTEN])
    else:
        case.complete(1, 2, partial=True)
    text = compose_note(case, 2).text()
    assert f"Completion rate: {expected}" in text
    if outcome == "missed":
        assert 'Client\'s explanation: "I forgot" (reasons: forgotten)' in text
        assert "Client's experience" not in text


def test_a_risk_alert_at_the_session_comes_first_and_says_whether_it_was_acknowledged() -> None:
    case = _case()
    text = compose_note(case, 2).text()
    assert text.index("RISK ALERT: PHQ-9 item 9") < text.index("Homework assigned")
    assert "scored 1 at this session: NOT YET ACKNOWLEDGED" in " ".join(text.split())
    assert "RISK ALERT" not in compose_note(case, 1).text()
    later = " ".join(compose_note(case, 3).text().split())
    assert "scored 1 at session 2: NOT YET ACKNOWLEDGED" in later  # still open: still shown
    case.acknowledge_alert(3, "phq9_item9", 2, "safety plan reviewed")
    assert "at this session: acknowledged" in " ".join(compose_note(case, 2).text().split())
    assert "RISK ALERT" not in compose_note(case, 3).text()


def test_a_measure_shows_its_change_only_up_to_the_session() -> None:
    case = _case()
    case.take_measure(3, BUILTIN["phq9"], items=[0, 0, 1, 0, 1, 0, 0, 1, 0])
    at_2 = compose_note(case, 2)
    at_3 = compose_note(case, 3).text()
    assert [m.total for m in at_2.measures] == [11]
    assert "PHQ-9: 3 (minimal); since session 1: 15 to 3 (-12 points), improved" in at_3
    assert "since session 2: -8 points" in at_3


def test_a_consent_recorded_at_the_session_is_in_the_note() -> None:
    case = _case()
    case.record_consent(
        2, "sms", boundaries="not for crisis support", privacy_risk="SMS not encrypted",
        days=["tue", "thu"],
    )  # fmt: skip
    text = compose_note(case, 2).text()
    assert "Consent for sms on Tue/Thu" in text
    assert "Boundaries discussed: not for crisis support" in text
    assert "Privacy risk accepted: SMS not encrypted" in text
