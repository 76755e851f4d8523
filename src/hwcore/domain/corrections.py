"""Corrections of an assignment: the fields a correction may change, and its effect.

A correction is a new event (``Case.EntryCorrected``), never an edit; its
``changes`` are plain JSON values, validated by :func:`normalize_changes` and
applied to the assignment's state by :func:`apply_correction`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from hwcore.domain.errors import InvalidValueError, VocabularyError
from hwcore.domain.guards import check_label, check_line, check_text
from hwcore.domain.values import Assignment, Resolution
from hwcore.domain.vocabulary import Format, Frequency, MissReason, Outcome, Size

CORRECTABLE_FIELDS: tuple[str, ...] = (
    "title",
    "task",
    "format",
    "size",
    "framing",
    "frequency",
    "planned_doses",
    "outcome",
    "done",
    "planned",
    "explanation",
    "reasons",
    "experience",
    "insights",
    "modification",
)
"""The assignment fields ``hw correct`` may change."""


def normalize_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Validate correction fields and turn their values into plain JSON values."""
    plain: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in CORRECTABLE_FIELDS:
            raise VocabularyError("field", str(name), list(CORRECTABLE_FIELDS))
        if name == "format":
            plain[name] = Format.parse(value).value
        elif name == "size":
            plain[name] = Size.parse(value).value
        elif name == "frequency":
            plain[name] = Frequency.parse(value).value
        elif name == "outcome":
            plain[name] = Outcome.parse(value).value
        elif name == "reasons":
            items = value if isinstance(value, list | tuple) else str(value).split(";")
            plain[name] = [MissReason.parse(v).value for v in items if str(v).strip()]
        elif name in ("done", "planned", "planned_doses"):
            plain[name] = None if value in (None, "") else _as_int(name, value)
        else:
            plain[name] = _checked_text(name, value)
    return plain


def _checked_text(name: str, value: Any) -> str:
    """A corrected text field, under the guard of the field it corrects.

    The title and framing label are one line (the label short too); the task
    and an outcome's words are free text: at most ``MAX_TEXT`` characters and
    no control character but newline and tab, as when they were first recorded.
    """
    text = str(value)
    if name == "framing":
        check_label(text)
    elif name == "title":
        check_line(name, text)
    else:
        check_text(name, text)
    return text


def _as_int(field: str, value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidValueError(field, value, "a whole number") from None


_TEXTS = ("explanation", "experience", "insights", "modification")
"""An outcome's free-text fields."""


def apply_correction(current: Assignment, changes: Mapping[str, Any], session: int) -> Assignment:
    """Return the assignment with the corrected fields (no validation)."""
    spec_changes: dict[str, Any] = {}
    for name in ("title", "task", "framing"):
        if name in changes:
            spec_changes[name] = changes[name]
    if "format" in changes:
        spec_changes["format"] = Format(changes["format"])
    if "size" in changes:
        spec_changes["size"] = Size(changes["size"])
    if "frequency" in changes:
        spec_changes["frequency"] = Frequency(changes["frequency"])
    if "planned_doses" in changes:
        spec_changes["planned_doses"] = changes["planned_doses"]
    spec = attrs.evolve(current.spec, **spec_changes) if spec_changes else current.spec

    resolution = current.resolution
    outcome_fields = {"outcome", "done", "planned", "reasons", *_TEXTS}
    if outcome_fields & set(changes):
        outcome = Outcome(changes.get("outcome", current.outcome.value))
        if outcome is Outcome.PENDING:
            resolution = None
        else:
            base = resolution or Resolution(outcome=outcome, session=session)
            updates: dict[str, Any] = {"outcome": outcome}
            for name in ("done", "planned", *_TEXTS):
                if name in changes:
                    updates[name] = changes[name]
            if "reasons" in changes:
                updates["reasons"] = tuple(MissReason(r) for r in changes["reasons"])
            if outcome is not Outcome.PARTIAL and "done" not in changes:
                updates["done"] = None
                updates["planned"] = None
            resolution = attrs.evolve(base, **updates)
    return attrs.evolve(current, spec=spec, resolution=resolution)


_FITS: dict[str, tuple[Outcome, ...]] = {
    "done": (Outcome.PARTIAL,),
    "planned": (Outcome.PARTIAL,),
    "reasons": (Outcome.MISSED,),
    "explanation": (Outcome.MISSED, Outcome.PARTIAL, Outcome.COMPLETED),
    "experience": (Outcome.MISSED, Outcome.PARTIAL, Outcome.COMPLETED),
    "insights": (Outcome.MISSED, Outcome.PARTIAL, Outcome.COMPLETED),
    "modification": (Outcome.MISSED, Outcome.PARTIAL, Outcome.COMPLETED),
}
"""The outcomes each outcome field fits (issue 14 item 15: no ``done=3`` on a miss)."""


def check_outcome_fields(assignment_id: int, current: Outcome, changes: Mapping[str, Any]) -> None:
    """Refuse a corrected outcome field that does not fit the resulting outcome.

    ``hw correct`` once let through ``done=3`` on a missed assignment ("missed
    3 of None"), ``done=900`` on a pending one and miss reasons on a partial
    one: each field now has to fit the outcome the assignment has after the
    correction.

    Args:
        assignment_id: the assignment corrected (named in the error).
        current: its outcome before the correction.
        changes: the normalised correction (:func:`normalize_changes`).

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
