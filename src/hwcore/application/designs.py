"""An assignment's design completed from the client's current system (spec section 4, r2).

``hw assign`` takes its ``--format/--size/--frequency/--framing`` defaults
from the current system, the therapist's decision at the last review (a
framing change since then replacing the framing): they are required only
where neither the therapist nor the current system gives a value.
:func:`fill_design` does that for any frontend and says which values it took.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from hwcore.domain import AssignmentSpec, HwError
from hwcore.planner import CurrentSystem
from hwcore.valueclass import Value

SYSTEM_DEFAULTS: tuple[str, ...] = ("format", "size", "frequency", "framing")
"""The design fields the current system gives defaults for (with the framing's wording)."""
REQUIRED_FIELDS: tuple[str, ...] = ("title", "format", "size", "framing")
"""The design fields without a default of their own."""


class MissingDesignError(HwError, ValueError):
    """Required design fields that neither the therapist nor the current system gave.

    Attributes:
        missing: the fields, in the design's order (e.g. ``("format", "size")``).
    """

    def __init__(self, missing: tuple[str, ...], why: str) -> None:
        self.missing = missing
        self.why = why
        super().__init__(f"missing {', '.join(missing)}: {why}")


@attrs.frozen(repr=False, eq=False)
class FilledDesign(Value):
    """A design completed from the current system, and what was taken from it."""

    design: AssignmentSpec
    from_current_system: dict[str, str]
    """Each field taken from the current system and its value ({} when none was)."""
    source: str | None
    """'the review at session N' when a current system exists, else None."""


def fill_design(current: CurrentSystem | None, given: Mapping[str, Any]) -> FilledDesign:
    """The design of ``given`` (field to value; None or missing: not given), completed.

    A vocabulary field not given takes the current system's value; the
    framing's wording comes with a framing taken from it. ``frequency`` falls
    back to its own default (weekly) when neither gives one.

    Args:
        current: the planner's ``current_system`` (None before the first review).
        given: the fields the therapist gave, as for :class:`AssignmentSpec`.

    Raises:
        MissingDesignError: a required field is in neither (one line naming them).
        InvalidValueError: a value given is not allowed (as for the design itself).
    """
    values = {k: v for k, v in given.items() if v is not None}
    taken: dict[str, str] = {}
    if current is not None:
        for name in SYSTEM_DEFAULTS:
            chosen = current.value(name)
            if name not in values and chosen is not None:
                values[name] = taken[name] = chosen
        if "framing" in taken and current.framing_wording and "framing_wording" not in values:
            values["framing_wording"] = taken["framing_wording"] = current.framing_wording
    missing = tuple(name for name in REQUIRED_FIELDS if name not in values)
    if missing == ("title",):
        raise MissingDesignError(missing, "an assignment always needs a title")
    if missing:
        if current is None:
            why = "the client has no current system yet (the first review sets one)"
        else:
            why = f"{current.source} left {'it' if len(missing) == 1 else 'them'} open"
        raise MissingDesignError(missing, why)
    return FilledDesign(
        design=AssignmentSpec(**values),
        from_current_system=taken,
        source=current.source if current is not None else None,
    )
