"""When the client plans to do the homework: doses and dated occasions.

The handout's tick grid and the calendar file share these rules, so the
client sees one box per reminder. With agreed days (``hw assign --days``) every
occasion falls on one of them; without, they are spread by the frequency.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from hwcore.domain import Frequency, InvalidValueError

CYCLE_DAYS = 7
"""Days between sessions assumed when spreading doses (a weekly cycle)."""
MAX_DOSES = 60
"""More boxes than this would not fit one page; the grid and calendar stop here."""
DEFAULT_TIME = dt.time(19, 0)
"""Reminder time of day when neither the therapist nor the plan gives one."""
REMINDER_MINUTES = 10
"""Minutes before each occasion the reminder pops up."""

DEFAULT_DOSES: dict[Frequency, int] = {
    Frequency.ONCE: 1,
    Frequency.WEEKLY: 1,
    Frequency.SEVERAL_WEEKLY: 3,
    Frequency.DAILY: 7,
    Frequency.PER_CYCLE: 1,
    Frequency.AS_NEEDED: 3,
}
"""Doses per session cycle when the therapist gave none."""

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Agreed-day names, Monday first (``date.weekday()`` is the index)."""
DAY_NAMES: dict[str, str] = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
SPREAD_BY_DAYS = (Frequency.DAILY, Frequency.SEVERAL_WEEKLY, Frequency.AS_NEEDED)
"""Frequencies whose default doses are the agreed days (one a day agreed)."""

_CLOCK = re.compile(
    r"(?<![\d:])(?P<h>[01]?\d|2[0-3])(?:[:.h](?P<m>[0-5]\d))?\s*(?P<ampm>[ap]\.?\s?m\b\.?)?(?![\d:])",
    re.IGNORECASE,
)


def planned_doses(frequency: str | Frequency, doses: int | None, days: Sequence[str] = ()) -> int:
    """Doses the tick grid and calendar show: the planned ones, else a default.

    The default is one per agreed day for a daily, several-weekly or as-needed
    task ("Tue/Thu" is two), else the frequency's (:data:`DEFAULT_DOSES`).
    """
    freq = Frequency.parse(frequency)
    if doses is not None and doses >= 1:
        count = doses
    elif days and freq in SPREAD_BY_DAYS:
        count = len(set(days))
    else:
        count = DEFAULT_DOSES[freq]
    return min(count, MAX_DOSES)


def agreed_weekdays(days: Sequence[str]) -> list[int]:
    """The agreed days as ``date.weekday()`` numbers, Monday first, each once.

    Raises:
        InvalidValueError: a name that is not mon..sun.
    """
    found = set()
    for day in days:
        key = str(getattr(day, "value", day)).strip().lower()[:3]
        if key not in WEEKDAYS:
            raise InvalidValueError("day", day, ", ".join(WEEKDAYS))
        found.add(WEEKDAYS.index(key))
    return sorted(found)


def describe_days(days: Sequence[str]) -> str:
    """Plain words for the agreed days: 'Tuesday and Thursday', 'Monday, Wednesday and Friday'."""
    names = [DAY_NAMES[WEEKDAYS[i]] for i in agreed_weekdays(days)]
    if len(names) == 7:
        return "every day"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def clock_in(text: str) -> dt.time | None:
    """A time of day written in free text ('after dinner, 8pm' -> 20:00), else None.

    Only explicit clock times count: '7:30', '19.30', '8 pm', '8am', '20h15'. A
    bare number without am/pm or minutes ('3 times') is not read as a time.
    """
    for match in _CLOCK.finditer(text or ""):
        hour = int(match.group("h"))
        minute = int(match.group("m") or 0)
        ampm = (match.group("ampm") or "").lower()
        if not ampm and match.group("m") is None:
            continue
        if ampm:
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if ampm.startswith("p") else 0)
        return dt.time(hour, minute)
    return None


def parse_time(text: str) -> dt.time:
    """A reminder time 'HH:MM' (24-hour) given by the user.

    Raises:
        InvalidValueError: not a time of day.
    """
    try:
        return dt.time.fromisoformat(str(text).strip())
    except ValueError:
        raise InvalidValueError("time", text, "a time of day HH:MM, e.g. 19:30") from None


