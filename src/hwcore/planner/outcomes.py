"""Outcome measures beside the homework (spec 4b): the planner's measures and alerts.

Nothing here changes a recommendation of section 4: the measures are shown
beside the homework, never weighed into it.
"""

from __future__ import annotations

from collections.abc import Sequence

from hwcore.domain import Case
from hwcore.planner.model import Alert, MeasureTrend, Reading, Row


def completion_over(resolved: Sequence[Row], first: int, last: int) -> tuple[float | None, int]:
    """Raw completion rate of the homework assigned from session ``first`` up to ``last``.

    That is the homework done between a first measurement at ``first`` and a
    last one at ``last`` (each assignment is resolved at a later session).

    Returns:
        (rate, n): None and 0 when no assignment of those sessions is resolved.
    """
    scores = [r.score or 0.0 for r in resolved if first <= r.session < last]
    return (sum(scores) / len(scores) if scores else None), len(scores)


def measure_trends(case: Case, resolved: Sequence[Row]) -> tuple[MeasureTrend, ...]:
    """Each measure of the case, PHQ-9 and GAD-7 first, with the completion rate beside it."""
    trends = []
    ranges = {}
    for record in case.measures:
        instrument = record.instrument_definition()
        ranges[record.instrument] = (instrument.minimum, instrument.maximum)
    for s in case.measure_series():
        low, high = ranges[s.instrument]
        first, last = s.points[0].session, s.points[-1].session
        rate, n = completion_over(resolved, first, last) if last > first else (None, 0)
        trends.append(
            MeasureTrend(
                instrument=s.instrument,
                name=s.name,
                better=s.better,
                points=tuple(Reading(p.session, p.total, p.severity) for p in s.points),
                change_since_first=s.change_since_first,
                change_since_previous=s.change_since_previous,
                reliable_change=s.reliable_change,
                reliable_change_threshold=s.reliable_change_threshold,
                completion_rate=rate,
                completion_n=n,
                minimum=low,
                maximum=high if high > low else None,
            )
        )
    return tuple(trends)


def alerts(case: Case) -> tuple[Alert, ...]:
    """Every risk alert of the case, in session order, with whether it is acknowledged."""
    return tuple(
        Alert(a.kind, a.session, a.value, a.acknowledged)
        for a in sorted(case.alerts(), key=lambda a: a.session)
    )
