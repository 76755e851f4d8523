"""When the client plans to do the homework: doses and dated occasions.

The handout's tick grid and the calendar file share these rules, so the
client sees one box per reminder.
"""

from __future__ import annotations

import datetime as dt
import re

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

_CLOCK = re.compile(
    r"(?<![\d:])(?P<h>[01]?\d|2[0-3])(?:[:.h](?P<m>[0-5]\d))?\s*(?P<ampm>[ap]\.?\s?m\b\.?)?(?![\d:])",
    re.IGNORECASE,
)


def planned_doses(frequency: str | Frequency, doses: int | None) -> int:
    """Doses the tick grid and calendar show: the planned ones, else the frequency's default."""
    freq = Frequency.parse(frequency)
    count = doses if doses is not None and doses >= 1 else DEFAULT_DOSES[freq]
    return min(count, MAX_DOSES)


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
) -> list[dt.datetime]:
    """The planned occasions: ``planned_doses`` moments spread over one cycle.

    The first is on ``start`` (normally the day after the session); the others
    are spread evenly over the cycle's days. More doses than days put several
    on one day, two hours apart.

    Args:
        start: the first day the client may do it.
        frequency: the assignment's frequency.
        doses: the planned doses (None: the frequency's default).
        at: the time of day.
        cycle_days: days until the next session.

    Returns:
        Naive local date-times ("floating" times in the calendar: the client's
        own time zone, wherever they are).
    """
    freq = Frequency.parse(frequency)
    count = planned_doses(freq, doses)
    days = max(1, cycle_days)
    if freq is Frequency.WEEKLY and count > 1:
        # 'weekly' with several doses: one a week, for that many weeks.
        offsets = [i * 7 for i in range(count)]
    elif freq in (Frequency.ONCE, Frequency.PER_CYCLE) and count == 1:
        offsets = [0]
    else:
        offsets = [(i * days) // count for i in range(count)]
    result: list[dt.datetime] = []
    seen: dict[int, int] = {}
    base = dt.datetime.combine(start, at)
    for offset in offsets:
        same_day = seen.get(offset, 0)
        seen[offset] = same_day + 1
        moment = base + dt.timedelta(days=offset, hours=2 * same_day)
        result.append(moment)
    return result


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
