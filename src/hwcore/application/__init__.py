"""The one API frontends and embedders use.

Build an application with :func:`hwcore.bootstrap.open_application` and call
its plain-typed commands and queries::

    from hwcore.application import AssignmentSpec
    from hwcore.bootstrap import open_application

    with open_application(home="~/hw-data") as hw:
        hw.register_client("AB")
        hw.assign("AB", AssignmentSpec(title="Mood log", format="written",
                  size="small", framing="experiment"), session=1, date="2026-01-05")
        planner = hw.plan("AB")

Everything returned is a plain DTO (attrs classes) or a planner value;
:func:`to_dict` turns any of them into JSON-ready data.

Every name is imported on first use (PEP 562), so importing this package, or
one of its light modules such as :mod:`hwcore.application.quick`, does not load
the domain and the planner: start-up time is a feature of the CLI and the TUI.
"""

from typing import TYPE_CHECKING

from hwcore.lazy import lazy_attributes

if TYPE_CHECKING:
    from hwcore.application.access import AccessEntry, AccessLog
    from hwcore.application.app import (
        HwApplication,
    )
    from hwcore.application.caseload import (
        CaseloadEntry,
    )
    from hwcore.application.commands import (
        DesignField,
        OutcomeEntry,
        ReviewChoice,
        design_fields,
        parse_date,
    )
    from hwcore.application.designs import (
        SYSTEM_DEFAULTS,
        FilledDesign,
        MissingDesignError,
        fill_design,
    )
    from hwcore.application.dto import (
        AssignmentInfo,
        AssignResult,
        ClientInfo,
        EntriesResult,
        MeasureResult,
        NotedChange,
        OutcomeResult,
        ReviewResult,
        SessionInfo,
        WrapUpResult,
    )
    from hwcore.application.entries import (
        ChangeEntry,
        ConsentEntry,
        CorrectionEntry,
        FramingEntry,
        MeasureEntry,
        SessionEntries,
    )
    from hwcore.application.eventstore.admin import (
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
    from hwcore.application.exchange.errors import (
        ImportFileError,
    )
    from hwcore.application.exchange.formats import EXPORT_FORMATS, ExportText
    from hwcore.application.exchange.service import (
        Exchange,
    )
    from hwcore.application.follow import FollowedEvent, LogFollower
    from hwcore.application.notes import (
        NoteAssignment,
        NoteMeasure,
        NoteOutcome,
        ProgressNote,
    )
    from hwcore.application.printing import (
        CONFIG_KEYS,
        HANDOUT_LANGUAGE_NAMES,
        HANDOUT_LANGUAGES,
        AccommodationError,
        ConfigError,
        HandoutChoice,
        OutputError,
    )
    from hwcore.application.queries import (
        HwReader,
    )
    from hwcore.application.records import (
        AuditEntry,
        ClinicalRecordInfo,
        FieldChange,
        HistoryEntry,
        ImportReport,
    )
    from hwcore.application.vocabulary import (
        VOCABULARY,
    )
    from hwcore.domain import (
        CORRECTABLE_FIELDS,
        AlreadyResolvedError,
        AssignmentNotFoundError,
        AssignmentSpec,
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
        Weekday,
    )
    from hwcore.domain.measures import (
        Instrument,
        MeasurePoint,
        MeasureSeries,
        RiskAlert,
    )
    from hwcore.domain.vocabulary import (
        FORMAT_DESCRIPTIONS,
        SIZE_DESCRIPTIONS,
    )
    from hwcore.extras import MissingExtraError, install_command, missing_extra
    from hwcore.outputs import check_output_path
    from hwcore.planner import (
        CONFIDENCE_THRESHOLD,
        FIELDS,
        MISSED_LAST_TWO,
        Alert,
        Confounded,
        CurrentSystem,
        Elsewhere,
        Evidence,
        FieldFit,
        Fit,
        Followup,
        InCommon,
        MeasureTrend,
        Phase,
        Planner,
        Reading,
        Recommendation,
        ReviewStatus,
        Row,
        Shared,
        System,
        from_dict,
        to_dict,
    )
    from hwcore.textsafe import calendar_text, is_terminal_safe, json_text, terminal_text

_LAZY: dict[str, str] = {
    "AccessEntry": "hwcore.application.access",
    "AccessLog": "hwcore.application.access",
    "HwApplication": "hwcore.application.app",
    "HwReader": "hwcore.application.queries",
    "Exchange": "hwcore.application.exchange.service",
    "parse_date": "hwcore.application.commands",
    "AssignmentInfo": "hwcore.application.dto",
    "AssignResult": "hwcore.application.dto",
    "AuditEntry": "hwcore.application.records",
    "ClientInfo": "hwcore.application.dto",
    "FieldChange": "hwcore.application.records",
    "HistoryEntry": "hwcore.application.records",
    "ImportReport": "hwcore.application.records",
    "NotedChange": "hwcore.application.dto",
    "OutcomeResult": "hwcore.application.dto",
    "ReviewResult": "hwcore.application.dto",
    "SessionInfo": "hwcore.application.dto",
    "WrapUpResult": "hwcore.application.dto",
    "EntriesResult": "hwcore.application.dto",
    "ChangeEntry": "hwcore.application.entries",
    "ConsentEntry": "hwcore.application.entries",
    "CorrectionEntry": "hwcore.application.entries",
    "FramingEntry": "hwcore.application.entries",
    "MeasureEntry": "hwcore.application.entries",
    "SessionEntries": "hwcore.application.entries",
    "MeasureResult": "hwcore.application.dto",
    "ClinicalRecordInfo": "hwcore.application.records",
    "Instrument": "hwcore.domain.measures",
    "MeasurePoint": "hwcore.domain.measures",
    "MeasureSeries": "hwcore.domain.measures",
    "RiskAlert": "hwcore.domain.measures",
    "CaseloadEntry": "hwcore.application.caseload",
    "SYSTEM_DEFAULTS": "hwcore.application.designs",
    "FilledDesign": "hwcore.application.designs",
    "MissingDesignError": "hwcore.application.designs",
    "fill_design": "hwcore.application.designs",
    "NoteAssignment": "hwcore.application.notes",
    "NoteMeasure": "hwcore.application.notes",
    "NoteOutcome": "hwcore.application.notes",
    "ProgressNote": "hwcore.application.notes",
    "DesignField": "hwcore.application.commands",
    "OutcomeEntry": "hwcore.application.commands",
    "ReviewChoice": "hwcore.application.commands",
    "design_fields": "hwcore.application.commands",
    "AssignmentSpec": "hwcore.domain",
    "Weekday": "hwcore.domain",
    "CONFIG_KEYS": "hwcore.application.printing",
    "HANDOUT_LANGUAGES": "hwcore.application.printing",
    "HANDOUT_LANGUAGE_NAMES": "hwcore.application.printing",
    "AccommodationError": "hwcore.application.printing",
    "HandoutChoice": "hwcore.application.printing",
    "ConfigError": "hwcore.application.printing",
    "OutputError": "hwcore.application.printing",
    "VOCABULARY": "hwcore.application.vocabulary",
    "MissingExtraError": "hwcore.extras",
    "install_command": "hwcore.extras",
    "missing_extra": "hwcore.extras",
    "CORRECTABLE_FIELDS": "hwcore.domain",
    "AlreadyResolvedError": "hwcore.domain",
    "AssignmentNotFoundError": "hwcore.domain",
    "ChangeKind": "hwcore.domain",
    "ClientExistsError": "hwcore.domain",
    "ClientNotFoundError": "hwcore.domain",
    "ConcurrencyError": "hwcore.domain",
    "Format": "hwcore.domain",
    "Frequency": "hwcore.domain",
    "HwError": "hwcore.domain",
    "InvalidValueError": "hwcore.domain",
    "MissReason": "hwcore.domain",
    "Outcome": "hwcore.domain",
    "ReviewTrigger": "hwcore.domain",
    "SessionOrderError": "hwcore.domain",
    "Size": "hwcore.domain",
    "StoreError": "hwcore.domain",
    "FORMAT_DESCRIPTIONS": "hwcore.domain.vocabulary",
    "SIZE_DESCRIPTIONS": "hwcore.domain.vocabulary",
    "CONFIDENCE_THRESHOLD": "hwcore.planner.compute",
    "FieldFit": "hwcore.planner.fit",
    "Fit": "hwcore.planner.fit",
    # The planner's value types: light (the quick read path rebuilds a cached planner).
    "FIELDS": "hwcore.planner.model",
    "MISSED_LAST_TWO": "hwcore.planner.model",
    "Alert": "hwcore.planner.model",
    "Confounded": "hwcore.planner.model",
    "CurrentSystem": "hwcore.planner.model",
    "Elsewhere": "hwcore.planner.model",
    "Evidence": "hwcore.planner.model",
    "Followup": "hwcore.planner.model",
    "InCommon": "hwcore.planner.model",
    "MeasureTrend": "hwcore.planner.model",
    "Phase": "hwcore.planner.model",
    "Reading": "hwcore.planner.model",
    "Planner": "hwcore.planner.model",
    "Recommendation": "hwcore.planner.model",
    "ReviewStatus": "hwcore.planner.model",
    "Row": "hwcore.planner.model",
    "Shared": "hwcore.planner.model",
    "System": "hwcore.planner.model",
    "from_dict": "hwcore.planner.model",
    "to_dict": "hwcore.planner.model",
    "ImportFileError": "hwcore.application.exchange.errors",
    "EXPORT_FORMATS": "hwcore.application.exchange.formats",
    "ExportText": "hwcore.application.exchange.formats",
    "FollowedEvent": "hwcore.application.follow",
    "LogFollower": "hwcore.application.follow",
    "BackupReport": "hwcore.application.eventstore.admin",
    "PurgeReport": "hwcore.application.eventstore.admin",
    "RestoreReport": "hwcore.application.eventstore.admin",
    "StoreAuditEntry": "hwcore.application.eventstore.admin",
    "backup_info": "hwcore.application.eventstore.admin",
    "backup_store": "hwcore.application.eventstore.admin",
    "generate_key": "hwcore.application.eventstore.admin",
    "purge_client": "hwcore.application.eventstore.admin",
    "restore_store": "hwcore.application.eventstore.admin",
    "store_audit": "hwcore.application.eventstore.admin",
    "check_output_path": "hwcore.outputs",
    "calendar_text": "hwcore.textsafe",
    "is_terminal_safe": "hwcore.textsafe",
    "json_text": "hwcore.textsafe",
    "terminal_text": "hwcore.textsafe",
}
"""Where each public name lives (imported on first use)."""


__getattr__ = lazy_attributes(__name__, _LAZY)


def __dir__() -> list[str]:
    """The public names (for completion in a REPL)."""
    return sorted(__all__)


__all__ = [
    "CONFIDENCE_THRESHOLD",
    "CONFIG_KEYS",
    "CORRECTABLE_FIELDS",
    "EXPORT_FORMATS",
    "FIELDS",
    "FORMAT_DESCRIPTIONS",
    "HANDOUT_LANGUAGES",
    "HANDOUT_LANGUAGE_NAMES",
    "MISSED_LAST_TWO",
    "SIZE_DESCRIPTIONS",
    "SYSTEM_DEFAULTS",
    "VOCABULARY",
    "AccessEntry",
    "AccessLog",
    "AccommodationError",
    "Alert",
    "AlreadyResolvedError",
    "AssignResult",
    "AssignmentInfo",
    "AssignmentNotFoundError",
    "AssignmentSpec",
    "AuditEntry",
    "BackupReport",
    "CaseloadEntry",
    "ChangeEntry",
    "ChangeKind",
    "ClientExistsError",
    "ClientInfo",
    "ClientNotFoundError",
    "ClinicalRecordInfo",
    "ConcurrencyError",
    "ConfigError",
    "Confounded",
    "ConsentEntry",
    "CorrectionEntry",
    "CurrentSystem",
    "DesignField",
    "Elsewhere",
    "EntriesResult",
    "Evidence",
    "Exchange",
    "ExportText",
    "FieldChange",
    "FieldFit",
    "FilledDesign",
    "Fit",
    "FollowedEvent",
    "Followup",
    "Format",
    "FramingEntry",
    "Frequency",
    "HandoutChoice",
    "HistoryEntry",
    "HwApplication",
    "HwError",
    "HwReader",
    "ImportFileError",
    "ImportReport",
    "InCommon",
    "Instrument",
    "InvalidValueError",
    "LogFollower",
    "MeasureEntry",
    "MeasurePoint",
    "MeasureResult",
    "MeasureSeries",
    "MeasureTrend",
    "MissReason",
    "MissingDesignError",
    "MissingExtraError",
    "NoteAssignment",
    "NoteMeasure",
    "NoteOutcome",
    "NotedChange",
    "Outcome",
    "OutcomeEntry",
    "OutcomeResult",
    "OutputError",
    "Phase",
    "Planner",
    "ProgressNote",
    "PurgeReport",
    "Reading",
    "Recommendation",
    "RestoreReport",
    "ReviewChoice",
    "ReviewResult",
    "ReviewStatus",
    "ReviewTrigger",
    "RiskAlert",
    "Row",
    "SessionEntries",
    "SessionInfo",
    "SessionOrderError",
    "Shared",
    "Size",
    "StoreAuditEntry",
    "StoreError",
    "System",
    "Weekday",
    "WrapUpResult",
    "backup_info",
    "backup_store",
    "calendar_text",
    "check_output_path",
    "design_fields",
    "fill_design",
    "from_dict",
    "generate_key",
    "install_command",
    "is_terminal_safe",
    "json_text",
    "missing_extra",
    "parse_date",
    "purge_client",
    "restore_store",
    "store_audit",
    "terminal_text",
    "to_dict",
]
