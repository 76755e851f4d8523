"""A wrap-up that records the whole session at once: changes, framing, measures, consents,
corrections and the review, with the outcomes and the next assignment (all or nothing)."""

from __future__ import annotations

import pytest

from hwcore.application import (
    AssignmentSpec,
    ChangeEntry,
    ConsentEntry,
    CorrectionEntry,
    FramingEntry,
    HwApplication,
    InvalidValueError,
    MeasureEntry,
    OutcomeEntry,
    ReviewChoice,
    SessionEntries,
    to_dict,
)

PHQ9_ITEM9 = (1, 1, 1, 1, 1, 1, 1, 1, 1)
"""Every PHQ-9 item at 1: item 9 above 0 raises the risk alert."""


def one_assignment(app: HwApplication) -> int:
    """An invented client with one pending assignment given at session 1."""
    app.register_client("WU")
    spec = AssignmentSpec(title="Walk", format="behavioral", size="small", framing="experiment")
    return app.assign("WU", spec, session=1, date="2026-02-02").assignment.assignment_id


def everything(ident: int) -> SessionEntries:
    return SessionEntries(
        corrections=(
            CorrectionEntry(assignment_id=ident, changes={"title": "Walks"}, reason="typo"),
        ),
        changes=(ChangeEntry(kind="life", note="Mum had a fall"),),
        framing=FramingEntry(label="curiosity", wording="let's see", reason="test felt heavy"),
        measures=(MeasureEntry(instrument="phq9", items=PHQ9_ITEM9),),
        consents=(
            ConsentEntry(
                channel="sms",
                days="tue,thu",
                boundaries="not for crisis support",
                privacy_risk="messages may be seen on the phone",
            ),
        ),
        review=ReviewChoice(size="tiny"),
    )


def test_one_wrap_up_writes_every_entry_in_the_clinical_order(app: HwApplication) -> None:
    ident = one_assignment(app)
    before = len(app.stored_events("WU"))
    result = app.wrap_up(
        "WU",
        outcomes=[OutcomeEntry(assignment_id=ident, outcome="completed", experience="liked it")],
        entries=everything(ident),
        assignment=AssignmentSpec(
            title="Walk again", format="behavioral", size="tiny", framing="curiosity"
        ),
        session=2,
        date="2026-02-09",
    )
    assert result.written
    noted = result.entries
    assert noted is not None
    assert noted.corrected == (ident,)
    assert [(n.kind, n.label, n.text) for n in noted.noted] == [
        ("life", None, "Mum had a fall"),
        ("framing", "curiosity", "test felt heavy"),
    ]
    assert [(m.instrument, m.total) for m in noted.measures] == [("phq9", 9)]
    assert noted.measures[0].alert is not None  # item 9 above 0
    assert [c.days for c in noted.consents] == [("tue", "thu")]
    assert noted.review is not None
    assert noted.review.size == "tiny"
    assert not result.planner.review.due  # reviewed before the next assignment
    names = [type(e).__name__ for e in app.stored_events("WU")[before:]]
    assert names == [
        "SessionHeld",
        "EntryCorrected",
        "ChangeNoted",
        "FramingChanged",
        "MeasureTaken",
        "ConsentRecorded",
        "HomeworkCompleted",
        "SystemReviewed",
        "HomeworkAssigned",
    ]
    assert app.assignment("WU", ident).title == "Walks"
    assert app.plan("WU").chosen_system is not None
    assert to_dict(result)["entries"]["review"]["size"] == "tiny"


def test_a_dry_run_with_entries_writes_nothing_and_shows_the_alert(app: HwApplication) -> None:
    ident = one_assignment(app)
    before = len(app.stored_events("WU"))
    result = app.wrap_up("WU", entries=everything(ident), session=2, dry_run=True)
    assert not result.written
    assert [(a.kind, a.session) for a in result.planner.alerts] == [("phq9_item9", 2)]
    assert len(app.stored_events("WU")) == before


@pytest.mark.parametrize(
    ("entries", "field"),
    [
        (
            SessionEntries(
                consents=(ConsentEntry(channel="sms", boundaries="", privacy_risk="x"),)
            ),
            "boundaries",
        ),
        (SessionEntries(measures=(MeasureEntry(instrument="phq9", items=(1, 2)),)), "items"),
        (SessionEntries(changes=(ChangeEntry(kind="life", note=" "),)), "note"),
    ],
)
def test_one_bad_entry_writes_nothing_at_all(
    app: HwApplication, entries: SessionEntries, field: str
) -> None:
    ident = one_assignment(app)
    before = len(app.stored_events("WU"))
    with pytest.raises(InvalidValueError) as raised:
        app.wrap_up(
            "WU",
            outcomes=[OutcomeEntry(assignment_id=ident, outcome="completed")],
            entries=entries,
            session=2,
            date="2026-02-09",
        )
    assert field in str(raised.value)
    assert len(app.stored_events("WU")) == before
    assert app.assignment("WU", ident).outcome == "pending"


def test_change_kind_is_checked_when_the_entry_is_built() -> None:
    with pytest.raises(InvalidValueError, match="kind"):
        ChangeEntry(kind="weather", note="rain")
    assert not SessionEntries()
