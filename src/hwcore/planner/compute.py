"""The planner projection: a pure function of one client's case state.

Implements spec section 4 to the letter; the rules are documented on each
function. No I/O, no clock.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any

from hwcore.domain import (
    Assignment,
    Case,
    Outcome,
    Review,
    Size,
    normalize_framing,
)
from hwcore.planner.model import (
    NOT_ENOUGH_EVIDENCE,
    NOT_READY,
    ChosenSystem,
    Evidence,
    Followup,
    InCommon,
    Phase,
    Planner,
    Recommendation,
    ReviewStatus,
    Row,
    Shared,
    System,
)

READY_SESSIONS = 4
"""Distinct sessions with a resolved assignment needed before recommending."""
REVIEW_INTERVAL = 8
"""Sessions from one review to the next."""
MIN_EVIDENCE = 2
"""Resolved assignments a value needs before it can be recommended."""
SIZE_CONSISTENT_RATE = 0.75
"""Raw completion rate at which a size counts as consistently managed."""
PHASE_LENGTH = 4
"""Sessions per phase of therapy when looking for the most consistent phase."""
CONFIDENCE_THRESHOLD = 9
"""Default confidence below which the planner advises a smaller task."""

Key = Callable[[Assignment], str]

_SESSION_ID = attrgetter("session", "id")
_OUTCOME_SESSION = attrgetter("resolution.session")


def format_key(a: Assignment) -> str:
    """The assignment's format value."""
    # ``_value_`` is the member's plain attribute; ``.value`` is a property
    # several times slower, and these keys run thousands of times per planner.
    value: str = a.spec.format._value_
    return value


def size_key(a: Assignment) -> str:
    """The assignment's size value."""
    value: str = a.spec.size._value_
    return value


def frequency_key(a: Assignment) -> str:
    """The assignment's frequency value."""
    value: str = a.spec.frequency._value_
    return value


def framing_key(a: Assignment) -> str:
    """The assignment's framing label, compared case-insensitively and trimmed."""
    return normalize_framing(a.spec.framing)


def score(a: Assignment) -> float:
    """The assignment's score (resolved assignments only)."""
    assert a.resolution is not None
    return a.resolution.score


def resolved_in_order(case: Case) -> list[Assignment]:
    """Resolved assignments ordered by the session they were given, then id."""
    return sorted(
        [a for a in case.assignments.values() if a.resolution is not None], key=_SESSION_ID
    )


def evidence(resolved: Sequence[Assignment], key: Key) -> list[Evidence]:
    """Per-value evidence for one field, best first (by smoothed rate, n, recency)."""
    return evidence_by_key(resolved, (key,))[0]


def evidence_by_key(resolved: Sequence[Assignment], keys: Sequence[Key]) -> list[list[Evidence]]:
    """:func:`evidence` for several fields in one pass over the resolved assignments."""
    # Running totals in one pass: the planner needs four fields, on every
    # resolved assignment (1,000-assignment clients must plan in milliseconds).
    tallies: list[dict[str, list[Any]]] = [{} for _ in keys]
    for a in resolved:
        r = a.resolution
        assert r is not None
        score_ = r.score
        outcome = r.outcome
        column = 2 if outcome is Outcome.COMPLETED else 3 if outcome is Outcome.PARTIAL else 4
        for key, groups in zip(keys, tallies, strict=True):
            value = key(a)
            g = groups.get(value)
            if g is None:
                g = groups[value] = [0, 0.0, 0, 0, 0, 0]
            g[0] += 1
            g[1] += score_
            g[column] += 1
            if a.session > g[5]:
                g[5] = a.session
    return [_evidence_list(groups) for groups in tallies]


_FORMAT = attrgetter("spec.format._value_")
_SIZE = attrgetter("spec.size._value_")
_FREQUENCY = attrgetter("spec.frequency._value_")
_FRAMING = attrgetter("spec.framing")

# Slots of a value's running tally (see ``_tally``).
_SCORE, _COMPLETED, _PARTIAL, _MISSED, _LAST, _LAST_DONE, _LAST_MISSED = range(7)


