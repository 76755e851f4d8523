"""The planner as of a past point: replaying a client's events up to a session or date.

For the audit of how a client's system evolved (``hw plan --as-of-session N``,
``--as-of-date D``): the case is replayed from its events up to that session,
and the planner computed from that, exactly as it would have been then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from eventsourcing.domain import Aggregate

from hwcore.domain import Case, InvalidValueError
from hwcore.planner import Planner, build_planner


def planner_as_of(
    events: Sequence[Aggregate.Event], as_of_session: int | None, when: dt.date | None
) -> Planner:
    """The planner of the case these events make, as of a session or a date.

    Args:
        events: the client's stored events, in order.
        as_of_session: the last session to count (None: use ``when``).
        when: count up to the last session held on or before this date.

    Returns:
        The planner as it was at that point.

    Raises:
        InvalidValueError: the session was never held, or no session was held by then.
    """
    if as_of_session is not None and as_of_session < 1:
        raise InvalidValueError("as-of session", as_of_session, "a whole number >= 1")
    if as_of_session is not None:
        held = sorted(Case.replay(events).sessions)
        if not held or as_of_session > held[-1]:
            allowed = f"a session from 1 to {held[-1]}" if held else "a held session"
            raise InvalidValueError("as-of session", as_of_session, allowed)
    if when is not None:
        full = Case.replay(events)
        eligible = [n for n, s in full.sessions.items() if s.held_on <= when]
        if not eligible:
            first = min((s.held_on for s in full.sessions.values()), default=None)
            allowed = (
                f"a date on or after the first session ({first})"
                if first
                else "a date after a session"
            )
            raise InvalidValueError("as-of date", when.isoformat(), allowed)
        as_of_session = max(eligible)
    case = Case.replay(events, until_session=as_of_session)
    return build_planner(case, as_of_session=as_of_session)
