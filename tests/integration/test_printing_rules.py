"""The pure rules behind the printouts: colours, doses, clock times, occasions."""

from __future__ import annotations

import datetime as dt

import pytest

from hwcore.application import InvalidValueError
from hwcore.printing.colours import luminance, parse_colour, readable_ink
from hwcore.printing.planner_pdf import session_ranges
from hwcore.printing.schedule import (
    WEEKDAYS,
    clock_in,
    describe_days,
    occasions,
    planned_doses,
)


@pytest.mark.parametrize(
    ("text", "colour"),
    [("#2A6F97", "#2a6f97"), ("2a6f97", "#2a6f97"), ("#abc", "#aabbcc"), ("Teal", "#008080")],
)
def test_colours_are_normalised(text: str, colour: str) -> None:
    assert parse_colour(text) == colour


@pytest.mark.parametrize("text", ["", "blurple", "#12345", "#gggggg", "rgb(1,2,3)"])
def test_non_colours_are_refused(text: str) -> None:
    with pytest.raises(InvalidValueError, match="CSS colour name"):
        parse_colour(text)


def test_light_accents_are_darkened_for_text() -> None:
    ink = readable_ink("#ffff00")
    assert (1.05 / (luminance(ink) + 0.05)) >= 4.5
    assert readable_ink("#000080") == "#000080"


@pytest.mark.parametrize(
    ("frequency", "doses", "expected"),
    [
        ("daily", None, 7),
        ("daily", 5, 5),
        ("once", None, 1),
        ("several-weekly", None, 3),
        ("weekly", None, 1),
        ("as-needed", None, 3),
        ("daily", 500, 60),
    ],
)
def test_planned_doses(frequency: str, doses: int | None, expected: int) -> None:
    assert planned_doses(frequency, doses) == expected


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("after dinner, 8pm", dt.time(20)),
        ("7:30 in the kitchen", dt.time(7, 30)),
        ("vers 19h30", dt.time(19, 30)),
        ("10 a.m. with coffee", dt.time(10)),
        ("3 times on the bus", None),
        ("8 amazing minutes", None),
        ("", None),
    ],
)
def test_clock_times_are_read_only_when_explicit(text: str, time: dt.time | None) -> None:
    assert clock_in(text) == time


def test_occasions_spread_over_the_cycle() -> None:
    start = dt.date(2026, 3, 3)
    at = dt.time(9)

    daily = occasions(start, "daily", None, at)
    twice = occasions(start, "daily", 14, at)
    weekly = occasions(start, "weekly", 3, at)

    assert [m.date() for m in daily] == [start + dt.timedelta(days=i) for i in range(7)]
    assert len(twice) == 14
    assert twice[0:2] == [dt.datetime(2026, 3, 3, 9), dt.datetime(2026, 3, 3, 11)]
    assert [m.date() for m in weekly] == [start + dt.timedelta(weeks=i) for i in range(3)]
    assert occasions(start, "once", None, at) == [dt.datetime(2026, 3, 3, 9)]


def test_reminders_never_fall_on_a_day_the_client_did_not_agree_to() -> None:
    start = dt.date(2026, 3, 4)  # a Wednesday, the day after a Tuesday session
    at = dt.time(17, 30)
    tue_thu = ("tue", "thu")

    default = occasions(start, "several-weekly", None, at, days=tue_thu)
    daily = occasions(start, "daily", 7, at, days=tue_thu)
    once = occasions(start, "once", None, at, days=("sat",))
    weekly = occasions(start, "weekly", 3, at, days=("mon",))
    late = occasions(start, "daily", 5, dt.time(22, 0), days=("fri",))

    # "Tue/Thu straight after work, 17:30": Thursday then Tuesday, never Wed or Sat.
    assert default == [dt.datetime(2026, 3, 5, 17, 30), dt.datetime(2026, 3, 10, 17, 30)]
    assert len(daily) == 7
    assert {m.weekday() for m in daily} <= {1, 3}
    assert {m.weekday() for m in once} == {5}
    assert [m.date() for m in weekly] == [
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 16),
        dt.date(2026, 3, 23),
    ]
    assert {m.date() for m in late} == {dt.date(2026, 3, 6)}  # stacked, never past midnight
    assert late == sorted(late)
    assert len(set(late)) == 5


@pytest.mark.parametrize("seed", range(60))
def test_agreed_days_hold_for_any_start_frequency_and_doses(seed: int) -> None:
    import random

    rng = random.Random(seed)
    days = tuple(sorted(rng.sample(WEEKDAYS, rng.randint(1, 7)), key=WEEKDAYS.index))
    start = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 365))
    frequency = rng.choice(["once", "weekly", "several-weekly", "daily", "per-cycle", "as-needed"])
    doses = rng.choice([None, 1, 2, 3, 5, 7, 14])
    at = dt.time(rng.randint(0, 23), rng.choice([0, 15, 30, 45]))

    moments = occasions(start, frequency, doses, at, days=days)

    assert len(moments) == planned_doses(frequency, doses, days)
    assert all(WEEKDAYS[m.weekday()] in days for m in moments)
    assert all(m.date() >= start for m in moments)


def test_agreed_days_set_the_default_doses_and_read_as_words() -> None:
    assert planned_doses("several-weekly", None, ("tue", "thu")) == 2
    assert planned_doses("daily", None, ("mon", "wed", "fri")) == 3
    assert planned_doses("daily", 7, ("tue",)) == 7
    assert planned_doses("weekly", None, ("tue", "thu")) == 1
    assert describe_days(("thu", "tue")) == "Tuesday and Thursday"
    assert describe_days(("mon", "wed", "fri")) == "Monday, Wednesday and Friday"
    assert describe_days(("sun",)) == "Sunday"
    assert describe_days(WEEKDAYS) == "every day"


def test_session_ranges_are_compact() -> None:
    assert session_ranges([1, 2, 3, 5, 7, 8]) == "1–3, 5, 7–8"
    assert session_ranges([]) == "none"