def _tally(
    values: Sequence[str],
    scores: Sequence[float],
    columns: Sequence[int],
    lasts: Sequence[int],
    sessions: Sequence[int],
) -> dict[str, list[Any]]:
    """Running totals per value of one field, in one pass over resolved assignments.

    Each value gets ``[score, completed, partial, missed, last, last_done,
    last_missed]``: ``columns`` names each assignment's outcome slot and ``lasts``
    its last-session slot (done or missed). The assignments must come in session
    order, so that the last session seen is the most recent one. Scores are
    added in that order too, so the sums are the same floats whichever way the
    planner is computed.
    """
    groups: dict[str, list[Any]] = {}
    for value, score_, column, last, session in zip(
        values, scores, columns, lasts, sessions, strict=True
    ):
        g = groups.get(value)
        if g is None:
            g = groups[value] = [0.0, 0, 0, 0, 0, 0, 0]
        g[_SCORE] += score_
        g[column] += 1
        g[_LAST] = g[last] = session
    return groups


def _tally_evidence(groups: Mapping[str, list[Any]]) -> list[Evidence]:
    return _evidence_list(
        {
            value: [c + p + m, total, c, p, m, last]
            for value, (total, c, p, m, last, _, _) in groups.items()
        }
    )


def _tally_shared(groups: Mapping[str, list[Any]], *, missed: bool, of: int) -> Shared:
    """:func:`shared` of the done (completed or partial) or the missed group."""
    counts: dict[str, int] = {}
    latest: dict[str, int] = {}
    for value, g in groups.items():
        count = g[_MISSED] if missed else g[_COMPLETED] + g[_PARTIAL]
        if count:
            counts[value] = count
            latest[value] = g[_LAST_MISSED] if missed else g[_LAST_DONE]
    return _winners(counts, latest, of)


def _evidence_list(groups: Mapping[str, list[Any]]) -> list[Evidence]:
    result = [
        Evidence(
            value=value,
            n=n,
            completed=completed,
            partial=partial,
            missed=missed,
            score=total,
            rate=total / n,
            smoothed=(total + 1) / (n + 2),
            last_session=last,
        )
        for value, (n, total, completed, partial, missed, last) in groups.items()
    ]
    # Rounded so that rates equal in exact arithmetic tie (then n, then recency).
    result.sort(key=lambda e: (round(e.smoothed, 9), e.n, e.last_session), reverse=True)
    return result


def recommend_by_smoothed_rate(candidates: Sequence[Evidence]) -> Recommendation:
    """Format, framing and frequency rule.

    Among values with at least 2 resolved assignments, the highest smoothed rate
    (score + 1) / (n + 2); ties go to the larger n, then the most recent. With no
    value at 2 or more, no recommendation ("not enough evidence").
    """
    eligible = [e for e in candidates if e.n >= MIN_EVIDENCE]
    if not eligible:
        return Recommendation(None, NOT_ENOUGH_EVIDENCE, candidates=tuple(candidates))
    best = eligible[0]  # candidates are already sorted by the tie-break order
    return Recommendation(
        best.value,
        "highest smoothed completion rate among values tried at least twice",
        n=best.n,
        rate=best.rate,
        smoothed=best.smoothed,
        candidates=tuple(candidates),
    )


def recommend_size(candidates: Sequence[Evidence]) -> Recommendation:
    """Size rule.

    The largest size with at least 2 resolved assignments and a raw rate of at
    least 0.75 (the maximum complexity consistently managed); if none, one step
    below the smallest size tried (tiny at the bottom).
    """
    by_rank = sorted(candidates, key=lambda e: Size(e.value).rank, reverse=True)
    ordered = tuple(by_rank)
    for e in by_rank:
        if e.n >= MIN_EVIDENCE and e.rate >= SIZE_CONSISTENT_RATE:
            return Recommendation(
                e.value,
                "largest size consistently managed (at least 2 tried, rate >= 0.75)",
                n=e.n,
                rate=e.rate,
                smoothed=e.smoothed,
                candidates=ordered,
            )
    if not by_rank:
        return Recommendation(None, NOT_ENOUGH_EVIDENCE)
    smallest = Size(by_rank[-1].value)
    below = smallest.step_down()
    return Recommendation(
        below.value,
        f"no size consistently managed: one step below the smallest tried ({smallest})"
        if below is not smallest
        else "no size consistently managed: tiny is the smallest step",
        candidates=ordered,
    )


