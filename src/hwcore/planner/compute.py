"""The planner projection: a pure function of one client's case state.

Implements spec section 4 to the letter; the rules are documented on each
function. No I/O, no clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
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
        (a for a in case.assignments.values() if a.is_resolved),
        key=lambda a: (a.session, a.id),
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


Facts = tuple[Assignment, str, str, str, str, float]
"""An assignment with its format, size, frequency, framing key and score, read once."""


def _facts(resolved: Sequence[Assignment]) -> list[Facts]:
    facts: list[Facts] = []
    for a in resolved:
        spec = a.spec
        r = a.resolution
        assert r is not None
        facts.append(
            (
                a,
                spec.format._value_,
                spec.size._value_,
                spec.frequency._value_,
                normalize_framing(spec.framing),
                r.score,
            )
        )
    return facts


def _evidence_from_facts(facts: Sequence[Facts]) -> list[list[Evidence]]:
    """Evidence for format, size, frequency and framing (in that order), one pass."""
    tallies: list[dict[str, list[Any]]] = [{}, {}, {}, {}]
    for a, fmt, size, freq, framing, score_ in facts:
        r = a.resolution
        assert r is not None
        outcome = r.outcome
        column = 2 if outcome is Outcome.COMPLETED else 3 if outcome is Outcome.PARTIAL else 4
        session = a.session
        for groups, value in zip(tallies, (fmt, size, freq, framing), strict=True):
            g = groups.get(value)
            if g is None:
                g = groups[value] = [0, 0.0, 0, 0, 0, 0]
            g[0] += 1
            g[1] += score_
            g[column] += 1
            if session > g[5]:
                g[5] = session
    return [_evidence_list(groups) for groups in tallies]


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


def _shared_from_facts(facts: Sequence[Facts], index: int) -> Shared:
    counts: dict[str, int] = {}
    latest: dict[str, int] = {}
    for item in facts:
        v: str = item[index]  # type: ignore[assignment]
        counts[v] = counts.get(v, 0) + 1
        session = item[0].session
        if session > latest.get(v, 0):
            latest[v] = session
    return _winners(counts, latest, len(facts))


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


def _in_common(
    facts: Sequence[Facts],
    *,
    phase_over: Sequence[Facts] | None,
    with_reasons: bool,
) -> InCommon:
    items = [f[0] for f in facts]

    def reasons(a: Assignment) -> Iterable[str]:
        return [r.value for r in a.resolution.reasons] if a.resolution else []

    return InCommon(
        format=_shared_from_facts(facts, 1),
        size=_shared_from_facts(facts, 2),
        framing=_shared_from_facts(facts, 4),
        frequency=_shared_from_facts(facts, 3),
        reasons=shared(items, reasons) if with_reasons else Shared((), 0, len(items)),
        phase=_best_phase((f[0].session, f[5]) for f in phase_over)
        if phase_over is not None
        else None,
    )


def row(a: Assignment, facts: Facts | None = None) -> Row:
    """The table row of one assignment (``facts``: its keys and score, already read)."""
    r = a.resolution
    spec = a.spec
    if facts is None:
        keys = (format_key(a), size_key(a), frequency_key(a), framing_key(a))
        score_: float | None = r.score if r is not None else None
    else:
        keys = facts[1:5]
        score_ = facts[5]
    fmt, size, freq, framing = keys
    return Row(
        assignment_id=a.id,
        session=a.session,
        title=spec.title,
        task=spec.task,
        format=fmt,
        size=size,
        frequency=freq,
        framing=framing,
        outcome=str(r.outcome._value_) if r is not None else Outcome.PENDING.value,
        score=score_,
        resolved_session=r.session if r is not None else None,
        done=r.done if r is not None else None,
        planned=r.planned if r is not None else None,
        experience=r.experience if r is not None else "",
        explanation=r.explanation if r is not None else "",
        reasons=tuple([x.value for x in r.reasons]) if r is not None and r.reasons else (),
        notes=spec.notes,
    )


def ready_since(case: Case) -> int | None:
    """The session at which the 4th distinct session's outcome became known."""
    seen: set[int] = set()
    for a in sorted(
        (a for a in case.assignments.values() if a.resolution is not None),
        key=lambda a: (a.resolution.session if a.resolution else 0, a.session, a.id),
    ):
        seen.add(a.session)
        if len(seen) >= READY_SESSIONS:
            assert a.resolution is not None
            return a.resolution.session
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
    resolved = resolved_in_order(case)
    facts = _facts(resolved)
    done_facts: list[Facts] = []
    missed_facts: list[Facts] = []
    for item in facts:
        r = item[0].resolution
        assert r is not None
        (missed_facts if r.outcome is Outcome.MISSED else done_facts).append(item)
    pending = sorted(case.pending(), key=lambda a: (a.session, a.id))
    sessions_reviewed = tuple(sorted({a.session for a in resolved}))
    ready = len(sessions_reviewed) >= READY_SESSIONS
    ready_reason = (
        f"{len(sessions_reviewed)} sessions with known outcomes"
        if ready
        else f"not ready: {len(sessions_reviewed)} of {READY_SESSIONS} sessions with a"
        " known homework outcome; no recommendation yet"
    )

    format_ev, size_ev, frequency_ev, framing_ev = _evidence_from_facts(facts)
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
    missed_common = _in_common(missed_facts, phase_over=None, with_reasons=True)
    last_review = case.reviews[-1] if case.reviews else None
    current = case.current_session
    if as_of_session is not None and current is not None:
        current = min(current, as_of_session)

    scores = [f[5] for f in facts]
    per_session: dict[int, list[float]] = {}
    for a, *_, value in facts:
        per_session.setdefault(a.session, []).append(value)
    completion = tuple((s, sum(v) / len(v), len(v)) for s, v in sorted(per_session.items()))
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
        completed=tuple(row(f[0], f) for f in done_facts),
        missed=tuple(row(f[0], f) for f in missed_facts),
        pending=tuple(row(a) for a in pending),
        # Consistency of completion is judged over every resolved assignment of
        # a phase (misses included), not over the completed ones alone.
        completed_in_common=_in_common(done_facts, phase_over=facts, with_reasons=False),
        missed_in_common=missed_common,
        system=system,
        followup=default_followup(system, missed_common, last_review),
        review=review_status(case, resolved, ready, current),
        chosen_system=chosen,
        framing_approach=case.framing.label if case.framing else None,
        completion_by_session=completion,
        overall_rate=(sum(scores) / len(resolved)) if resolved else None,
    )
