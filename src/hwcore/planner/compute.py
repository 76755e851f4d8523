"""The planner projection: a pure function of one client's case state.

Each function below implements one rule of spec section 4, in the order the
spec states them; its docstring quotes the rule. No I/O, no clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import attrs

from hwcore.domain import (
    Assignment,
    Case,
    Format,
    Frequency,
    Outcome,
    Size,
    normalize_framing,
)
from hwcore.planner.confounded import confounded
from hwcore.planner.decisions import (
    READY_SESSIONS,
    chosen_system,
    current_system,
    default_followup,
    review_status,
)
from hwcore.planner.model import (
    BEST_SO_FAR,
    CONSISTENTLY_MANAGED,
    FIELDS,
    GO_SMALLER,
    HIGHEST_SMOOTHED,
    MISSED_LAST_TWO,
    NOT_ENOUGH_EVIDENCE,
    NOT_ENOUGH_TO_SAY,
    NOT_READY,
    NOTHING_WORKED,
    SIZE_IS_NOT_IT,
    Confounded,
    Evidence,
    InCommon,
    Phase,
    Planner,
    Recommendation,
    Row,
    Shared,
    System,
    design_defaults,
)
from hwcore.planner.outcomes import alerts, measure_trends

MIN_EVIDENCE = 2
"""Resolved assignments a value needs before it can be recommended."""
WORKS_RATE = 0.5
"""Raw rate a value needs to be recommended at all (and a partial to count as done)."""
SIZE_CONSISTENT_RATE = 0.75
"""Raw completion rate at which a size counts as consistently managed."""
PHASE_LENGTH = 4
"""Sessions per phase of therapy when looking for the most consistent phase."""
CONFIDENCE_THRESHOLD = 9
"""Default confidence below which the planner advises a smaller task."""

_PENDING = Outcome.PENDING.value
_COMPLETED, _PARTIAL, _MISSED = (
    o.value for o in (Outcome.COMPLETED, Outcome.PARTIAL, Outcome.MISSED)
)


# ---------------------------------------------------------------- the rows


def row(a: Assignment) -> Row:
    """The table row of one assignment: what every rule below reads.

    Its score: completed = 1; partial = done/planned (0.5 when the doses are
    not given); missed = 0; pending: none (listed, never scored).
    """
    spec = a.spec
    r = a.resolution
    # ``_value_`` is the enum member's plain attribute; ``.value`` is a property
    # several times slower, read 4,000 times for a 1,000-assignment client
    # (benchmark ``planner_1000``: compute <= 10 ms).
    fmt, size, frequency = spec.format._value_, spec.size._value_, spec.frequency._value_
    framing = normalize_framing(spec.framing)
    # Positional arguments in Row's field order (a unit test checks every field):
    # keywords make a row a third slower to build (benchmark ``planner_1000``).
    if r is None:
        return Row(
            a.id, a.session, spec.title, spec.task, fmt, size, frequency, framing,
            _PENDING, None, None, None, None, "", "", (), spec.notes,
        )  # fmt: skip
    return Row(
        a.id, a.session, spec.title, spec.task, fmt, size, frequency, framing,
        r.outcome._value_, r.score, r.session, r.done, r.planned, r.experience,
        r.explanation, tuple([x._value_ for x in r.reasons]), spec.notes,
    )  # fmt: skip


def rows(case: Case) -> tuple[list[Row], list[Row]]:
    """The resolved and the pending rows, each in the order given (session, then id)."""
    resolved: list[Row] = []
    pending: list[Row] = []
    for a in sorted(case.assignments.values(), key=lambda a: (a.session, a.id)):
        (pending if a.resolution is None else resolved).append(row(a))
    return resolved, pending


def _score(r: Row) -> float:
    """A resolved row's score (``or 0.0`` only satisfies the type: resolved rows have one)."""
    return r.score or 0.0


# ------------------------------------------------------------------- evidence


def evidence(resolved: Sequence[Row], field: str) -> list[Evidence]:
    """How each value of one field has fared, best first.

    Best first: by smoothed rate (score + 1) / (n + 2), then n, then the most
    recent session.
    """
    groups: dict[str, list[Row]] = {}
    for r in resolved:
        groups.setdefault(getattr(r, field), []).append(r)
    result = [_evidence(value, items) for value, items in groups.items()]
    # Rounded so that rates equal in exact arithmetic tie (then n, then recency).
    result.sort(key=lambda e: (round(e.smoothed, 9), e.n, e.last_session), reverse=True)
    return result


