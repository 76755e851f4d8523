"""The planner: a pure projection of one client's case into the Between-Session
System Planner (spec section 4). No I/O."""

from hwcore.planner.compute import (
    CONFIDENCE_THRESHOLD,
    MIN_EVIDENCE,
    READY_SESSIONS,
    REVIEW_INTERVAL,
    build_planner,
)
from hwcore.planner.fit import FieldFit, Fit, assess_fit
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
    to_dict,
)

__all__ = [
    "CONFIDENCE_THRESHOLD",
    "MIN_EVIDENCE",
    "NOT_ENOUGH_EVIDENCE",
    "NOT_READY",
    "READY_SESSIONS",
    "REVIEW_INTERVAL",
    "ChosenSystem",
    "Evidence",
    "FieldFit",
    "Fit",
    "Followup",
    "InCommon",
    "Phase",
    "Planner",
    "Recommendation",
    "ReviewStatus",
    "Row",
    "Shared",
    "System",
    "assess_fit",
    "build_planner",
    "to_dict",
]