def occasions(
    start: dt.date,
    frequency: str | Frequency,
    doses: int | None,
    at: dt.time = DEFAULT_TIME,
    cycle_days: int = CYCLE_DAYS,
    days: Sequence[str] = (),
) -> list[dt.datetime]:
    """The planned occasions: ``planned_doses`` moments spread over one cycle.

    Without agreed days the first is on ``start`` (normally the day after the
    session) and the others are spread evenly over the cycle's days. With
    agreed ``days`` every occasion falls on one of them (never on another
    day): one per agreed day of the cycle, spread evenly when there are more
    agreed days than doses; 'weekly' with several doses takes the first
    agreed day of each week. More doses than days put several on one day,
    two hours apart.

    Args:
        start: the first day the client may do it.
        frequency: the assignment's frequency.
        doses: the planned doses (None: the default of :func:`planned_doses`).
        at: the time of day.
        cycle_days: days until the next session.
        days: the agreed days ('mon' ... 'sun'), or none.

    Returns:
        Naive local date-times ("floating" times in the calendar: the client's
        own time zone, wherever they are).
    """
    freq = Frequency.parse(frequency)
    count = planned_doses(freq, doses, days)
    if days:
        dates = _agreed_dates(start, freq, count, agreed_weekdays(days), max(1, cycle_days))
        return _stacked(dates, at)
    days_in_cycle = max(1, cycle_days)
    if freq is Frequency.WEEKLY and count > 1:
        # 'weekly' with several doses: one a week, for that many weeks.
        offsets = [i * 7 for i in range(count)]
    elif freq in (Frequency.ONCE, Frequency.PER_CYCLE) and count == 1:
        offsets = [0]
    else:
        offsets = [(i * days_in_cycle) // count for i in range(count)]
    result: list[dt.datetime] = []
    seen: dict[int, int] = {}
    base = dt.datetime.combine(start, at)
    for offset in offsets:
        same_day = seen.get(offset, 0)
        seen[offset] = same_day + 1
        moment = base + dt.timedelta(days=offset, hours=2 * same_day)
        result.append(moment)
    return result


def _agreed_dates(
    start: dt.date, freq: Frequency, count: int, weekdays: list[int], cycle_days: int
) -> list[dt.date]:
    """``count`` dates on the agreed weekdays, from ``start`` (see :func:`occasions`)."""

    def next_agreed(day: dt.date) -> dt.date:
        while day.weekday() not in weekdays:
            day += dt.timedelta(days=1)
        return day

    if freq is Frequency.WEEKLY and count > 1:
        return [next_agreed(start + dt.timedelta(weeks=i)) for i in range(count)]
    window = max(cycle_days, CYCLE_DAYS)  # a full week: every agreed day comes once
    candidates = [
        start + dt.timedelta(days=i)
        for i in range(window)
        if (start + dt.timedelta(days=i)).weekday() in weekdays
    ]
    if count <= len(candidates):
        return [candidates[(i * len(candidates)) // count] for i in range(count)]
    return [candidates[i % len(candidates)] for i in range(count)]


def _stacked(dates: list[dt.date], at: dt.time) -> list[dt.datetime]:
    """Each date at ``at``; more on the same day follow two hours apart, or closer
    when that would pass midnight (they never spill into a day not agreed)."""
    per_day: dict[dt.date, int] = {}
    for day in dates:
        per_day[day] = per_day.get(day, 0) + 1
    result = []
    last = dt.time(23, 59)
    room = (last.hour * 60 + last.minute) - (at.hour * 60 + at.minute)
    for day, n in per_day.items():
        step = 120 if n == 1 else min(120, room // (n - 1))
        first = dt.datetime.combine(day, at)
        result += [first + dt.timedelta(minutes=step * k) for k in range(n)]
    return sorted(result)


def describe_frequency(frequency: str | Frequency, doses: int) -> str:
    """Plain words for how often, e.g. 'every day this week (7 times)'."""
    freq = Frequency.parse(frequency)
    times = "once" if doses == 1 else "twice" if doses == 2 else f"{doses} times"
    return {
        Frequency.ONCE: "once before we next meet",
        Frequency.WEEKLY: "once this week" if doses == 1 else f"once a week ({times} in all)",
        Frequency.SEVERAL_WEEKLY: f"a few times this week ({times})",
        Frequency.DAILY: f"every day this week ({times})",
        Frequency.PER_CYCLE: "once before we next meet",
        Frequency.AS_NEEDED: f"whenever it would help (up to {times})",
    }[freq]
