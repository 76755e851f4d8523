"""The CQRS read side: a disposable SQLite file kept current from the event log.

:class:`ReadModel` pulls the event store's notification log and projects each
client's case into the tables ``clients``, ``assignments``, ``reviews``,
``changes`` and ``client_summary`` (see docs/readmodel.md), writing the rows
and the tracking position in one transaction. sqlite-utils is imported only
when the schema needs a migration, so importing this package is cheap.
"""

from typing import TYPE_CHECKING

from hwcore.lazy import lazy_attributes

if TYPE_CHECKING:
    from hwcore.readmodel.projection import (
        RECENT_SESSIONS,
        TREND_MARGIN,
        ClientSummary,
        case_rows,
        summarize,
    )
    from hwcore.readmodel.schema import ALL_TABLES, MIGRATION_NAMES, MIGRATION_SET, VIEW_TABLES
    from hwcore.readmodel.source import EventSource, EventStoreSource
    from hwcore.readmodel.store import (
        BATCH_SIZE,
        Progress,
        ReadModel,
        readmodel_error_message,
    )

_LAZY: dict[str, str] = {
    **dict.fromkeys(
        ("RECENT_SESSIONS", "TREND_MARGIN", "ClientSummary", "case_rows", "summarize"),
        "hwcore.readmodel.projection",
    ),
    **dict.fromkeys(
        ("ALL_TABLES", "MIGRATION_NAMES", "MIGRATION_SET", "VIEW_TABLES"),
        "hwcore.readmodel.schema",
    ),
    **dict.fromkeys(
        ("EventSource", "EventStoreSource"),
        "hwcore.readmodel.source",
    ),
    **dict.fromkeys(
        (
            "BATCH_SIZE",
            "Progress",
            "ReadModel",
            "readmodel_error_message",
        ),
        "hwcore.readmodel.store",
    ),
}
"""Where each public name lives: imported on first use (PEP 562), so the light
``schema`` module can be used without loading the domain."""


__getattr__ = lazy_attributes(__name__, _LAZY)


__all__ = [
    "ALL_TABLES",
    "BATCH_SIZE",
    "MIGRATION_NAMES",
    "MIGRATION_SET",
    "RECENT_SESSIONS",
    "TREND_MARGIN",
    "VIEW_TABLES",
    "ClientSummary",
    "EventSource",
    "EventStoreSource",
    "Progress",
    "ReadModel",
    "case_rows",
    "readmodel_error_message",
    "summarize",
]
