"""Names shared by the read model's store and its migrations (no heavy imports)."""

from __future__ import annotations

MIGRATION_SET = "hw-readmodel"
"""The name of hw's migration set in the ``_sqlite_migrations`` table."""

MIGRATION_NAMES: tuple[str, ...] = (
    "m001_initial",
    "m002_plans",
    "m003_alerts",
    "m004_caseload_lines",
    "m005_compact_plans",
)
"""Every migration of the read model, in order (checked against migrations.py)."""

TRACKING_TABLE = "tracking"
TRACKING_NAME = "events"
"""The ``tracking`` row holding the last applied notification of the event log."""

VIEW_TABLES: tuple[str, ...] = ("clients", "assignments", "reviews", "changes", "client_summary")
"""The tables projected from the event log (each has a ``client`` column)."""

ALL_TABLES: tuple[str, ...] = (*VIEW_TABLES, TRACKING_TABLE)
"""The projected tables and the tracking position (equal after a rebuild)."""

PLANS_TABLE = "plans"
"""Each client's planner as JSON, valid while its ``version`` is the client's.

A cache of the planner projection (``hw plan`` answers from it without
loading the case): written when an interactive command records a client's
events and when a planner is computed; emptied by a rebuild.
"""

CACHE_TABLES: tuple[str, ...] = (PLANS_TABLE,)
"""Tables filled on demand (so not compared with a rebuilt file)."""
