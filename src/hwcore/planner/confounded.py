"""What the history cannot tell apart (spec section 4a).

When two values of two fields always came together, the history cannot say
which of them stops (or helps) the client. The planner names such pairs and the
assignment that would tell them apart. No I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import combinations

from hwcore.planner.model import Confounded, Evidence, Row

FIELDS = ("format", "size", "framing", "frequency")
"""The fields compared pairwise, in the order the spec names them."""
MIN_EACH = 2
"""Resolved assignments each of the two values needs."""
MIN_DIFFERENCE = 0.3
"""How far the group's raw rate must differ from the rest's."""


def confounded(
    resolved: Sequence[Row], evidence: Mapping[str, Sequence[Evidence]]
) -> tuple[Confounded, ...]:
    """Every pair of values of two fields that always went together (spec 4a).

    For every pair of fields among format, size, framing and frequency, and
    every value A of one and B of the other: at least 2 resolved assignments had
    A, at least 2 had B, every assignment with A had B and every one with B had
    A, and the group's raw rate differs from the rest's by at least 0.3.

    Args:
        resolved: the resolved assignments' rows, in session order.
        evidence: each field's evidence, best first (the planner's candidates).

    Returns:
        One entry per such pair, with the assignment that would tell them apart.
    """
    entries: list[Confounded] = []
    column = {field: [getattr(r, field) for r in resolved] for field in FIELDS}
    scores = [r.score or 0.0 for r in resolved]  # resolved rows: never None
    count = {field: {e.value: e.n for e in evidence[field]} for field in FIELDS}
    for first, second in combinations(FIELDS, 2):
        together = Counter(zip(column[first], column[second], strict=True))
        for (a, b), n in together.items():
            if n < MIN_EACH or count[first][a] != n or count[second][b] != n:
                continue
            group = [x for v, x in zip(column[first], scores, strict=True) if v == a]
            rest = [x for v, x in zip(column[first], scores, strict=True) if v != a]
            if not rest:  # nothing to compare with: no more certainty than that
                continue
            rate = sum(group) / len(group)
            rest_rate = sum(rest) / len(rest)
            # Rounded so that a difference of 0.3 in exact arithmetic counts.
            if round(abs(rate - rest_rate), 9) < MIN_DIFFERENCE:
                continue
            entries.append(_entry((first, a), (second, b), n, rate, rest_rate, evidence))
    return tuple(entries)


def _entry(
    first: tuple[str, str],
    second: tuple[str, str],
    n: int,
    rate: float,
    rest_rate: float,
    evidence: Mapping[str, Sequence[Evidence]],
) -> Confounded:
    """The entry, with its test: keep one value, change the other to its field's best."""
    keep: tuple[str, str] | None = None
    change: tuple[str, str] | None = None
    for kept, changed in ((first, second), (second, first)):
        best = best_other(evidence[changed[0]], changed[1])
        if best is not None:
            keep, change = kept, (changed[0], best)
            break
    test = describe(dict([keep, change])) if keep and change else ""
    return Confounded(
        fields=(first[0], second[0]),
        values=(first[1], second[1]),
        n=n,
        rate=rate,
        rest_rate=rest_rate,
        test=test,
        keep=keep,
        change=change,
    )


def best_other(candidates: Sequence[Evidence], value: str) -> str | None:
    """The value of a field with the best record other than ``value``.

    Values tried at least twice come first; the candidates are best first.
    """
    others = [e for e in candidates if e.value != value]
    tried_twice = [e for e in others if e.n >= MIN_EACH]
    pick = (tried_twice or others)[:1]
    return pick[0].value if pick else None


_FORMAT_WORDS = {"object": "object-based", "other": "other-format"}
_FREQUENCY_WORDS = {
    "once": "done once",
    "weekly": "done once a week",
    "several-weekly": "done several times a week",
    "daily": "done daily",
    "per-cycle": "done once per session cycle",
    "as-needed": "done as needed",
}


def describe(design: Mapping[str, str]) -> str:
    """An assignment's design phrased for a therapist.

    E.g. ``{"format": "written", "framing": "experiment"}`` is "a written task
    framed as an experiment"; ``{"size": "tiny", "frequency": "daily"}`` is
    "a tiny task done daily".
    """
    words = [design[f] for f in ("size",) if f in design]
    if "format" in design:
        words.append(_FORMAT_WORDS.get(design["format"], design["format"]))
    words.append("task")
    text = _article(words[0]) + " " + " ".join(words)
    if "framing" in design:
        label = design["framing"]
        text += f" framed as {_article(label)} {label}"
    if "frequency" in design:
        frequency = design["frequency"]
        text += (
            ("," if "framing" in design else "")
            + " "
            + _FREQUENCY_WORDS.get(frequency, f"done {frequency}")
        )
    return text


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
