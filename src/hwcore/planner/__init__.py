"""The planner: a pure projection of one client's case into the Between-Session
System Planner (spec section 4). No I/O.

Every name is imported on first use (PEP 562): the quick read path needs only
the value types of :mod:`hwcore.planner.model` (to rebuild a cached planner),
not the domain the computation reads.
"""

from typing import TYPE_CHECKING

from hwcore.lazy import lazy_attributes

if TYPE_CHECKING:
    from hwcore.planner.compute import CONFIDENCE_THRESHOLD, MIN_EVIDENCE, build_planner
    from hwcore.planner.confounded import describe
    from hwcore.planner.decisions import READY_SESSIONS, REVIEW_INTERVAL
    from hwcore.planner.fit import FieldFit, Fit, assess_fit
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
        ChosenSystem,
        Confounded,
        CurrentSystem,
        Elsewhere,
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
        from_dict,
        to_dict,
    )

_LAZY: dict[str, str] = {
    "CONFIDENCE_THRESHOLD": "hwcore.planner.compute",
    "MIN_EVIDENCE": "hwcore.planner.compute",
    "build_planner": "hwcore.planner.compute",
    "describe": "hwcore.planner.confounded",
    "READY_SESSIONS": "hwcore.planner.decisions",
    "REVIEW_INTERVAL": "hwcore.planner.decisions",
    "FieldFit": "hwcore.planner.fit",
    "Fit": "hwcore.planner.fit",
    "assess_fit": "hwcore.planner.fit",
    "BEST_SO_FAR": "hwcore.planner.model",
    "CONSISTENTLY_MANAGED": "hwcore.planner.model",
    "FIELDS": "hwcore.planner.model",
    "GO_SMALLER": "hwcore.planner.model",
    "HIGHEST_SMOOTHED": "hwcore.planner.model",
    "MISSED_LAST_TWO": "hwcore.planner.model",
    "NOT_ENOUGH_EVIDENCE": "hwcore.planner.model",
    "NOT_ENOUGH_TO_SAY": "hwcore.planner.model",
    "NOT_READY": "hwcore.planner.model",
    "NOTHING_WORKED": "hwcore.planner.model",
    "SIZE_IS_NOT_IT": "hwcore.planner.model",
    "ChosenSystem": "hwcore.planner.model",
    "Confounded": "hwcore.planner.model",
    "CurrentSystem": "hwcore.planner.model",
    "Elsewhere": "hwcore.planner.model",
    "Evidence": "hwcore.planner.model",
    "Followup": "hwcore.planner.model",
    "InCommon": "hwcore.planner.model",
    "Phase": "hwcore.planner.model",
    "Planner": "hwcore.planner.model",
    "Recommendation": "hwcore.planner.model",
    "ReviewStatus": "hwcore.planner.model",
    "Row": "hwcore.planner.model",
    "Shared": "hwcore.planner.model",
    "System": "hwcore.planner.model",
    "from_dict": "hwcore.planner.model",
    "to_dict": "hwcore.planner.model",
}

__getattr__ = lazy_attributes(__name__, _LAZY)

__all__ = [
    "BEST_SO_FAR",
    "CONFIDENCE_THRESHOLD",
    "CONSISTENTLY_MANAGED",
    "FIELDS",
    "GO_SMALLER",
    "HIGHEST_SMOOTHED",
    "MIN_EVIDENCE",
    "MISSED_LAST_TWO",
    "NOTHING_WORKED",
    "NOT_ENOUGH_EVIDENCE",
    "NOT_ENOUGH_TO_SAY",
    "NOT_READY",
    "READY_SESSIONS",
    "REVIEW_INTERVAL",
    "SIZE_IS_NOT_IT",
    "ChosenSystem",
    "Confounded",
    "CurrentSystem",
    "Elsewhere",
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
    "describe",
    "from_dict",
    "to_dict",
]
