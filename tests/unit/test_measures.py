"""Outcome measures: scoring, the published severity bands, reliable change, the risk alert."""

from __future__ import annotations

import math

import pytest

from hwcore.domain.errors import InvalidValueError
from hwcore.domain.measures import (
    GAD7,
    PHQ9,
    Change,
    MeasurePoint,
    check_measure_name,
    define_measure,
    jacobson_truax_threshold,
    risk_alerts,
    series,
)


def phq9_items(total: int, item9: int | None = None) -> list[int]:
    """Nine item scores (0-3) with the given total (and item 9, when given)."""
    items = [0] * 8 + [item9 or 0]
    left = total - (item9 or 0)
    for i in range(8 if item9 is not None else 9):
        take = min(3, left)
        items[i] = take
        left -= take
    assert left == 0
    assert sum(items) == total
    return items


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_severity_band_boundaries(total: int, band: str) -> None:
    assert PHQ9.severity(PHQ9.score(items=phq9_items(total))) == band


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_severity_band_boundaries(total: int, band: str) -> None:
    items = [min(3, max(0, total - 3 * i)) for i in range(7)]
    assert sum(items) == total
    assert GAD7.severity(GAD7.score(items=items)) == band


def test_bands_cover_the_whole_range_without_gaps() -> None:
    for instrument in (PHQ9, GAD7):
        labels = [instrument.severity(t) for t in range(instrument.minimum, instrument.maximum + 1)]
        assert None not in labels


@pytest.mark.parametrize("items", [[0] * 8, [0] * 10, []])
def test_phq9_needs_exactly_nine_items(items: list[int]) -> None:
    with pytest.raises(InvalidValueError, match="exactly 9 item scores"):
        PHQ9.score(items=items)


@pytest.mark.parametrize("bad", [-1, 4])
def test_item_values_outside_0_to_3_are_refused_naming_the_item(bad: int) -> None:
    items = [0] * 9
    items[4] = bad
    with pytest.raises(InvalidValueError, match=r"PHQ-9 item 5 .*0-3"):
        PHQ9.score(items=items)


def test_a_single_score_is_refused_for_an_item_by_item_instrument() -> None:
    with pytest.raises(InvalidValueError, match="item scores"):
        PHQ9.score(score=12)


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item9_above_0_raises_a_risk_alert(item9: int) -> None:
    point = MeasurePoint(session=3, total=10, items=phq9_items(10, item9=item9))
    [alert] = risk_alerts([point])
    assert (alert.kind, alert.session, alert.value) == ("phq9_item9", 3, item9)


def test_phq9_item9_at_0_raises_no_alert_even_when_severe() -> None:
    point = MeasurePoint(session=3, total=24, items=phq9_items(24, item9=0))
    assert risk_alerts([point]) == []


# PHQ-9's threshold is 6 points, GAD-7's 4: at, one under and one over.
@pytest.mark.parametrize(
    ("instrument", "before", "after", "verdict"),
    [
        (PHQ9, 15, 9, Change.IMPROVED),
        (PHQ9, 15, 10, Change.NO_RELIABLE_CHANGE),
        (PHQ9, 15, 8, Change.IMPROVED),
        (PHQ9, 9, 15, Change.DETERIORATED),
        (PHQ9, 9, 14, Change.NO_RELIABLE_CHANGE),
        (GAD7, 12, 8, Change.IMPROVED),
        (GAD7, 12, 9, Change.NO_RELIABLE_CHANGE),
        (GAD7, 12, 7, Change.IMPROVED),
        (GAD7, 8, 12, Change.DETERIORATED),
        (GAD7, 8, 11, Change.NO_RELIABLE_CHANGE),
    ],
)
def test_reliable_change_at_the_threshold_and_one_point_either_side(
    instrument: object, before: int, after: int, verdict: Change
) -> None:
    assert instrument.judge(before, after) is verdict  # type: ignore[attr-defined]


def test_the_seed_example_phq9_15_to_11_is_not_a_reliable_change() -> None:
    points = [
        MeasurePoint(1, 15, "moderately severe"),
        MeasurePoint(3, 13, "moderate"),
        MeasurePoint(5, 11, "moderate"),
    ]
    s = series(PHQ9, points)
    assert (s.change_since_first, s.change_since_previous) == (-4, -2)
    assert s.reliable_change == "no reliable change"


def test_a_series_with_one_point_has_no_change() -> None:
    s = series(GAD7, [MeasurePoint(2, 9, "mild")])
    assert (s.change_since_first, s.change_since_previous, s.reliable_change) == (None, None, None)


def test_series_are_ordered_by_session_whatever_the_input_order() -> None:
    s = series(PHQ9, [MeasurePoint(5, 8), MeasurePoint(1, 20)])
    assert [p.session for p in s.points] == [1, 5]
    assert s.change_since_first == -12
    assert s.reliable_change == "improved"


def test_jacobson_truax_formula() -> None:
    assert jacobson_truax_threshold(5.0, 0.84) == pytest.approx(1.96 * 5 * math.sqrt(0.32))
    with pytest.raises(InvalidValueError):
        jacobson_truax_threshold(5.0, 1.0)


def test_a_practice_measure_where_higher_is_better() -> None:
    mood = define_measure("Mood", 0, 10, "high", reliable_change=3)
    assert mood.key == "mood"
    assert mood.score(score=7) == 7
    assert mood.judge(3, 6) is Change.IMPROVED
    assert mood.judge(6, 3) is Change.DETERIORATED
    assert mood.judge(3, 5) is Change.NO_RELIABLE_CHANGE


def test_a_practice_measure_without_a_threshold_is_not_assessed() -> None:
    suds = define_measure("suds", 0, 100, "low")
    assert suds.judge(80, 20) is Change.NOT_ASSESSED
    assert suds.severity(50) is None


@pytest.mark.parametrize("score", [-1, 11])
def test_a_practice_measure_refuses_a_score_outside_its_range(score: int) -> None:
    mood = define_measure("mood", 0, 10, "high")
    with pytest.raises(InvalidValueError, match=r"mood score .*0-10"):
        mood.score(score=score)


@pytest.mark.parametrize(
    ("name", "minimum", "maximum", "better", "rc"),
    [
        ("phq9", 0, 10, "low", None),
        ("9lives", 0, 10, "low", None),
        ("mood", 10, 10, "low", None),
        ("mood", 0, 10, "sideways", None),
        ("mood", 0, 10, "low", 11),
        ("mood", 0, 10_000, "low", None),
    ],
)
def test_a_bad_definition_is_refused(
    name: str, minimum: int, maximum: int, better: str, rc: float | None
) -> None:
    with pytest.raises(InvalidValueError):
        define_measure(name, minimum, maximum, better, reliable_change=rc)


def test_a_long_free_text_name_is_not_echoed() -> None:
    with pytest.raises(InvalidValueError) as caught:
        check_measure_name("my husband said this was silly and " * 3)
    assert "husband" not in str(caught.value)


def test_loinc_codes_one_per_item() -> None:
    assert len(PHQ9.loinc_items) == PHQ9.items
    assert len(set(PHQ9.loinc_items)) == 9
    assert len(GAD7.loinc_items) == GAD7.items
    assert len(set(GAD7.loinc_items)) == 7
    assert (PHQ9.loinc_total, GAD7.loinc_total) == ("44261-6", "70274-6")
