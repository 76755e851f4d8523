"""The caseload as text (``hw caseload``): one line per client, the ones who need attention first.

Two ways to the same bytes:

- :func:`render_caseload` renders entries (the full path: the application
  caught the read model up, or any list of :class:`CaseloadEntry`);
- :func:`caseload_text` reads the text from a current read model (the quick
  path), doing the per-row work in SQLite.

The quick path is a speed trick for ``caseload_50k`` (``hw caseload`` on
50,000 clients within 2x the import floor): per client, Python's share of
reading, sorting and formatting a row costs more than the whole budget. So
each ``client_summary`` row also keeps what its caseload line needs, written
at catch-up by :func:`summary_cells`: the sort name, the 'last session' cell
padded to a fixed width and the rest of the line from 'completion' on,
already padded (its widths are the headers'). An index holds the rows in
caseload order with those cells (``caseload_order``, migration m004); the
column widths come from aggregates that small indexes answer with one lookup
each (:data:`WIDTH_INDEXES`); SQLite pads the identifier, cuts
the 'last session' cell to its width and joins each line, read back as one
column and written in one go. A row whose cells do not fit those fixed
widths (``line_fits``) sends the quick path to :func:`render_caseload`. Both
paths take their cells from the same function and their order from the same
rule (:func:`~hwcore.readmodel.caseload.sort_caseload`, :data:`ORDER_BY`), and
a test compares their output on a varied caseload. ``due`` is the planner's
review status (counted in sessions, not days), stored at catch-up, so
nothing here depends on today's date.

Standard library only: the quick path imports neither the domain nor
eventsourcing (start-up time).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from hwcore.readmodel.caseload import CaseloadEntry, caseload_from, caseload_sql
from hwcore.textsafe import terminal_text

HEADERS = (
    "client",
    "alert",
    "last session",
    "completion",
    "last 8",
    "trend",
    "next review",
    "due",
    "triggers",
)
"""The caseload's column headers."""

MAX_CELL = 48
"""The widest cell (a longer trigger list is cut, with an ellipsis)."""

TREND_MARKS = {"up": "up", "down": "down", "flat": "flat", None: "-"}

CELL_COLUMNS = ("sort_name", "pad_last", "cell_tail", "line_fits")
"""The ``client_summary`` columns :func:`summary_cells` fills (migration m004)."""

PAD_LAST = 24
"""The width ``pad_last`` pads the 'last session' cell to."""

ORDER_BY = (
    "open_alerts = 0, due = 0, trigger_count DESC, coalesce(recent_rate, 2.0), sort_name, client"
)
"""The caseload order in SQL: :func:`~hwcore.readmodel.caseload.sort_caseload`'s rule.

The index ``caseload_order`` has these very expressions (then the cells), so
the rows are read in order from the index alone."""

_TAIL_WIDTHS = tuple(len(h) for h in HEADERS[3:8])
"""The widths of the tail's padded cells (completion to due): their headers'."""
_TAIL_LENGTH = sum(_TAIL_WIDTHS) + 2 * len(_TAIL_WIDTHS)
"""Where the triggers start in a tail that fits (each cell and two spaces after it)."""


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _cell(text: str) -> str:
    """A one-line cell of at most :data:`MAX_CELL` characters (control characters shown)."""
    text = terminal_text(" ".join(text.split()), keep_layout=False)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _cells(
    last_session: int | None,
    last_session_date: str | None,
    completion_rate: float | None,
    recent_rate: float | None,
    trend: str | None,
    next_review_session: int | None,
    due: bool,
    triggers: Sequence[str],
) -> tuple[str, ...]:
    """The cells from 'last session' to 'triggers' (the client and the alert are the row's)."""
    return (
        f"{last_session} ({last_session_date})" if last_session else "-",
        _percent(completion_rate),
        _percent(recent_rate),
        TREND_MARKS.get(trend) or _cell(str(trend)),
        str(next_review_session or "-"),
        "DUE" if due else "",
        _cell(", ".join(triggers)) if triggers else "-",
    )


def summary_cells(
    client: str,
    last_session: int | None,
    last_session_date: str | None,
    completion_rate: float | None,
    recent_rate: float | None,
    trend: str | None,
    next_review_session: int | None,
    due: bool,
    triggers: Sequence[str],
) -> dict[str, str | int]:
    """What one client's caseload line needs, as :data:`CELL_COLUMNS` keep it.

    The 'last session' cell is padded to a fixed width (:data:`PAD_LAST`), so
    that the quick path cuts it to the caseload's width with ``substr``;
    ``cell_tail`` is the line from 'completion' on, each cell padded to its
    header's width. ``line_fits`` says whether all of that holds for this row
    (the cell within its padding, every tail cell within its header: a rate
    is at most '100%', a trend at most 'down'); when one row does not, the
    quick path renders the caseload in Python instead.
    """
    last, *tail, names = _cells(
        last_session,
        last_session_date,
        completion_rate,
        recent_rate,
        trend,
        next_review_session,
        due,
        triggers,
    )
    padded = "".join(f"{c:<{w}}  " for c, w in zip(tail, _TAIL_WIDTHS, strict=True))
    fits = all(len(c) <= w for c, w in zip(tail, _TAIL_WIDTHS, strict=True))
    fits = fits and len(last) <= PAD_LAST
    return {
        "sort_name": client.casefold(),
        "pad_last": f"{last:<{PAD_LAST}}",
        "cell_tail": padded + names,
        # A line ends with its triggers cell: never blank, never with a space at the end.
        "line_fits": int(fits and names == names.rstrip() != ""),
    }


