"""The one API frontends and embedders use.

Build an application with :func:`hwcore.bootstrap.open_application` and call
its plain-typed commands and queries::

    from hwcore.bootstrap import open_application

    with open_application(home="~/hw-data") as hw:
        hw.register_client("AB")
        hw.assign("AB", session=1, date="2026-01-05", title="Mood log",
                  format="written", size="small", framing="experiment")
        planner = hw.plan("AB")

Everything returned is a plain DTO (attrs classes) or a planner value;
:func:`to_dict` turns any of them into JSON-ready data.
"""

from typing import TYPE_CHECKING, Any

from hwcore.application.app import HwApplication, parse_date
from hwcore.application.dto import (
    AssignmentInfo,
    AssignResult,
    AuditEntry,
    CaseloadEntry,
    ClientInfo,
    FieldChange,
    HistoryEntry,
    ImportReport,
    NotedChange,
    OutcomeResult,
    ReviewResult,
    SessionInfo,
    WrapUpResult,
)
from hwcore.application.printing import CONFIG_KEYS, ConfigError, OutputError
from hwcore.domain import (
    CORRECTABLE_FIELDS,
    AlreadyResolvedError,
    AssignmentNotFoundError,
    ChangeKind,
    ClientExistsError,
    ClientNotFoundError,
    ConcurrencyError,
    Format,
    Frequency,
    HwError,
    InvalidValueError,
    MissReason,
    Outcome,
    ReviewTrigger,
    SessionOrderError,
    Size,
    StoreError,
)
from hwcore.domain.vocabulary import FORMAT_DESCRIPTIONS, SIZE_DESCRIPTIONS
from hwcore.planner import (
    CONFIDENCE_THRESHOLD,
    Evidence,
    FieldFit,
    Fit,
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

if TYPE_CHECKING:
    from hwcore.application.csvfile import ImportFileError
    from hwcore.application.store import (
        BackupReport,
        PurgeReport,
        RestoreReport,
        StoreAuditEntry,
        backup_info,
        backup_store,
        generate_key,
        purge_client,
        restore_store,
        store_audit,
    )

_LAZY: dict[str, str] = {
    "ImportFileError": "csvfile",
    "BackupReport": "store",
    "PurgeReport": "store",
    "RestoreReport": "store",
    "StoreAuditEntry": "store",
    "backup_info": "store",
    "backup_store": "store",
    "generate_key": "store",
    "purge_client": "store",
    "restore_store": "store",
    "store_audit": "store",
}
"""Public names imported on first use (PEP 562): imports, erasure, backup and restore
are not on every command's path (start-up time is a feature)."""


def __getattr__(name: str) -> Any:
    """Import a lazily exported name's module on first use."""
    module = _LAZY.get(name)
    if module is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


VOCABULARY: dict[str, list[str]] = {
    "format": Format.allowed(),
    "size": Size.allowed(),
    "frequency": Frequency.allowed(),
    "outcome": Outcome.allowed(),
    "reason": MissReason.allowed(),
    "trigger": ReviewTrigger.allowed(),
    "kind": ChangeKind.allowed(),
}
"""The fixed vocabulary (spec section 2), for frontends' choices."""

__all__ = [
    "CONFIDENCE_THRESHOLD",
    "CONFIG_KEYS",
    "CORRECTABLE_FIELDS",
    "FORMAT_DESCRIPTIONS",
    "SIZE_DESCRIPTIONS",
    "VOCABULARY",
    "AlreadyResolvedError",
    "AssignResult",
    "AssignmentInfo",
    "AssignmentNotFoundError",
    "AuditEntry",
    "BackupReport",
    "CaseloadEntry",
    "ClientExistsError",
    "ClientInfo",
    "ClientNotFoundError",
    "ConcurrencyError",
    "ConfigError",
    "Evidence",
    "FieldChange",
    "FieldFit",
    "Fit",
    "Followup",
    "HistoryEntry",
    "HwApplication",
    "HwError",
    "ImportFileError",
    "ImportReport",
    "InCommon",
    "InvalidValueError",
    "NotedChange",
    "OutcomeResult",
    "OutputError",
    "Phase",
    "Planner",
    "PurgeReport",
    "Recommendation",
    "RestoreReport",
    "ReviewResult",
    "ReviewStatus",
    "Row",
    "SessionInfo",
    "SessionOrderError",
    "Shared",
    "StoreAuditEntry",
    "StoreError",
    "System",
    "WrapUpResult",
    "backup_info",
    "backup_store",
    "generate_key",
    "parse_date",
    "purge_client",
    "restore_store",
    "store_audit",
    "to_dict",
]
