"""Names shared by the read model's store and its migrations (no heavy imports)."""

from __future__ import annotations

MIGRATION_SET = "hw-readmodel"
"""The name of hw's migration set in the ``_sqlite_migrations`` table."""

MIGRATION_NAMES: tuple[str, ...] = ("m001_initial",)
"""Every migration of the read model, in order (checked against migrations.py)."""

TRACKING_TABLE = "tracking"
TRACKING_NAME = "events"
"""The ``tracking`` row holding the last applied notification of the event log."""

VIEW_TABLES: tuple[str, ...] = ("clients", "assignments", "reviews", "changes", "client_summary")
"""The tables projected from the event log (each has a ``client`` column)."""

ALL_TABLES: tuple[str, ...] = (*VIEW_TABLES, TRACKING_TABLE)
"""Every table the read model owns, besides sqlite-utils' ``_sqlite_migrations``."""
