"""Versioned schema migrations of the read model (sqlite-utils ``Migrations``).

Imported only when a migration is pending (a new or rebuilt file): importing
sqlite-utils costs start-up time, so the hot path uses the stdlib driver.

To change the schema, add a function here and its name at the end of
``schema.MIGRATION_NAMES``. A migration that changes what a column means
should also empty the view tables and reset ``tracking`` so the next catch-up
re-projects the whole log (the read model is disposable).
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database, Migrations

from hwcore.readmodel.caseload_text import (
    CELL_COLUMNS,
    ORDER_BY,
    WIDTH_INDEXES,
    summary_cells,
)
from hwcore.readmodel.schema import (
    MIGRATION_NAMES,
    MIGRATION_SET,
    PLANS_TABLE,
    TRACKING_TABLE,
    VIEW_TABLES,
)

migrations = Migrations(MIGRATION_SET)
"""hw's read-model migration set; apply with ``migrations.apply(db)``."""

_CLIENT_FK: list[Any] = [("client", "clients", "client")]


@migrations(name=MIGRATION_NAMES[0])
def m001_initial(db: Database) -> None:
    """Create the tracking table and the five view tables."""
    db.table(TRACKING_TABLE).create(
        {
            "name": str,
            "position": int,
            "originator_id": str,
            "originator_version": int,
        },
        pk="name",
        not_null={"name", "position"},
    )
    db.table("clients").create(
        {
            "client": str,
            "case_id": str,
            "registration": int,
            "version": int,
            "events": int,
            "framing": str,
            "framing_session": int,
            "reviews": int,
            "changes": int,
            "corrections": int,
        },
        pk="client",
        not_null={"client", "case_id", "version", "events"},
    )
    db.table("assignments").create(
        {
            "client": str,
            "assignment_id": int,
            "session": int,
            "assigned_on": str,
            "format": str,
            "size": str,
            "frequency": str,
            "framing": str,
            "confidence": int,
            "planned_doses": int,
            "started_in_session": int,
            "outcome": str,
            "resolved_session": int,
            "done": int,
            "planned": int,
            "score": float,
            "reasons": str,
        },
        pk=("client", "assignment_id"),
        not_null={"client", "assignment_id", "session", "outcome"},
        foreign_keys=_CLIENT_FK,
    )
    db.table("reviews").create(
        {
            "client": str,
            "review": int,
            "position": int,
            "session": int,
            "date": str,
            "trigger": str,
            "format": str,
            "size": str,
            "frequency": str,
            "framing": str,
            "next_review_session": int,
        },
        pk=("client", "review"),
        not_null={"client", "review", "session", "trigger"},
        foreign_keys=_CLIENT_FK,
    )
    db.table("changes").create(
        {
            "client": str,
            "position": int,
            "session": int,
            "date": str,
            "kind": str,
            "trigger": str,
            "active": int,
        },
        pk=("client", "position"),
        not_null={"client", "position", "session", "kind"},
        foreign_keys=_CLIENT_FK,
    )
    db.table("client_summary").create(
        {
            "client": str,
            "sessions": int,
            "last_session": int,
            "last_session_date": str,
            "assignments": int,
            "pending": int,
            "resolved": int,
            "completion_rate": float,
            "recent_rate": float,
            "trend": str,
            "ready": int,
            "last_review_session": int,
            "next_review_session": int,
            "due": int,
            "triggers": str,
            "trigger_count": int,
        },
        pk="client",
        not_null={"client", "sessions", "due", "triggers"},
        foreign_keys=_CLIENT_FK,
    )
    db.table("client_summary").create_index(["due"])
    db.table("assignments").create_index(["outcome"])


@migrations(name=MIGRATION_NAMES[1])
def m002_plans(db: Database) -> None:
    """Create the planner cache (``plans``: client, case version, planner JSON)."""
    db.table(PLANS_TABLE).create(
        {"client": str, "version": int, "planner": str},
        pk="client",
        not_null={"client", "version", "planner"},
    )


@migrations(name=MIGRATION_NAMES[2])
def m003_alerts(db: Database) -> None:
    """Add the risk alerts to ``client_summary``; empty the cache and re-project everything.

    Revision 2 changed the planner document (measures, alerts) and the rules
    behind ``due`` and ``triggers``: no planner cached by an earlier version may
    be served, and every summary is recomputed. The read model is disposable
    (ADR 0002): the view tables and the ``plans`` cache are emptied and the
    tracking position reset, so the next catch-up projects the whole log again.
    """
    summary = db.table("client_summary")
    summary.add_column("alerts", str, not_null_default="[]")
    summary.add_column("open_alerts", int, not_null_default=0)
    for table in (*reversed(VIEW_TABLES), PLANS_TABLE):
        db.execute(f"DELETE FROM {table}")  # noqa: S608 (constant names)
    db.execute(
        f"UPDATE {TRACKING_TABLE} SET position = 0, originator_id = NULL,"  # noqa: S608
        " originator_version = NULL"
    )


@migrations(name=MIGRATION_NAMES[3])
def m004_caseload_lines(db: Database) -> None:
    """Keep each caseload line's sort name and cells in ``client_summary``, ordered by an index.

    For the quick ``hw caseload`` (``caseload_50k``, see
    :mod:`hwcore.readmodel.caseload_text`). The cells are computed from the
    row's own columns, so the existing rows are filled in here: nothing is
    re-projected.
    """
    summary = db.table("client_summary")
    for column in CELL_COLUMNS:  # line_fits 0: measured until filled (see caseload_text)
        number = column == "line_fits"
        summary.add_column(column, int if number else str, not_null_default=0 if number else "")
    rows = db.execute(
        "SELECT client, last_session, last_session_date, completion_rate, recent_rate, trend,"
        " next_review_session, due, triggers FROM client_summary"
    ).fetchall()
    assignments = ", ".join(f"{c} = ?" for c in CELL_COLUMNS)
    db.conn.executemany(
        f"UPDATE client_summary SET {assignments} WHERE client = ?",  # noqa: S608 (constants)
        [
            (*summary_cells(c, n, on, rate, recent, trend, nxt, due, json.loads(t)).values(), c)
            for c, n, on, rate, recent, trend, nxt, due, t in rows
        ],
    )
    db.execute(
        f"CREATE INDEX caseload_order ON client_summary ({ORDER_BY},"
        " pad_last, cell_tail, open_alerts, line_fits)"
    )
    for name, (_, expression) in WIDTH_INDEXES.items():
        db.execute(f"CREATE INDEX {name} ON client_summary (due, {expression})")


@migrations(name=MIGRATION_NAMES[4])
def m005_compact_plans(db: Database) -> None:
    """Empty the planner cache: it now keeps each planner in the compact form.

    The table rows are arrays (:mod:`hwcore.planner.cache`, for ``cli_write``
    and ``cli_plan``); a planner cached in the earlier form is not served. The
    cache refills as clients are written to or planned.
    """
    db.execute(f"DELETE FROM {PLANS_TABLE}")  # noqa: S608 (a constant name)