def shared(items: Sequence[Assignment], values: Callable[[Assignment], Iterable[str]]) -> Shared:
    """The value(s) most of a group had in common (ties: all, most recent first)."""
    counts: Counter[str] = Counter()
    latest: dict[str, int] = {}
    for a in items:
        for v in set(values(a)):
            counts[v] += 1
            latest[v] = max(latest.get(v, 0), a.session)
    return _winners(counts, latest, len(items))


def shared_one(items: Sequence[Assignment], key: Key) -> Shared:
    """:func:`shared` for a field with exactly one value per assignment (faster)."""
    counts: dict[str, int] = {}
    latest: dict[str, int] = {}
    for a in items:
        v = key(a)
        counts[v] = counts.get(v, 0) + 1
        if a.session > latest.get(v, 0):
            latest[v] = a.session
    return _winners(counts, latest, len(items))


def _winners(counts: Mapping[str, int], latest: Mapping[str, int], of: int) -> Shared:
    if not counts:
        return Shared((), 0, of)
    top = max(counts.values())
    winners = sorted((v for v, c in counts.items() if c == top), key=lambda v: (-latest[v], v))
    return Shared(tuple(winners), top, of)


def best_phase(resolved: Sequence[Assignment]) -> Phase | None:
    """The block of sessions (1-4, 5-8, ...) where completion was most consistent.

    Blocks need at least 2 resolved assignments; highest mean score wins, ties
    go to the larger n, then the most recent block.
    """
    pairs = []
    for a in resolved:
        r = a.resolution
        assert r is not None
        pairs.append((a.session, r.score))
    return _best_phase(pairs)


