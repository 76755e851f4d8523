"""How the read model writes one client's rows: only what changed, in place.

A one-event command should not rewrite a client: unchanged tables are left
alone, rows added at the end are inserted alone, and the summary and client
rows are upserted column by column.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable, Sequence

from hwcore.domain import Case
from hwcore.planner import Planner
from hwcore.readmodel.projection import Row, case_rows


def insert(conn: sqlite3.Connection, table: str, rows: Sequence[Row], verb: str = "INSERT") -> None:
    """Insert rows into one of the read model's tables (one statement, prepared once)."""
    if not rows:
        return
    sql = _insert_sql(verb, table, tuple(rows[0]))
    if len(rows) == 1:
        conn.execute(sql, rows[0])  # a command's one new row: no executemany set-up
    else:
        conn.executemany(sql, rows)


@functools.cache
def _insert_sql(verb: str, table: str, columns: tuple[str, ...]) -> str:
    """The INSERT statement for these columns (built once: the same few every time)."""
    names = ", ".join(columns)
    marks = ", ".join(f":{c}" for c in columns)
    return f"{verb} INTO {table} ({names}) VALUES ({marks})"


@functools.cache
def _upsert_summary_sql(columns: tuple[str, ...]) -> str:
    """The ``client_summary`` upsert: the row replaced column by column, in place."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "client")
    return (
        f"INSERT INTO client_summary ({', '.join(columns)})"  # noqa: S608 (constant names)
        f" VALUES ({', '.join(':' + c for c in columns)})"
        f" ON CONFLICT(client) DO UPDATE SET {updates}"
    )


@functools.cache
def _upsert_client_sql(columns: tuple[str, ...]) -> str:
    """The ``clients`` upsert: counters added, the registration kept once known."""
    updates = ", ".join(
        f"{c} = excluded.{c}" for c in columns if c not in ("client", "registration", "events")
    )
    # Column names come from case_rows (constants); every value is bound.
    return (
        f"INSERT INTO clients ({', '.join(columns)})"  # noqa: S608
        f" VALUES ({', '.join(':' + c for c in columns)})"
        f" ON CONFLICT(client) DO UPDATE SET {updates},"
        " registration = COALESCE(excluded.registration, clients.registration),"
        " events = clients.events + excluded.events"
    )


KEYS = {"assignments": "assignment_id", "reviews": "review", "changes": "position"}
"""Each client table's own key column (beside ``client``)."""

TOUCHED_UP_TO = 8
"""A batch's events touching at most this many of a client's assignments rewrite only
their rows; more (an import, a rebuild) go the way of :func:`write_case`'s comparisons."""

_ONE_ASSIGNMENT = (
    Case.HomeworkAssigned,
    Case.HomeworkCompleted,
    Case.HomeworkMissed,
    Case.EntryCorrected,
)
"""The events that add or replace the one assignment they name (``assignment_id``)."""

_NO_ASSIGNMENT = (
    Case.SessionHeld,
    Case.FramingChanged,
    Case.ChangeNoted,
    Case.SystemReviewed,
    Case.MeasureTaken,
    Case.ConsentRecorded,
    Case.AlertAcknowledged,
)
"""The events that leave every assignment as it was."""


def touched_assignments(events: Iterable[object]) -> frozenset[int] | None:
    """The assignments whose rows these events of one case may have changed.

    None when that is not known: a registration, a corrected session date (it
    re-dates every assignment of its session), an event of a kind added later.
    ``cli_write``: recording an outcome then writes one row of a client's 1,000
    instead of building them all and comparing them with the stored ones.
    ``tests/unit/test_projection_rows.py`` checks these lists against what
    applying each event replaces.
    """
    touched: set[int] = set()
    for event in events:
        if isinstance(event, _ONE_ASSIGNMENT):
            touched.add(event.assignment_id)
        elif not isinstance(event, _NO_ASSIGNMENT):
            return None
    return frozenset(touched) if len(touched) <= TOUCHED_UP_TO else None


def _replaced(table: str, new: Sequence[Row], old: Sequence[Row] | None) -> list[Row] | None:
    """The rows of ``new`` that replace changed rows of ``old`` with the same keys.

    None when ``old`` is unknown, longer than ``new``, or its rows are not
    ``new``'s first rows key for key, or when more than a few changed (then
    the client's rows are rewritten). ``cli_write``: recording an outcome
    changes one row of a client's 1,000 assignments.
    """
    if old is None or len(old) > len(new):
        return None
    key = KEYS[table]
    changed: list[Row] = []
    for n, o in zip(new, old, strict=False):
        if n == o:
            continue
        if n[key] != o[key] or len(changed) >= 8:
            return None
        changed.append(n)
    return changed


def stored_rows(
    conn: sqlite3.Connection, client: str, *, assignments: bool = True
) -> dict[str, list[Row]]:
    """The client's rows as the read model holds them, as :func:`write_case` returns them.

    For a process that has not written the client yet (every CLI command):
    reading 1,000 rows back is cheaper than rewriting them (``cli_write``).
    Without ``assignments``, those rows are not read (the write knows which
    ones it changes: :func:`touched_assignments`).
    """
    found: dict[str, list[Row]] = {}
    for table, key in KEYS.items():
        if table == "assignments" and not assignments:
            continue
        cursor = conn.execute(
            f"SELECT * FROM {table} WHERE client = ? ORDER BY {key}",  # noqa: S608 (constants)
            (client,),
        )
        names = [d[0] for d in cursor.description]
        found[table] = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    cursor = conn.execute("SELECT * FROM client_summary WHERE client = ?", (client,))
    names = [d[0] for d in cursor.description]
    found["client_summary"] = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    return found


def write_case(
    conn: sqlite3.Connection,
    case: Case,
    events: int,
    registration: int | None,
    previous: dict[str, list[Row]] | None,
    planner: Planner | None = None,
    touched: frozenset[int] | None = None,
) -> dict[str, list[Row]]:
    """Replace one client's rows with its case's current projection.

    ``previous`` are the rows this process committed last for the client (when
    still trusted): unchanged tables are left alone and rows added at the end
    are inserted alone, so a one-event command does not rewrite the client.
    ``touched`` (from :func:`touched_assignments`): the only assignments whose
    rows changed since the read model last wrote the client; only theirs are
    built and written, and the rows returned have no ``assignments`` (the
    client's are not all known then).
    """
    rows = case_rows(case, planner, touched)
    client = case.client
    if touched is not None:
        insert(conn, "assignments", rows.pop("assignments"), "INSERT OR REPLACE")
    for table in ("assignments", "reviews", "changes"):
        if table not in rows:
            continue
        new, old = rows[table], (previous or {}).get(table)
        if old is not None and new[: len(old)] == old:
            insert(conn, table, new[len(old) :])  # nothing, or only rows added at the end
            continue
        changed = _replaced(table, new, old)
        if changed is not None:  # a few rows changed in place (an outcome), some added
            insert(conn, table, changed, "INSERT OR REPLACE")
            insert(conn, table, new[len(old or ()) :])
            continue
        conn.execute(f"DELETE FROM {table} WHERE client = ?", (client,))  # noqa: S608
        insert(conn, table, new)
    summary = rows["client_summary"]
    if previous is None or previous.get("client_summary") != summary:
        # Updated in place (not INSERT OR REPLACE: a delete and an insert, every
        # index touched); most commands leave a client's summary as it was.
        conn.execute(_upsert_summary_sql(tuple(summary[0])), summary[0])
    row = {**rows["clients"][0], "registration": registration, "events": events}
    conn.execute(_upsert_client_sql(tuple(row)), row)
    return rows
