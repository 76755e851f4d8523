"""The planner's outcome measures and risk alerts (spec 4b), beside the homework."""

from __future__ import annotations

import json

import attrs

from hwcore.domain import Case
from hwcore.domain.measures import GAD7, PHQ9, define_measure
from hwcore.planner import Alert, Reading, build_planner, from_dict, to_dict
from tests.unit.builders import give, new_case

PHQ9_15_ITEM9 = [2, 2, 1, 2, 1, 2, 2, 2, 1]  # total 15, item 9 = 1
PHQ9_8_SAFE = [1, 1, 1, 1, 1, 1, 1, 1, 0]  # total 8


def history() -> Case:
    """Six sessions: completed at 1, 2, 3, missed at 4, completed at 5 (resolved a session later)."""
    case = new_case("MB-1")
    for session, outcome in enumerate(
        ["completed", "completed", "completed", "missed", "completed"], 1
    ):
        give(case, session, outcome=outcome)
    return case


def test_each_measure_has_its_points_change_and_the_completion_over_the_same_sessions() -> None:
    case = history()
    case.take_measure(1, PHQ9, items=PHQ9_15_ITEM9)
    case.take_measure(5, PHQ9, items=PHQ9_8_SAFE)
    case.take_measure(2, GAD7, items=[1] * 7)
    planner = build_planner(case)
    phq9, gad7 = planner.measures
    assert phq9.instrument == "phq9"
    assert phq9.points == (Reading(1, 15, "moderately severe"), Reading(5, 8, "mild"))
    assert (phq9.change_since_first, phq9.reliable_change) == (-7, "improved")
    # Homework assigned at sessions 1-4 (done between the two measurements): 3 of 4.
    assert (phq9.completion_rate, phq9.completion_n) == (0.75, 4)
    assert gad7.points == (Reading(2, 7, "mild"),)
    assert (gad7.change_since_first, gad7.completion_rate, gad7.completion_n) == (None, None, 0)


def test_a_practice_measure_has_no_band() -> None:
    case = history()
    mood = define_measure("mood", 0, 10, "high")
    case.take_measure(1, mood, score=3)
    case.take_measure(3, mood, score=7)
    [m] = build_planner(case).measures
    assert m.points == (Reading(1, 3, None), Reading(3, 7, None))
    assert (m.change_since_first, m.completion_rate, m.completion_n) == (4, 1.0, 2)


def test_item9_above_0_is_an_alert_until_acknowledged() -> None:
    case = history()
    case.take_measure(1, PHQ9, items=PHQ9_8_SAFE)
    assert build_planner(case).alerts == ()
    case.take_measure(2, PHQ9, items=PHQ9_15_ITEM9)
    planner = build_planner(case)
    assert planner.alerts == (Alert("phq9_item9", 2, 1, acknowledged=False),)
    assert planner.open_alerts == planner.alerts
    case.acknowledge_alert(3, "phq9_item9", 2, "safety plan reviewed")
    planner = build_planner(case)
    assert planner.alerts == (Alert("phq9_item9", 2, 1, acknowledged=True),)
    assert planner.open_alerts == ()


def test_no_measure_changes_the_recommendation_rules() -> None:
    plain, measured = history(), history()
    measured.take_measure(1, PHQ9, items=PHQ9_15_ITEM9)
    measured.take_measure(4, PHQ9, items=[3] * 9)
    measured.take_measure(5, GAD7, items=[3] * 7)
    before, after = build_planner(plain), build_planner(measured)
    assert after.measures
    assert after.alerts
    assert attrs.evolve(after, measures=(), alerts=()) == before


def test_the_planner_with_measures_round_trips_through_json() -> None:
    case = history()
    case.take_measure(1, PHQ9, items=PHQ9_15_ITEM9)
    case.take_measure(5, PHQ9, items=PHQ9_8_SAFE)
    planner = build_planner(case)
    document = json.loads(json.dumps(to_dict(planner, digits=None)))
    assert document["alerts"] == [
        {"kind": "phq9_item9", "session": 1, "value": 1, "acknowledged": False}
    ]
    assert document["measures"][0]["points"][0] == {
        "session": 1,
        "total": 15,
        "severity": "moderately severe",
    }
    assert from_dict(document) == planner