def _best_phase(pairs: Iterable[tuple[int, float]]) -> Phase | None:
    """:func:`best_phase` over (session, score) pairs."""
    blocks: dict[int, list[float]] = {}
    for session, value in pairs:
        blocks.setdefault((session - 1) // PHASE_LENGTH, []).append(value)
    best: tuple[float, int, int] | None = None
    for index, items in blocks.items():
        if len(items) < MIN_EVIDENCE:
            continue
        rate = sum(items) / len(items)
        candidate = (rate, len(items), index)
        if best is None or candidate > best:
            best = candidate
    if best is None:
        return None
    rate, n, index = best
    return Phase(index * PHASE_LENGTH + 1, (index + 1) * PHASE_LENGTH, n, rate)


def row(a: Assignment) -> Row:
    """The table row of one assignment."""
    r = a.resolution
    spec = a.spec
    return Row(
        assignment_id=a.id,
        session=a.session,
        title=spec.title,
        task=spec.task,
        format=format_key(a),
        size=size_key(a),
        frequency=frequency_key(a),
        framing=framing_key(a),
        outcome=str(r.outcome._value_) if r is not None else Outcome.PENDING.value,
        score=r.score if r is not None else None,
        resolved_session=r.session if r is not None else None,
        done=r.done if r is not None else None,
        planned=r.planned if r is not None else None,
        experience=r.experience if r is not None else "",
        explanation=r.explanation if r is not None else "",
        reasons=tuple([x._value_ for x in r.reasons]) if r is not None and r.reasons else (),
        notes=spec.notes,
    )


def ready_since(case: Case) -> int | None:
    """The session at which the 4th distinct session's outcome became known."""
    items = case.assignments.values()
    return _ready_since([(r.session, a.session) for a in items if (r := a.resolution) is not None])


def _ready_since(pairs: list[tuple[int, int]]) -> int | None:
    """:func:`ready_since` over (outcome session, session) pairs (reordered in place)."""
    # In order of outcome session, then session, until the 4th distinct session;
    # a heap yields the first few pairs without sorting them all.
    heapq.heapify(pairs)
    seen: set[int] = set()
    while pairs:
        outcome_session, session = heapq.heappop(pairs)
        seen.add(session)
        if len(seen) >= READY_SESSIONS:
            return outcome_session
    return None


def default_followup(
    system: System, missed_common: InCommon, last_review: Review | None
) -> Followup:
    """Default protocol shaped by the system; the last review's wording wins."""
    fmt = system.format.value
    framing = system.framing.value
    shape = ", ".join(
        part
        for part in (
            f"the {system.size.value} size" if system.size.value else "",
            f"the {fmt} format" if fmt else "",
            f"the '{framing}' framing" if framing else "",
        )
        if part
    )
    listen = (
        "What made it doable"
        + (f" ({shape})" if shape else "")
        + ", what the client noticed or learned, and whether the next step can"
        " keep the same shape or grow one step."
    )
    common_reasons = missed_common.reasons.values
    diagnostic = (
        "What got in the way: the timing, the size, the format, or how it was"
        " framed? Was there anything about our work that made it harder?"
    )
    if common_reasons:
        diagnostic += " (Misses so far most often: " + ", ".join(common_reasons) + ".)"
    defaults = {
        "completed_opening": "You did it - what was it like to do it?",
        "completed_listen_for": listen,
        "missed_opening": (
            "It didn't happen this week, and that's useful information too."
            " What was the week like around it?"
        ),
        "missed_diagnostic": diagnostic,
    }
    source = "default"
    if last_review is not None:
        chosen = last_review.followup
        for name in list(defaults):
            wording = getattr(chosen, name)
            if wording.strip():
                defaults[name] = wording
                source = f"review at session {last_review.session}"
    return Followup(source=source, **defaults)


def review_status(
    case: Case,
    resolved: Sequence[Assignment],
    ready: bool,
    current_session: int | None,
) -> ReviewStatus:
    """Last and next review, whether one is due, and the active triggers."""
    last = case.reviews[-1] if case.reviews else None
    if last is not None:
        next_review: int | None = last.next_review_session
    else:
        next_review = ready_since(case) if ready else None
    triggers: list[str] = []
    reasons: list[str] = []
    recent = resolved[-3:]
    if len(recent) == 3 and all(a.outcome is Outcome.MISSED for a in recent):
        triggers.append("three_consecutive_misses")
        reasons.append("the three most recent assignments were all missed")
    after = last.position if last is not None else 0
    for change in case.changes:
        if change.position > after:
            name = change.kind.trigger.value
            if name not in triggers:
                triggers.append(name)
                reasons.append(f"{change.kind.value} change noted at session {change.session}")
    at_cadence = (
        next_review is not None and current_session is not None and current_session >= next_review
    )
    if at_cadence:
        reasons.insert(
            0,
            "first review: the planner is ready"
            if last is None
            else f"{REVIEW_INTERVAL}-session cadence reached"
            f" (next review was session {next_review})",
        )
    return ReviewStatus(
        last_review_session=last.session if last else None,
        next_review_session=next_review,
        current_session=current_session,
        due=bool(at_cadence or triggers),
        triggers=tuple(triggers),
        reasons=tuple(reasons),
    )


def _resolved_rows(
    resolved: Sequence[Assignment],
    formats: Sequence[str],
    sizes: Sequence[str],
    frequencies: Sequence[str],
    framings: Sequence[str],
) -> tuple[list[Row], list[Row], list[float], list[int], list[int]]:
    """Rows of the done and missed tables, with each assignment's score and slots.

    Returns:
        Done rows, missed rows, scores, outcome slots and last-session slots
        (see :func:`_tally`), the last three in the order of ``resolved``.
    """
    done: list[Row] = []
    missed: list[Row] = []
    scores: list[float] = []
    columns: list[int] = []
    lasts: list[int] = []
    completed_, partial_ = Outcome.COMPLETED, Outcome.PARTIAL
    # Positional arguments, in Row's field order (a unit test checks these rows
    # against row()): keywords cost a third more per row, and a 1,000-assignment
    # client has 1,000 rows.
    for a, fmt, size, freq, framing in zip(
        resolved, formats, sizes, frequencies, framings, strict=True
    ):
        r = a.resolution
        assert r is not None
        outcome = r.outcome
        if outcome is completed_:
            score_, column, last, table = 1.0, _COMPLETED, _LAST_DONE, done
        elif outcome is partial_:
            score_, column, last, table = r.score, _PARTIAL, _LAST_DONE, done
        else:
            score_, column, last, table = 0.0, _MISSED, _LAST_MISSED, missed
        scores.append(score_)
        columns.append(column)
        lasts.append(last)
        spec = a.spec
        reasons = r.reasons
        table.append(
            Row(
                a.id,
                a.session,
                spec.title,
                spec.task,
                fmt,
                size,
                freq,
                framing,
                outcome._value_,
                score_,
                r.session,
                r.done,
                r.planned,
                r.experience,
                r.explanation,
                tuple([x._value_ for x in reasons]) if reasons else (),
                spec.notes,
            )
        )
    return done, missed, scores, columns, lasts


def _by_session(
    sessions: Sequence[int], scores: Sequence[float]
) -> tuple[tuple[tuple[int, float, int], ...], Phase | None]:
    """Completion by session and :func:`best_phase`, over assignments in session order."""
    completion: list[tuple[int, float, int]] = []
    best: tuple[float, int, int] | None = None

    def close(index: int, first: int, end: int) -> None:
        # Every score of the block, in order (the mean is the same float).
        nonlocal best
        if end - first >= MIN_EVIDENCE:
            items = scores[first:end]
            candidate = (sum(items) / len(items), len(items), index)
            if best is None or candidate > best:
                best = candidate

    block: int | None = None
    block_start = start = 0
    # Counter keeps the sessions in the order first seen: ascending.
    for session, n in Counter(sessions).items():
        index = (session - 1) // PHASE_LENGTH
        if index != block:
            if block is not None:
                close(block, block_start, start)
            block, block_start = index, start
        end = start + n
        completion.append((session, sum(scores[start:end]) / n, n))
        start = end
    if block is not None:
        close(block, block_start, start)
    if best is None:
        return tuple(completion), None
    rate, n, index = best
    return tuple(completion), Phase(index * PHASE_LENGTH + 1, (index + 1) * PHASE_LENGTH, n, rate)


def _shared_reasons(missed: Sequence[Row]) -> Shared:
    """:func:`shared` of the miss reasons, over the missed table."""
    counts: dict[str, int] = {}
    latest: dict[str, int] = {}
    for r in missed:
        if r.reasons:
            session = r.session
            for v in set(r.reasons):
                counts[v] = counts.get(v, 0) + 1
                if session > latest.get(v, 0):
                    latest[v] = session
    return _winners(counts, latest, len(missed))


def build_planner(case: Case, *, as_of_session: int | None = None) -> Planner:
    """Compute the Between-Session System Planner of a case.

    Args:
        case: the client's case (already limited to the events up to
            ``as_of_session`` when computing a past planner).
        as_of_session: recorded on the result; the current session is taken as
            this number when given.

    Returns:
        The planner value (see :class:`hwcore.planner.model.Planner`).
    """
    resolved: list[Assignment] = []
    pending: list[Assignment] = []
    for a in case.assignments.values():
        (pending if a.resolution is None else resolved).append(a)
    resolved.sort(key=_SESSION_ID)  # as resolved_in_order
    pending.sort(key=_SESSION_ID)
    # One column per field; per-field passes over them run at C speed or
    # close to it (1,000-assignment clients must plan in a few milliseconds).
    sessions = [a.session for a in resolved]
    formats = list(map(_FORMAT, resolved))
    sizes = list(map(_SIZE, resolved))
    frequencies = list(map(_FREQUENCY, resolved))
    framings = list(map(normalize_framing, map(_FRAMING, resolved)))
    done_rows, missed_rows, scores, columns, lasts = _resolved_rows(
        resolved, formats, sizes, frequencies, framings
    )
    tallies = [
        _tally(values, scores, columns, lasts, sessions)
        for values in (formats, sizes, frequencies, framings)
    ]
    format_t, size_t, frequency_t, framing_t = tallies
    completion, phase = _by_session(sessions, scores)
    sessions_reviewed = tuple([c[0] for c in completion])
    ready = len(sessions_reviewed) >= READY_SESSIONS
    ready_reason = (
        f"{len(sessions_reviewed)} sessions with known outcomes"
        if ready
        else f"not ready: {len(sessions_reviewed)} of {READY_SESSIONS} sessions with a"
        " known homework outcome; no recommendation yet"
    )

    format_ev, size_ev, frequency_ev, framing_ev = [_tally_evidence(t) for t in tallies]
    if ready:
        system = System(
            format=recommend_by_smoothed_rate(format_ev),
            size=recommend_size(size_ev),
            frequency=recommend_by_smoothed_rate(frequency_ev),
            framing=recommend_by_smoothed_rate(framing_ev),
        )
    else:
        system = System(
            format=Recommendation(None, NOT_READY, candidates=tuple(format_ev)),
            size=Recommendation(None, NOT_READY, candidates=tuple(size_ev)),
            frequency=Recommendation(None, NOT_READY, candidates=tuple(frequency_ev)),
            framing=Recommendation(None, NOT_READY, candidates=tuple(framing_ev)),
        )
    n_done, n_missed = len(done_rows), len(missed_rows)
    completed_common = InCommon(
        format=_tally_shared(format_t, missed=False, of=n_done),
        size=_tally_shared(size_t, missed=False, of=n_done),
        framing=_tally_shared(framing_t, missed=False, of=n_done),
        frequency=_tally_shared(frequency_t, missed=False, of=n_done),
        reasons=Shared((), 0, n_done),
        # Consistency of completion is judged over every resolved assignment of
        # a phase (misses included), not over the completed ones alone.
        phase=phase,
    )
    missed_common = InCommon(
        format=_tally_shared(format_t, missed=True, of=n_missed),
        size=_tally_shared(size_t, missed=True, of=n_missed),
        framing=_tally_shared(framing_t, missed=True, of=n_missed),
        frequency=_tally_shared(frequency_t, missed=True, of=n_missed),
        reasons=_shared_reasons(missed_rows),
        phase=None,
    )
    last_review = case.reviews[-1] if case.reviews else None
    current = case.current_session
    if as_of_session is not None and current is not None:
        current = min(current, as_of_session)

    chosen = None
    if last_review is not None:
        sys_ = last_review.system
        chosen = ChosenSystem(
            session=last_review.session,
            format=sys_.format.value if sys_.format else None,
            size=sys_.size.value if sys_.size else None,
            frequency=sys_.frequency.value if sys_.frequency else None,
            framing=sys_.framing,
            framing_wording=sys_.framing_wording,
            trigger=last_review.trigger.value,
            notes=last_review.notes,
        )
    last_date = case.session_date(current) if current is not None else None
    return Planner(
        client=case.client,
        as_of_session=as_of_session,
        sessions_reviewed=sessions_reviewed,
        first_session=min(case.sessions) if case.sessions else None,
        last_session=current,
        last_session_date=last_date.isoformat() if last_date else None,
        ready=ready,
        ready_reason=ready_reason,
        completed=tuple(done_rows),
        missed=tuple(missed_rows),
        pending=tuple([row(a) for a in pending]),
        completed_in_common=completed_common,
        missed_in_common=missed_common,
        system=system,
        followup=default_followup(system, missed_common, last_review),
        review=review_status(case, resolved, ready, current),
        chosen_system=chosen,
        framing_approach=case.framing.label if case.framing else None,
        completion_by_session=completion,
        overall_rate=(sum(scores) / len(resolved)) if resolved else None,
    )
