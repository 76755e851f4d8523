"""The caseload entry and its query on the read model (light: attrs and the stdlib only).

Both the application (after catching the read model up) and the quick path
(:mod:`hwcore.application.quick`, when the read model is already current) build
the caseload with these functions, so the two answers cannot drift apart.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

import attrs


@attrs.frozen
class CaseloadEntry:
    """One client's line in the caseload: who needs attention today."""

    client: str
    sessions: int
    last_session: int | None
    last_session_date: str | None
    assignments: int
    pending: int
    completion_rate: float | None
    """Mean score over every resolved assignment (None before any)."""
    recent_rate: float | None
    """Mean score over assignments given in the last 8 sessions."""
    trend: str | None
    """'up', 'down' or 'flat': recent rate against the overall rate."""
    ready: bool
    next_review_session: int | None
    due: bool
    triggers: tuple[str, ...]


_COLUMNS = (
    "client",
    "sessions",
    "last_session",
    "last_session_date",
    "assignments",
    "pending",
    "completion_rate",
    "recent_rate",
    "trend",
    "ready",
    "next_review_session",
    "due",
    "triggers",
)


def caseload_sql(*, due_only: bool = False) -> str:
    """The read-model query of the caseload (``client_summary`` in registration order)."""
    columns = ", ".join(f"s.{c}" for c in _COLUMNS)
    sql = f"SELECT {columns} FROM client_summary s JOIN clients c USING (client)"  # noqa: S608
    if due_only:
        sql += " WHERE s.due = 1"
    return sql + " ORDER BY c.registration, s.client"


def entry_from_row(row: Mapping[str, Any] | sqlite3.Row | tuple[Any, ...]) -> CaseloadEntry:
    """The entry of one row of :func:`caseload_sql` (a tuple or ``sqlite3.Row`` by position)."""
    if isinstance(row, Mapping):
        row = tuple(row[c] for c in _COLUMNS)
    (client, sessions, last, last_date, assignments, pending, completion, recent, trend) = row[:9]
    ready, next_review, due, triggers = row[9:]
    return CaseloadEntry(
        client,
        sessions,
        last,
        last_date,
        assignments or 0,
        pending or 0,
        completion,
        recent,
        trend,
        bool(ready),
        next_review,
        bool(due),
        # Most clients have no trigger: skip the JSON parser for the empty list.
        () if triggers in ("[]", None) else tuple(json.loads(triggers)),
    )


def sort_caseload(entries: Iterable[CaseloadEntry]) -> list[CaseloadEntry]:
    """Attention first: due, more triggers, lower recent completion, then name."""
    return sorted(
        entries,
        key=lambda e: (
            not e.due,
            -len(e.triggers),
            e.recent_rate if e.recent_rate is not None else 2.0,
            e.client.casefold(),
        ),
    )


def caseload_from(
    rows: Iterable[Mapping[str, Any] | sqlite3.Row | tuple[Any, ...]],
) -> list[CaseloadEntry]:
    """The sorted caseload from the rows of :func:`caseload_sql`."""
    return sort_caseload(entry_from_row(r) for r in rows)


def caseload_data(entries: Iterable[CaseloadEntry]) -> list[dict[str, Any]]:
    """JSON-ready data of caseload entries: what ``to_dict(entries)`` gives, without the planner.

    ``hw caseload --json`` prints it on the quick path (importing ``to_dict``
    would load the planner package).
    """
    from hwcore.jsondata import rounded

    return [rounded(attrs.asdict(e)) for e in entries]