def _empty(due_only: bool) -> str:
    return "no client is due for review" if due_only else "no clients yet"


def _warning(flagged: Sequence[str]) -> str:
    return f"RISK ALERT not yet acknowledged: {', '.join(flagged)} (hw alert list CLIENT)"


def _head(widths: Sequence[int]) -> list[str]:
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    return [line.format(*HEADERS).rstrip(), "  ".join("-" * w for w in widths)]


def render_caseload(entries: Sequence[CaseloadEntry], *, due_only: bool = False) -> str:
    """One line per entry, in the given order: last session, completion, trend, review, triggers.

    Clients with an open risk alert come first, flagged, under a line naming them.
    """
    if not entries:
        return _empty(due_only)
    memo: dict[tuple[object, ...], tuple[str, ...]] = {}
    cells = []
    for e in entries:
        key: tuple[object, ...] = (e.last_session, e.last_session_date, e.completion_rate)
        key += (e.recent_rate, e.trend, e.next_review_session, e.due, e.triggers)
        parts = memo.get(key)
        if parts is None:  # many clients share them: rendered once
            parts = memo[key] = _cells(
                e.last_session,
                e.last_session_date,
                e.completion_rate,
                e.recent_rate,
                e.trend,
                e.next_review_session,
                e.due,
                e.triggers,
            )
        cells.append((e.client, "RISK ALERT" if e.open_alert else "", *parts))
    columns = zip(*cells, strict=True)
    widths = [max(len(h), *map(len, c)) for h, c in zip(HEADERS, columns, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = _head(widths) + [line.format(*row).rstrip() for row in cells]
    flagged = [e.client for e in entries if e.open_alert]
    return "\n".join([_warning(flagged), *lines] if flagged else lines)


WIDTH_INDEXES = {
    "caseload_client_width": ("max", "length(client)"),
    "caseload_last_width": ("max", "length(rtrim(pad_last))"),
    "caseload_tail_width": ("max", "length(cell_tail)"),
    "caseload_alerts": ("max", "open_alerts"),
    "caseload_fits": ("min", "line_fits"),
}
"""Index name -> (aggregate, expression): what the column widths are computed from.

Each is indexed after ``due`` (migration m004), so each aggregate is one
index lookup for the due and one for the others, not a pass over every row."""


def _widths(conn: sqlite3.Connection, due_only: bool) -> list[Any]:
    """Longest identifier, 'last session' cell and tail; any open alert; whether all fit.

    All None for an empty caseload.
    """
    groups = (1,) if due_only else (0, 1)
    selects = [
        f"(SELECT {agg}({expr}) FROM client_summary WHERE due = {due})"  # noqa: S608 (constants)
        for agg, expr in WIDTH_INDEXES.values()
        for due in groups
    ]
    found = conn.execute(f"SELECT {', '.join(selects)}").fetchone()
    values: list[Any] = []
    for n, (agg, _) in enumerate(WIDTH_INDEXES.values()):
        known = [v for v in found[n * len(groups) : (n + 1) * len(groups)] if v is not None]
        values.append((max if agg == "max" else min)(known) if known else None)
    return values


def caseload_text(conn: sqlite3.Connection, *, due_only: bool = False) -> str:
    """The caseload text read from a read model (the very bytes :func:`render_caseload` gives).

    Args:
        conn: a connection to a migrated read model (read in the caller's transaction).
        due_only: only the clients whose review is due.
    """
    where = " WHERE due = 1" if due_only else ""
    client, last, tail, alerts, fits = _widths(conn, due_only)
    if client is None:
        return _empty(due_only)
    if not fits:  # a cell wider than its padding: every column's width must be measured
        rows = conn.execute(caseload_sql(due_only=due_only)).fetchall()
        return render_caseload(caseload_from(rows), due_only=due_only)
    widths = [max(len(HEADERS[0]), client), 10 if alerts else 5, max(len(HEADERS[2]), last)]
    widths += _TAIL_WIDTHS
    widths.append(max(len(HEADERS[8]), tail - _TAIL_LENGTH))  # the triggers end the tail
    # Each line padded and joined in SQLite from the index alone (see the
    # module's note): the identifier padded with a cut of spaces, the padded
    # 'last session' cut to its column's width; without open alerts the alert
    # column is blank (its spaces go with the identifier's).
    alert = "CASE WHEN open_alerts > 0 THEN 'RISK ALERT  ' ELSE '            ' END ||"
    after = 2 if alerts else 2 + widths[1] + 2
    spaces = " " * (widths[0] + after)
    rows = conn.execute(
        f"SELECT client || substr('{spaces}', 1, {widths[0] + after} - length(client)) ||"  # noqa: S608
        f" {alert if alerts else ''} substr(pad_last, 1, {widths[2]}) || '  ' || cell_tail"
        f" FROM client_summary{where} ORDER BY {ORDER_BY}"
    ).fetchall()
    lines = _head(widths)
    lines += [row for (row,) in rows]
    if not alerts:
        return "\n".join(lines)
    more = " AND" if due_only else " WHERE"
    flagged = [
        client
        for (client,) in conn.execute(
            f"SELECT client FROM client_summary{where}{more} open_alerts > 0"  # noqa: S608
            f" ORDER BY {ORDER_BY}"
        )
    ]
    return "\n".join([_warning(flagged), *lines])
