"""The caseload entry and its query on the read model (light: the stdlib only).

Both the application (after catching the read model up) and the fast read
(:mod:`hwcore.readmodel.fastread`, when the read model is already current) build
the caseload with these functions, so the two answers cannot drift apart.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple


class CaseloadEntry(NamedTuple):
    """One client's line in the caseload: who needs attention today.

    Immutable, compared by value, fields by name (``entry.due``). Unlike hw's
    other result types it is a named tuple, not an attrs class: a caseload is
    built thousands of entries at a time on the start-up path of ``hw
    caseload`` and the TUI, where importing attrs and its per-field
    ``__init__`` cost more than the query. ``entry._asdict()`` gives its
    fields as a dict.
    """

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
    alerts: tuple[dict[str, Any], ...] = ()
    """Every risk alert (``kind``, ``session``, ``value``, ``acknowledged``; spec 4b)."""

    @property
    def open_alert(self) -> bool:
        """A risk alert not yet acknowledged: the client comes first, flagged."""
        return any(not a["acknowledged"] for a in self.alerts)


_COLUMNS = CaseloadEntry._fields


def caseload_sql(*, due_only: bool = False) -> str:
    """The read-model query of the caseload rows, unordered (see :func:`sort_caseload`)."""
    sql = f"SELECT {', '.join(_COLUMNS)} FROM client_summary"  # noqa: S608
    return sql + " WHERE due = 1" if due_only else sql


def entry_from_row(row: Mapping[str, Any] | sqlite3.Row | tuple[Any, ...]) -> CaseloadEntry:
    """The entry of one row of :func:`caseload_sql` (a tuple or ``sqlite3.Row`` by position)."""
    if isinstance(row, Mapping):
        row = tuple(row[c] for c in _COLUMNS)
    return _entries([tuple(row)])[0]


def _entries(rows: Iterable[Sequence[Any]]) -> list[CaseloadEntry]:
    """Entries of query rows, built in one comprehension (thousands at a time).

    Each entry is made from a complete tuple of fields with ``tuple.__new__``:
    the named tuple's own ``__new__`` takes them one by one, a Python-level
    call per row. Most clients have no trigger: the empty list skips the JSON
    parser.
    """
    new, entry, loads = tuple.__new__, CaseloadEntry, json.loads
    return [
        new(
            entry,
            (
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
                () if triggers in ("[]", None) else tuple(loads(triggers)),
                () if alerts in ("[]", None) else tuple(loads(alerts)),
            ),
        )
        for (
            client,
            sessions,
            last,
            last_date,
            assignments,
            pending,
            completion,
            recent,
            trend,
            ready,
            next_review,
            due,
            triggers,
            alerts,
        ) in rows
    ]


def sort_caseload(entries: Iterable[CaseloadEntry]) -> list[CaseloadEntry]:
    """Attention first: an open risk alert, due, more triggers, lower recent completion, name.

    Names are compared case-insensitively, and exactly as the last resort (so
    the order never depends on how the rows were stored).
    """
    return sorted(
        entries,
        key=lambda e: (
            not e.open_alert,
            not e.due,
            -len(e.triggers),
            e.recent_rate if e.recent_rate is not None else 2.0,
            e.client.casefold(),
            e.client,
        ),
    )


def caseload_from(
    rows: Iterable[Mapping[str, Any] | sqlite3.Row | tuple[Any, ...]],
) -> list[CaseloadEntry]:
    """The sorted caseload from the rows of :func:`caseload_sql`."""
    return sort_caseload(
        _entries(tuple(r[c] for c in _COLUMNS) if isinstance(r, Mapping) else r for r in rows)
    )


def caseload_data(entries: Iterable[CaseloadEntry]) -> list[dict[str, Any]]:
    """JSON-ready data of caseload entries: what ``to_dict(entries)`` gives, without the planner.

    ``hw caseload --json`` prints it on the fast read (importing ``to_dict``
    would load the planner package).
    """
    from hwcore.jsondata import rounded

    return [rounded(e._asdict()) for e in entries]
