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
"""The version of the cached form (1 was the plain document with rows as objects)."""

ROW_TABLES = ("completed", "missed", "pending")
"""The planner's fields that hold :class:`Row` tables (cached as arrays)."""

_ROW_FIELDS = tuple(f.name for f in attrs.fields(Row))
_REASONS = _ROW_FIELDS.index("reasons")
_OTHER_FIELDS = tuple(f.name for f in attrs.fields(Planner) if f.name not in ROW_TABLES)


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
    # A row is not slotted: its __dict__ holds its fields in declared order, and
    # every value is already JSON (ints, strings, floats, None, a tuple of strings).
    document["rows"] = {
        table: [list(row.__dict__.values()) for row in getattr(planner, table)]
        for table in ROW_TABLES
    }
    document["cache_format"] = CACHE_FORMAT
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def from_cache(text: str) -> Planner:
    """The planner :func:`to_cache` wrote.

    Raises:
        ValueError: the text is not a cached planner of this format (an older
            hw wrote it, or it was damaged): compute the planner instead.
    """
    try:
        document = json.loads(text)
    except (TypeError, ValueError):
        raise ValueError("the cached planner is not JSON") from None
    if not isinstance(document, dict) or document.pop("cache_format", None) != CACHE_FORMAT:
        raise ValueError("the cached planner has another format")
    rows = document.pop("rows", None)
    if not isinstance(rows, dict):
        raise ValueError("the cached planner has no rows")
    try:
        completed, missed, pending = (_rows(rows[table]) for table in ROW_TABLES)
    except (KeyError, TypeError, IndexError):
        raise ValueError("the cached planner's rows are not rows") from None
    for table in ROW_TABLES:
        document[table] = ()
    return attrs.evolve(from_dict(document), completed=completed, missed=missed, pending=pending)


def _rows(arrays: list[list[Any]]) -> tuple[Row, ...]:
    """Rows from their arrays (JSON gives the reasons as a list: a row keeps a tuple)."""
    decoded = []
    for values in arrays:
        values[_REASONS] = tuple(values[_REASONS])
        decoded.append(Row(*values))
    return tuple(decoded)