def _evidence(value: str, items: Sequence[Row]) -> Evidence:
    """One value's evidence; ``items`` in session order."""
    n = len(items)
    total = sum(r.score or 0.0 for r in items)  # resolved rows: never None
    outcomes = [r.outcome for r in items]
    return Evidence(
        value=value,
        n=n,
        completed=outcomes.count(_COMPLETED),
        partial=outcomes.count(_PARTIAL),
        missed=outcomes.count(_MISSED),
        score=total,
        rate=total / n,
        smoothed=(total + 1) / (n + 2),
        last_session=items[-1].session,
        missed_last_two=outcomes[-2:] == [_MISSED, _MISSED],
    )


# --------------------------------------------------------------------- system


def recommend_by_smoothed_rate(
    candidates: Sequence[Evidence], vocabulary: Iterable[str] = ()
) -> Recommendation:
    """Format, framing and frequency rule.

    Among values with at least 2 resolved assignments, the one with the highest
    smoothed completion rate (score + 1) / (n + 2); ties go to the larger n,
    then the most recent. No value with 2 or more: null, basis "not enough
    evidence". The winner is recommended only when its raw rate is at least
    0.5; otherwise null, basis "nothing tried has worked yet", with the
    ``vocabulary`` values never tried listed as ``untried``.
    """
    eligible = [e for e in candidates if e.n >= MIN_EVIDENCE]
    if not eligible:
        return Recommendation(
            None,
            NOT_ENOUGH_EVIDENCE,
            candidates=tuple(candidates),
            basis=NOT_ENOUGH_EVIDENCE,
        )
    best = eligible[0]  # candidates are sorted best first
    if best.rate < WORKS_RATE:
        tried = {e.value for e in candidates}
        untried = tuple(v for v in vocabulary if v not in tried)
        return Recommendation(
            None,
            f"{NOTHING_WORKED} (the best record, {best.value}, was done"
            f" {best.rate:.0%} of the time"
            + (f"; never tried: {', '.join(untried)})" if untried else ")"),
            candidates=tuple(candidates),
            basis=NOTHING_WORKED,
            untried=untried,
        )
    return _recommended(
        best,
        HIGHEST_SMOOTHED,
        f"{HIGHEST_SMOOTHED} among values tried at least twice",
        tuple(candidates),
    )


def recommend_size(candidates: Sequence[Evidence]) -> Recommendation:
    """Size rule, three steps, the first that applies.

    1. The largest size with at least 2 resolved assignments and a raw rate of
       at least 0.75: basis "consistently managed".
    2. Else the size with the highest smoothed rate among sizes with at least 2
       resolved assignments and a raw rate of at least 0.5 (ties: the smaller
       size): basis "best so far, not yet consistent".
    3. Else one step below the smallest size tried (tiny at the bottom): basis
       "nothing has worked yet: go smaller"; when that is tiny and tiny itself
       was tried at least twice with a raw rate under 0.5, size is not what
       stops this client.
    """
    largest_first = tuple(sorted(candidates, key=lambda e: Size(e.value).rank, reverse=True))
    tried_twice = [e for e in largest_first if e.n >= MIN_EVIDENCE]
    for e in tried_twice:
        if e.rate >= SIZE_CONSISTENT_RATE:
            return _recommended(
                e,
                CONSISTENTLY_MANAGED,
                "largest size consistently managed (at least 2 tried, rate >= 0.75)",
                largest_first,
            )
    working = [e for e in tried_twice if e.rate >= WORKS_RATE]
    if working:
        # Smallest first, so that max() keeps the smaller size on a tie.
        best = max(reversed(working), key=lambda e: round(e.smoothed, 9))
        return _recommended(
            best,
            BEST_SO_FAR,
            f"{BEST_SO_FAR} (the highest smoothed rate among sizes at 50% or more)",
            largest_first,
        )
    if not largest_first:
        return Recommendation(None, NOT_ENOUGH_EVIDENCE, basis=NOT_ENOUGH_EVIDENCE)
    smallest = largest_first[-1]
    below = Size(smallest.value).step_down()
    note = ""
    if smallest.value == Size.TINY.value and smallest.n >= MIN_EVIDENCE:
        note = SIZE_IS_NOT_IT if smallest.rate < WORKS_RATE else ""
    own = next((e for e in largest_first if e.value == below.value), None)
    where = (
        f"one step below the smallest size tried ({smallest.value})"
        if below.value != smallest.value
        else "tiny is the smallest step"
    )
    return Recommendation(
        below.value,
        _with_notes(f"{GO_SMALLER} ({where})", own, note),
        n=own.n if own else None,
        rate=own.rate if own else None,
        smoothed=own.smoothed if own else None,
        candidates=largest_first,
        basis=GO_SMALLER,
        missed_last_two=own.missed_last_two if own else False,
        note=note,
    )


