"""The clinical record of a case: measures, consents, risk alerts and their acknowledgement."""

from __future__ import annotations

import dataclasses

import pytest

from hwcore.application import HwApplication
from hwcore.domain import Case, InvalidValueError
from hwcore.domain.measures import GAD7, PHQ9, define_measure
from tests.unit.builders import give, new_case, session_date


def held(*sessions: int) -> Case:
    case = new_case("MB-1")
    for n in sessions:
        case.hold_session(n, session_date(n))
    return case


def test_a_phq9_is_recorded_item_by_item_with_its_total() -> None:
    case = held(1)
    total = case.take_measure(1, PHQ9, items=[2, 2, 1, 2, 1, 2, 2, 2, 1])
    assert total == 15
    [event] = [e for e in case.collect_events() if isinstance(e, Case.MeasureTaken)]
    assert (event.instrument, event.total, event.items) == ("phq9", 15, [2, 2, 1, 2, 1, 2, 2, 2, 1])
    [s] = case.measure_series()
    assert s.points[0].severity == "moderately severe"


def test_a_measure_on_a_session_not_held_is_refused() -> None:
    case = held(1)
    with pytest.raises(InvalidValueError, match="session"):
        case.take_measure(3, GAD7, items=[0] * 7)
    assert case.measures == []


def test_seed_example_phq9_15_to_11_over_four_weeks_with_homework() -> None:
    case = held(1)
    for n in range(1, 5):
        give(case, n, outcome="completed")
    case.take_measure(1, PHQ9, items=[2, 2, 1, 2, 1, 2, 2, 2, 1])
    case.take_measure(5, PHQ9, items=[2, 1, 1, 1, 1, 2, 2, 1, 0])
    [s] = case.measure_series()
    assert [p.total for p in s.points] == [15, 11]
    assert s.change_since_first == -4
    assert s.reliable_change == "no reliable change"


def test_a_practice_measure_keeps_its_definition_with_the_record() -> None:
    case = held(1, 2)
    mood = define_measure("mood", 0, 10, "high", reliable_change=3)
    case.take_measure(1, mood, score=3)
    case.take_measure(2, mood, score=7)
    [s] = case.measure_series()
    assert (s.instrument, s.better, s.reliable_change) == ("mood", "high", "improved")


def test_item9_raises_an_alert_until_acknowledged_by_an_event() -> None:
    case = held(1, 2)
    case.take_measure(1, PHQ9, items=[1, 1, 1, 1, 1, 1, 1, 1, 1])
    [alert] = case.alerts()
    assert (alert.kind, alert.session, alert.acknowledged) == ("phq9_item9", 1, False)
    case.acknowledge_alert(2, "phq9_item9", 1, "safety plan reviewed")
    [alert] = case.alerts()
    assert alert.acknowledged
    with pytest.raises(InvalidValueError, match="open alert"):
        case.acknowledge_alert(2, "phq9_item9", 1, "again")


def test_an_acknowledgement_needs_a_note() -> None:
    case = held(1)
    case.take_measure(1, PHQ9, items=[0, 0, 0, 0, 0, 0, 0, 0, 2])
    with pytest.raises(InvalidValueError, match="note"):
        case.acknowledge_alert(1, "phq9_item9", 1, "  ")


def test_a_consent_without_boundaries_or_privacy_risk_is_refused() -> None:
    case = held(1)
    with pytest.raises(InvalidValueError, match="boundaries"):
        case.record_consent(1, "sms", boundaries="", privacy_risk="SMS is not encrypted")
    with pytest.raises(InvalidValueError, match="privacy risk"):
        case.record_consent(1, "sms", boundaries="not for crisis support", privacy_risk=" ")
    with pytest.raises(InvalidValueError, match="channel"):
        case.record_consent(1, "carrier pigeon", boundaries="b", privacy_risk="p")
    assert case.consents == []


def test_a_consent_records_channel_days_boundaries_and_risk() -> None:
    case = held(1)
    case.record_consent(
        1,
        "sms",
        days=["thu", "tue"],
        boundaries="not for crisis support",
        privacy_risk="standard SMS is not encrypted",
    )
    [consent] = case.consents
    assert (consent.channel, consent.days) == ("sms", ("tue", "thu"))


def _snapshot_state(case: Case) -> dict[str, object]:
    return {k: v for k, v in vars(case).items() if not k.startswith("_")}


def test_the_clinical_record_survives_a_snapshot_through_the_store_mapper() -> None:
    app = HwApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    case = held(1, 2)
    case.take_measure(1, PHQ9, items=[1] * 9)
    case.record_consent(1, "email", boundaries="24 h replies", privacy_risk="email")
    case.acknowledge_alert(2, "phq9_item9", 1, "safety plan")
    stored = app.mapper.to_stored_event(Case.Snapshot.take(case))
    assert _snapshot_state(app.mapper.to_domain_event(stored).mutate(None)) == _snapshot_state(case)


def test_a_snapshot_taken_before_revision_2_loads_with_an_empty_record() -> None:
    case = held(1)
    snapshot = Case.Snapshot.take(case)
    old_state = {
        k: v
        for k, v in snapshot.state.items()
        if k not in {"measures", "consents", "acknowledgements"}
    }
    loaded = dataclasses.replace(snapshot, state=old_state).mutate(None)
    assert (loaded.measures, loaded.consents, loaded.acknowledgements) == ([], [], [])
    loaded.take_measure(1, GAD7, items=[0] * 7)
    assert len(loaded.measures) == 1


def test_replay_of_the_events_gives_the_same_record() -> None:
    case = held(1, 2)
    case.take_measure(1, GAD7, items=[3, 3, 2, 2, 1, 1, 0])
    case.take_measure(2, GAD7, items=[1, 1, 1, 1, 1, 1, 0])
    events = case.collect_events()
    again = Case.replay(events)
    assert again.measure_series() == case.measure_series()
    assert Case.replay(events, until_session=1).measure_series()[0].points[-1].total == 12
