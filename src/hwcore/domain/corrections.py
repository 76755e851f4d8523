"""Which outcome fields a correction may set, given the outcome it leaves (issue 14 item 15).

``hw correct`` once let through ``done=3`` on a missed assignment ("missed 3 of
None"), ``done=900`` on a pending one and miss reasons on a partial one: each
field now has to fit the outcome the assignment has after the correction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hwcore.domain.errors import InvalidValueError
from hwcore.domain.vocabulary import Outcome

__all__ = ["check_outcome_fields"]

_FITS: dict[str, tuple[Outcome, ...]] = {
    "done": (Outcome.PARTIAL,),
    "planned": (Outcome.PARTIAL,),
    "reasons": (Outcome.MISSED,),
    "explanation": (Outcome.MISSED, Outcome.PARTIAL, Outcome.COMPLETED),
    "experience": (Outcome.MISSED, Outcome.PARTIAL, Outcome.COMPLETED),
}


def check_outcome_fields(assignment_id: int, current: Outcome, changes: Mapping[str, Any]) -> None:
    """Refuse a corrected outcome field that does not fit the resulting outcome.

    Args:
        assignment_id: the assignment corrected (named in the error).
        current: its outcome before the correction.
        changes: the normalised correction (``normalize_changes``).

    Raises:
        InvalidValueError: e.g. ``done`` on a missed or pending assignment,
            ``reasons`` on a partial one.
    """
    outcome = Outcome(changes.get("outcome", current.value))
    for name, fits in _FITS.items():
        if name not in changes:
            continue
        value = changes[name]
        if value in (None, "", []) and outcome not in fits:
            continue  # clearing a field that does not apply is harmless
        if outcome not in fits:
            allowed = " or ".join(o.value for o in fits)
            raise InvalidValueError(
                "correction",
                f"{name} on #{assignment_id}",
                f"{name} only on a {allowed} outcome (#{assignment_id} would be"
                f" {outcome.value}: set outcome= too if that is what changed)",
            )
