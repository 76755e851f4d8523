"""How a proposed assignment fits the client's history (live feedback, warnings).

The fit check reads the planner's own evidence, so the two never disagree about
a value; it compares the design with the current system (the therapist's
decision at the last review), else with the recommendation.
"""

from __future__ import annotations

import attrs

from hwcore.domain import AssignmentSpec, Case, Size, normalize_framing
from hwcore.planner.compute import CONFIDENCE_THRESHOLD, MIN_EVIDENCE, WORKS_RATE
from hwcore.planner.model import (
    CONSISTENTLY_MANAGED,
    FIELDS,
    Confounded,
    Evidence,
    Planner,
    Recommendation,
)
from hwcore.valueclass import Value

RARELY_DONE_RATE = WORKS_RATE
"""Below this raw rate (with at least 2 tried), a value 'rarely gets done'."""


@attrs.frozen(repr=False, eq=False)
class FieldFit(Value):
    """How this client has done with one chosen value."""

    field: str
    value: str
    n: int
    completed: int
    partial: int
    missed: int
    rate: float | None

    @property
    def summary(self) -> str:
        """E.g. 'written: 1 of 5 completed (20%)' or 'written: not tried yet'."""
        if self.n == 0:
            return f"{self.value}: not tried yet"
        extra = f", {self.partial} partly" if self.partial else ""
        rate = f" ({self.rate:.0%})" if self.rate is not None else ""
        return f"{self.value}: {self.completed} of {self.n} completed{extra}{rate}"

    @property
    def rarely_done(self) -> bool:
        """Tried at least twice with a raw rate under 0.5."""
        return self.n >= MIN_EVIDENCE and self.rate is not None and self.rate < RARELY_DONE_RATE


@attrs.frozen(repr=False, eq=False)
class Fit(Value):
    """The fit of a proposed assignment: per-field history, warnings and notes."""

    fields: tuple[FieldFit, ...]
    warnings: tuple[str, ...]
    suggested_size: str | None
    notes: tuple[str, ...] = ()
    """What is not a warning: that the design is the test that tells two values
    apart, a chosen value the history now points away from, a confounded value."""


def design_of(spec: AssignmentSpec) -> dict[str, str]:
    """The format, size, frequency and framing of a design, as the planner compares them."""
    return {
        "format": spec.format.value,
        "size": spec.size.value,
        "frequency": spec.frequency.value,
        "framing": normalize_framing(spec.framing),
    }


def _field_fit(field: str, value: str, candidates: tuple[Evidence, ...]) -> FieldFit:
    for e in candidates:
        if e.value == value:
            return FieldFit(field, value, e.n, e.completed, e.partial, e.missed, e.rate)
    return FieldFit(field, value, 0, 0, 0, 0, None)


def proposed_test(design: dict[str, str], entries: tuple[Confounded, ...]) -> list[Confounded]:
    """The confounded entries whose test is exactly this design."""
    return [
        c
        for c in entries
        if c.keep is not None
        and c.change is not None
        and design[c.keep[0]] == c.keep[1]
        and design[c.change[0]] == c.change[1]
    ]


def assess_fit(
    case: Case,
    spec: AssignmentSpec,
    planner: Planner,
    *,
    confidence_threshold: int = CONFIDENCE_THRESHOLD,
) -> Fit:
    """Compare a proposed assignment with what this client actually does.

    The rules: a value tried at least twice and rarely done (raw rate under
    0.5) is warned about, naming it as the chosen value when it equals the
    current system and as the planner's recommendation (with the planner's own
    note) when it is that; a value that differs from the current system (else
    from the recommendation) is warned about, and so is a size above it; a
    design that is exactly a confounded pair's test is told it will tell the
    two apart instead; a confidence below the threshold suggests one size
    smaller.

    Args:
        case: the client's case the planner was computed from.
        spec: the proposed assignment.
        planner: the case's planner (its evidence is the fit's evidence).
        confidence_threshold: below this confidence, advise a smaller task.

    Returns:
        Per-field history, warnings, notes and a suggested size.
    """
    del case  # the planner holds every number the fit check uses
    design = design_of(spec)
    system = planner.system
    current = planner.current_system
    recs: dict[str, Recommendation] = {f: getattr(system, f) for f in FIELDS}
    fields = tuple(_field_fit(f, design[f], recs[f].candidates) for f in FIELDS)
    warnings: list[str] = []
    notes: list[str] = []

    tested: set[str] = set()
    for c in proposed_test(design, planner.confounded):
        tested.update(c.fields)
        notes.append(
            f"this assignment will tell apart {c.values[0]} and {c.values[1]}"
            f" ({c.fields[0]} and {c.fields[1]} always came together so far)"
        )
    for c in planner.confounded:
        for field, value in zip(c.fields, c.values, strict=True):
            if design[field] == value and field not in tested:
                notes.append(
                    f"{c.text}: the history cannot tell which one matters"
                    + (f" ({c.test} would tell)" if c.test else "")
                )
                break

    for f in fields:
        chosen = current.value(f.field) if current is not None else None
        rec = recs[f.field]
        if f.field in tested:
            continue
        if f.rarely_done:
            if f.value == chosen and current is not None:
                warnings.append(
                    f"{f.field} {f.summary}: the value chosen at {current.source},"
                    " though this client rarely does it"
                )
            elif f.value == rec.value:
                warnings.append(
                    f"{f.field} {f.summary}: the planner's recommendation ({rec.basis}),"
                    " though this client rarely does it" + (f": {rec.note}" if rec.note else "")
                )
            else:
                warnings.append(f"{f.field} {f.summary}: this client rarely does it")
        if current is not None and chosen is not None:
            for e in current.elsewhere:
                if e.field == f.field and f.value == chosen:
                    notes.append(f"{f.field} '{chosen}' is the chosen value; {e.text}")

    suggested: str | None = None
    for field in FIELDS:
        if field in tested:
            continue
        value = design[field]
        chosen = current.value(field) if current is not None else None
        rec = recs[field]
        if chosen is not None and current is not None:
            reference, by = chosen, f"the chosen system's '{chosen}' ({current.source})"
        elif planner.ready and rec.value is not None:
            reference, by = rec.value, f"the planner's '{rec.value}'"
        else:
            continue
        if field != "size":
            if value != reference:
                warnings.append(f"{field} '{value}' differs from {by}")
        elif Size(value).rank > Size(reference).rank:
            suggested = reference
            if chosen is not None:
                warnings.append(f"size '{value}' is above the chosen size: {by}")
            elif rec.basis == CONSISTENTLY_MANAGED:
                warnings.append(
                    f"size '{value}' is above the largest size this client"
                    f" consistently manages ('{reference}')"
                )
            else:
                warnings.append(
                    f"size '{value}' is above the planner's '{reference}' ({rec.basis})"
                )

    if spec.confidence is not None and spec.confidence < confidence_threshold:
        smaller = spec.size.step_down()
        if smaller is spec.size:
            warnings.append(
                f"confidence {spec.confidence}/10 is below {confidence_threshold}:"
                " the task is already tiny: make it easier to start (when, where, a cue)"
            )
        else:
            if suggested is None or Size(suggested).rank > smaller.rank:
                suggested = smaller.value
            warnings.append(
                f"confidence {spec.confidence}/10 is below {confidence_threshold}:"
                f" consider shrinking the task (e.g. to '{smaller.value}')"
            )
    return Fit(
        fields=fields,
        warnings=tuple(warnings),
        suggested_size=suggested,
        notes=tuple(dict.fromkeys(notes)),
    )