def _recommended(
    e: Evidence, basis: str, reason: str, candidates: tuple[Evidence, ...]
) -> Recommendation:
    return Recommendation(
        e.value,
        _with_notes(reason, e, ""),
        n=e.n,
        rate=e.rate,
        smoothed=e.smoothed,
        candidates=candidates,
        basis=basis,
        missed_last_two=e.missed_last_two,
    )


def _with_notes(reason: str, e: Evidence | None, note: str) -> str:
    """The reason, then "missed the last 2 times" and the rule's note, if any."""
    extra = [MISSED_LAST_TWO] if e is not None and e.missed_last_two else []
    return "; ".join([reason, *extra, *([note] if note else [])])


def recommend(evidence_by_field: Mapping[str, Sequence[Evidence]], ready: bool) -> System:
    """The system: each field by its rule (none before the planner is ready)."""
    if not ready:
        return System(
            **{
                field: Recommendation(
                    None,
                    NOT_READY,
                    candidates=tuple(evidence_by_field[field]),
                    basis=NOT_READY,
                )
                for field in FIELDS
            }
        )
    return System(
        format=recommend_by_smoothed_rate(evidence_by_field["format"], [f.value for f in Format]),
        size=recommend_size(evidence_by_field["size"]),
        frequency=recommend_by_smoothed_rate(
            evidence_by_field["frequency"], [f.value for f in Frequency]
        ),
        framing=recommend_by_smoothed_rate(evidence_by_field["framing"]),
    )


def mark_confounded(system: System, entries: Sequence[Confounded]) -> System:
    """A recommendation that rests on a confounded value says so (spec 4a)."""
    marked = {}
    for field in FIELDS:
        rec: Recommendation = getattr(system, field)
        partners = [
            (f"{other[0]} {other[1]}", f"{rec.value} is confounded with {other[1]}")
            for c in entries
            for this, other in _both_ways(c)
            if rec.value is not None and this == (field, rec.value)
        ]
        if partners:
            rec = attrs.evolve(
                rec,
                reason="; ".join([rec.reason, *(text for _, text in partners)]),
                confounded_with=tuple(partner for partner, _ in partners),
            )
        marked[field] = rec
    return System(**marked)


def _both_ways(c: Confounded) -> tuple[tuple[tuple[str, str], tuple[str, str]], ...]:
    """((field, value), (other field, other value)) for each value of an entry."""
    first, second = (c.fields[0], c.values[0]), (c.fields[1], c.values[1])
    return ((first, second), (second, first))


# ------------------------------------------------------------------ in common


def in_common(group: Sequence[Row], *, phase: Phase | None, missed: bool) -> InCommon:
    """What most of one side (completed or missed) had in common.

    A partial counts on the completed side when its score is at least 0.5 and
    on the missed side otherwise. A side with fewer than 2 assignments says
    "not enough to say" instead of naming a pattern.
    """
    of = len(group)
    if of < MIN_EVIDENCE:
        nothing = Shared((), 0, of)
        return InCommon(nothing, nothing, nothing, nothing, nothing, None, NOT_ENOUGH_TO_SAY)

    sessions = [r.session for r in group]

    def field(name: str) -> Shared:
        """What most of the side shared in one field."""
        return shared([getattr(r, name) for r in group], sessions, of)

    reasons = [(reason, r.session) for r in group for reason in set(r.reasons)] if missed else []
    return InCommon(
        format=field("format"),
        size=field("size"),
        framing=field("framing"),
        frequency=field("frequency"),
        reasons=shared([v for v, _ in reasons], [s for _, s in reasons], of),
        phase=phase,
    )


