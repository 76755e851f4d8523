"""The fixed vocabulary (spec section 2) as plain lists, for frontends' choices."""

from __future__ import annotations

from hwcore.domain import ChangeKind, Format, Frequency, MissReason, Outcome, ReviewTrigger, Size

VOCABULARY: dict[str, list[str]] = {
    "format": Format.allowed(),
    "size": Size.allowed(),
    "frequency": Frequency.allowed(),
    "outcome": Outcome.allowed(),
    "reason": MissReason.allowed(),
    "trigger": ReviewTrigger.allowed(),
    "kind": ChangeKind.allowed(),
}
"""Every vocabulary field and its allowed values."""
