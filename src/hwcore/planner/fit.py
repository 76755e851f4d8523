"""How a proposed assignment fits the client's history (live feedback, warnings)."""

from __future__ import annotations

import attrs

from hwcore.domain import AssignmentSpec, Case, Size, normalize_framing
from hwcore.planner.compute import (
    CONFIDENCE_THRESHOLD,
    MIN_EVIDENCE,
    evidence,
    format_key,
    framing_key,
    frequency_key,
    resolved_in_order,
    size_key,
)
from hwcore.planner.model import Evidence, Planner

RARELY_DONE_RATE = 0.5
"""Below this raw rate (with at least 2 tried), a value 'rarely gets done'."""


@attrs.frozen
class FieldFit:
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


@attrs.frozen
class Fit:
    """The fit of a proposed assignment: per-field history and warnings."""

    fields: tuple[FieldFit, ...]
    warnings: tuple[str, ...]
    suggested_size: str | None


def _field_fit(field: str, value: str, ev: list[Evidence]) -> FieldFit:
    for e in ev:
        if e.value == value:
            return FieldFit(field, value, e.n, e.completed, e.partial, e.missed, e.rate)
    return FieldFit(field, value, 0, 0, 0, 0, None)


def assess_fit(
    case: Case,
    spec: AssignmentSpec,
    planner: Planner,
    *,
    confidence_threshold: int = CONFIDENCE_THRESHOLD,
) -> Fit:
    """Compare a proposed assignment with what this client actually does.

    Warns when a value was tried at least twice and rarely done (raw rate below
    0.5), when it differs from the recommended system, when the size is above
    the recommended size, and when the client's confidence is below the
    threshold (suggesting one size smaller).
    """
    resolved = resolved_in_order(case)
    fields = (
        _field_fit("format", spec.format.value, evidence(resolved, format_key)),
        _field_fit("size", spec.size.value, evidence(resolved, size_key)),
        _field_fit("frequency", spec.frequency.value, evidence(resolved, frequency_key)),
        _field_fit("framing", normalize_framing(spec.framing), evidence(resolved, framing_key)),
    )
    warnings: list[str] = []
    for f in fields:
        if f.n >= MIN_EVIDENCE and f.rate is not None and f.rate < RARELY_DONE_RATE:
            warnings.append(f"{f.field} {f.summary}: this client rarely does it")
    suggested: str | None = None
    if planner.ready:
        system = planner.system
        for name, rec in (
            ("format", system.format),
            ("frequency", system.frequency),
            ("framing", system.framing),
        ):
            chosen = next(f.value for f in fields if f.field == name)
            if rec.value is not None and chosen != rec.value:
                warnings.append(f"{name} '{chosen}' differs from the planner's '{rec.value}'")
        if system.size.value is not None and spec.size.rank > Size(system.size.value).rank:
            suggested = system.size.value
            warnings.append(
                f"size '{spec.size.value}' is above the largest size this client"
                f" consistently manages ('{system.size.value}')"
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
    return Fit(fields=fields, warnings=tuple(warnings), suggested_size=suggested)