def is_done(r: Row) -> bool:
    """On the completed side: a score of at least 0.5 (1 of 7 days is not done)."""
    return _score(r) >= WORKS_RATE


def shared(values: Sequence[str], sessions: Sequence[int], of: int) -> Shared:
    """The value(s) most of a group of ``of`` had in common (ties: all, most recent first).

    Args:
        values: each member's value (a member counts once per value), in
            session order.
        sessions: the session of each of ``values``.
        of: the size of the group.
    """
    if not values:
        return Shared((), 0, of)
    counts = Counter(values)
    latest = dict(zip(values, sessions, strict=True))  # in order: the last is the most recent
    top = max(counts.values())
    winners = sorted((v for v, c in counts.items() if c == top), key=lambda v: (-latest[v], v))
    return Shared(tuple(winners), top, of)


def best_phase(resolved: Sequence[Row]) -> Phase | None:
    """The block of sessions (1-4, 5-8, ...) where completion was most consistent.

    Judged over every resolved assignment of a block (misses included); blocks
    need at least 2; the highest mean score wins, ties go to the larger n, then
    the most recent block.
    """
    blocks: dict[int, list[float]] = {}
    for r in resolved:
        blocks.setdefault((r.session - 1) // PHASE_LENGTH, []).append(r.score or 0.0)
    candidates = [
        (sum(scores) / len(scores), len(scores), index)
        for index, scores in blocks.items()
        if len(scores) >= MIN_EVIDENCE
    ]
    if not candidates:
        return None
    rate, n, index = max(candidates)
    return Phase(index * PHASE_LENGTH + 1, (index + 1) * PHASE_LENGTH, n, rate)


def completion_by_session(resolved: Sequence[Row]) -> tuple[tuple[int, float, int], ...]:
    """(session, mean score, resolved count) of each session with outcomes, in order."""
    by_session: dict[int, list[float]] = {}
    for r in resolved:
        by_session.setdefault(r.session, []).append(r.score or 0.0)
    return tuple((s, sum(scores) / len(scores), len(scores)) for s, scores in by_session.items())


# -------------------------------------------------------------------- planner


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
    resolved, pending = rows(case)
    by_session = completion_by_session(resolved)
    sessions_reviewed = tuple(s for s, _, _ in by_session)
    ready = len(sessions_reviewed) >= READY_SESSIONS
    ready_reason = (
        f"{len(sessions_reviewed)} sessions with known outcomes"
        if ready
        else f"not ready: {len(sessions_reviewed)} of {READY_SESSIONS} sessions with a"
        " known homework outcome; no recommendation yet"
    )
    evidence_by_field = {field: evidence(resolved, field) for field in FIELDS}
    entries = confounded(resolved, evidence_by_field)
    system = mark_confounded(recommend(evidence_by_field, ready), entries)

    done = [r for r in resolved if is_done(r)]
    not_done = [r for r in resolved if not is_done(r)]
    missed_common = in_common(not_done, phase=None, missed=True)
    current = current_system(case, system, resolved)
    last_review = case.reviews[-1] if case.reviews else None
    session = case.current_session
    if as_of_session is not None and session is not None:
        session = min(session, as_of_session)
    last_date = case.session_date(session) if session is not None else None
    return Planner(
        client=case.client,
        as_of_session=as_of_session,
        sessions_reviewed=sessions_reviewed,
        first_session=min(case.sessions) if case.sessions else None,
        last_session=session,
        last_session_date=last_date.isoformat() if last_date else None,
        ready=ready,
        ready_reason=ready_reason,
        # The tables: partial ones appear with the completed, with their dose.
        completed=tuple(r for r in resolved if r.outcome != _MISSED),
        missed=tuple(r for r in resolved if r.outcome == _MISSED),
        pending=tuple(pending),
        completed_in_common=in_common(done, phase=best_phase(resolved), missed=False),
        missed_in_common=missed_common,
        system=system,
        followup=default_followup(design_defaults(current, system), missed_common, last_review),
        review=review_status(case, resolved, ready, session),
        chosen_system=chosen_system(last_review) if last_review is not None else None,
        framing_approach=case.framing.label if case.framing else None,
        completion_by_session=by_session,
        overall_rate=sum(map(_score, resolved)) / len(resolved) if resolved else None,
        current_system=current,
        confounded=entries,
        measures=measure_trends(case, resolved),
        alerts=alerts(case),
    )
