"""The handout's calendar file (RFC 5545): planned occasions with reminders.

No server and no messaging vendor: the client imports the file into their own
phone calendar. Times are "floating" (no time zone), so 19:00 means 19:00
wherever the client is. icalendar is imported inside :func:`calendar_bytes`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from hwcore.domain import Size
from hwcore.printing.handout_pdf import PERMISSION, Handout
from hwcore.printing.schedule import REMINDER_MINUTES
from hwcore.textsafe import calendar_text

PRODID = "-//hw//Between-Session System Planner//EN"
UID_NAMESPACE = uuid.UUID("0d7c7a1e-52c5-4d0b-9a53-3a3c1a3f6e21")

DURATION: dict[str, dt.timedelta] = {
    Size.TINY.value: dt.timedelta(minutes=5),
    Size.SMALL.value: dt.timedelta(minutes=15),
    Size.MEDIUM.value: dt.timedelta(minutes=30),
    Size.LARGE.value: dt.timedelta(minutes=45),
}


def occasion_uid(handout: Handout, index: int) -> str:
    """A stable UID per occasion: re-importing an updated file replaces, not duplicates.

    Derived (uuid5) from the client and assignment, so the UID itself does not
    reveal the client's identifier.
    """
    key = f"{handout.client}/{handout.assignment_id}/{index}"
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@hw"


def calendar_bytes(
    handout: Handout,
    moments: Sequence[dt.datetime],
    *,
    reminder_minutes: int = REMINDER_MINUTES,
    stamp: dt.datetime | None = None,
) -> bytes:
    """The iCalendar file: one event per planned occasion, each with a display alarm.

    Args:
        handout: what the events say (the task sentence, when/where), and the
            language of their fixed text.
        moments: the occasions (naive local date-times: floating times).
        reminder_minutes: how long before each occasion the reminder fires.
        stamp: DTSTAMP of every event (default: now, UTC).

    Returns:
        The .ics file's bytes (UTF-8, CRLF line endings, folded lines).
    """
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    title = calendar_text(handout.title)  # RFC 5545: no control characters
    cal.add("x-wr-calname", title)
    when = stamp or dt.datetime.now(dt.UTC)
    length = DURATION.get(handout.size, dt.timedelta(minutes=15))
    total = len(moments)
    _ = handout.language.gettext
    details = [handout.sentence]
    if handout.when_where.strip():
        details.append(_("When and where: {text}").format(text=handout.when_where.strip()))
    if handout.method.strip():
        details.append(_("How: {method}").format(method=handout.method.strip()))
    details.append(_(PERMISSION))
    details = [calendar_text(d) for d in details]
    for index, moment in enumerate(moments, start=1):
        event = Event()
        event.add("uid", occasion_uid(handout, index))
        event.add("dtstamp", when)
        event.add("dtstart", moment)
        event.add("dtend", moment + length)
        summary = (
            title
            if total == 1
            else _("{title} ({index} of {total})").format(title=title, index=index, total=total)
        )
        event.add("summary", summary)
        event.add("description", "\n\n".join(details))
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _("Reminder: {title}").format(title=title))
        alarm.add("trigger", dt.timedelta(minutes=-reminder_minutes))
        event.add_component(alarm)
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
