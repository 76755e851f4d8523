"""Folding stored events into an aggregate, optionally only up to a session (the "as of" view)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventsourcing.domain import Aggregate


def fold(events: Iterable[Aggregate.Event], *, until_session: int | None = None) -> Any:
    """The aggregate the events make, leaving out those of a session after ``until_session``.

    An event's session is its ``session`` field, else its ``number`` (a
    session held); the first event (the registration) always counts.

    Raises:
        ValueError: there are no events.
    """
    aggregate: Any = None
    for event in events:
        if aggregate is None:
            aggregate = event.mutate(None)
            continue
        session = getattr(event, "session", None)
        if session is None:
            session = getattr(event, "number", None)
        if until_session is not None and session is not None and session > until_session:
            continue
        event.apply(aggregate)
        aggregate.version = event.originator_version
    if aggregate is None:
        msg = "no events to replay"
        raise ValueError(msg)
    return aggregate
