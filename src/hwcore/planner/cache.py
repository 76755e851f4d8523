"""The planner as the read model caches it: compact JSON with the table rows as arrays.

Every recording command caches its client's new planner (so that the next
``hw plan`` only reads it back), and for a client with 1,000 assignments the
three tables (completed, missed, pending) are almost all of it. Written as
``to_dict`` writes them, each row repeats its 17 field names: turning rows into
dictionaries and back was a third of the planner's cost on the write
(``cli_write``) and the read (``cli_plan``). Here a row is an array of its
field values in :class:`~hwcore.planner.model.Row`'s declared order; the rest
of the planner is the ordinary document (:func:`~hwcore.planner.model.to_dict`
at full precision), so :func:`from_cache` returns exactly the planner that
:func:`to_cache` was given.

The format is the read model's own (never exported, never shown): a read
model migration empties the cache whenever it changes.
"""

from __future__ import annotations

import json
from typing import Any

import attrs

from hwcore.planner.model import Planner, Row, from_dict, to_dict

CACHE_FORMAT = 2
"""The version of the cached form (1 was the plain document with rows as objects).

The text is ``[2, [row field names], document]``: the document as ``to_dict``
writes it, but with ``rows`` (the three tables as arrays) in place of
``completed``, ``missed`` and ``pending``."""

ROW_TABLES = ("completed", "missed", "pending")
"""The planner's fields that hold :class:`Row` tables (cached as arrays)."""

_ROW_FIELDS = tuple(f.name for f in attrs.fields(Row))
_REASONS = _ROW_FIELDS.index("reasons")
_OTHER_FIELDS = tuple(
    f.name
    for f in attrs.fields(Planner)
    if f.name not in ROW_TABLES and f.name != "completion_by_session"
)


def to_cache(planner: Planner) -> str:
    """The planner as compact JSON, floats exact, rows as arrays of their field values.

    Args:
        planner: any planner.

    Returns:
        The text :func:`from_cache` turns back into an equal planner.
    """
    document: dict[str, Any] = {
        name: to_dict(getattr(planner, name), digits=None) for name in _OTHER_FIELDS
    }
    # One (session, rate, count) triple per session, all plain numbers (1,012 for
    # BIG1000): as they are, not through to_dict's walk, a tenth of the write
    # (cli_write); the same JSON as to_dict's at full precision.
    document["completion_by_session"] = [list(t) for t in planner.completion_by_session]
    # A row is not slotted: its __dict__ holds its fields in declared order, and
    # every value is already JSON (ints, strings, floats, None, a tuple of strings).
    document["rows"] = {
        table: [list(row.__dict__.values()) for row in getattr(planner, table)]
        for table in ROW_TABLES
    }
    # An array at the top (an older hw's read of the cache wants an object, and
    # declines this), with the row fields' names: a row of another shape is refused.
    cached = [CACHE_FORMAT, _ROW_FIELDS, document]
    # A tree made just above (no cycle to look for: about a seventh of the dump).
    return json.dumps(cached, ensure_ascii=False, separators=(",", ":"), check_circular=False)


def from_cache(text: str, *, rows: bool = True) -> Planner:
    """The planner :func:`to_cache` wrote.

    Args:
        text: the cached form.
        rows: False: the planner without its tables of assignments
            (``completed``, ``missed``, ``pending`` left empty), for a caller
            that reads only the rest (the fit of a new design, ``cli_write``).

    Raises:
        ValueError: the text is not a cached planner of this format (an older
            hw wrote it, or it was damaged): compute the planner instead.
    """
    try:
        cached = json.loads(text)
    except (TypeError, ValueError):
        raise ValueError("the cached planner is not JSON") from None
    if not (isinstance(cached, list) and len(cached) == 3 and cached[0] == CACHE_FORMAT):
        raise ValueError("the cached planner has another format")
    _, fields, document = cached
    if fields != list(_ROW_FIELDS) or not isinstance(document, dict):
        raise ValueError("the cached planner's rows have other fields")
    try:
        tables = document.pop("rows")
        completed, missed, pending = (_rows(tables[table]) if rows else () for table in ROW_TABLES)
        for table in ROW_TABLES:
            document[table] = ()
        planner = from_dict(document)
    except (KeyError, TypeError, IndexError, AttributeError):
        # A damaged row or value: never a traceback, the planner is computed instead.
        raise ValueError("the cached planner's values are not a planner's") from None
    return attrs.evolve(planner, completed=completed, missed=missed, pending=pending)


def _rows(arrays: list[list[Any]]) -> tuple[Row, ...]:
    """Rows from their arrays (JSON gives the reasons as a list: a row keeps a tuple)."""
    decoded = []
    for values in arrays:
        if len(values) != len(_ROW_FIELDS):
            raise IndexError
        values[_REASONS] = tuple(values[_REASONS])
        decoded.append(Row(*values))
    return tuple(decoded)
