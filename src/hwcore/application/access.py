"""The access log as a service of the application (``hw.access``): who read what, and when.

Every read of one client's record through the application (its planner, its
history, its audit trail, a frontend's open of the client), every print and
every export appends one entry: the time (UTC), the clinician
(:attr:`~hwcore.application.eventstore.application.StoreApplication.clinician`),
an action word, the client identifier and a detail word (never clinical
content). Backups and restores are logged too (with no client). The entries
live beside the events, in the same database, append-only (see
:mod:`hwcore.application.eventstore.accesslog`)::

    hw.access.entries(client="AB", since="2026-03-01")
    hw.access.record("open", "AB")     # a frontend showing the client's record

A purge rewrites the client's entries to a random pseudonym and logs itself;
a restore adds the backup's entries of the clients it brings back. A store hw
may only read (a SQLite home on a read-only disk) is read without entries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from hwcore.application.eventstore.accesslog import ACTIONS, AccessRow, append, now, read_rows
from hwcore.application.eventstore.errors import store_errors
from hwcore.application.eventstore.persistence import AdminRecorder
from hwcore.domain import InvalidValueError, validate_client
from hwcore.valueclass import Value

if TYPE_CHECKING:
    from hwcore.application.eventstore.application import StoreApplication

__all__ = ["ACTIONS", "DETAIL_RULE", "AccessEntry", "AccessLog", "parse_since"]

DETAIL_RULE = "nothing, or one or two words of letters, digits, '-', '.' or ':' (24 each at most)"
"""What an entry's detail may be (a format, a document kind, ``as-of 3``)."""
_DETAIL = re.compile(r"([\w.:-]{1,24}( [\w.:-]{1,24})?)?")


@attrs.frozen(repr=False, eq=False)
class AccessEntry(Value):
    """One access-log entry: who did what to which client's record, and when."""

    at: str
    """When (ISO 8601, UTC, seconds)."""
    clinician: str
    """Who (the clinician identifier of the process that did it)."""
    action: str
    """plan, history, audit, open, print, export, backup, restore or purge."""
    client: str | None
    """The client identifier (a purged client's pseudonym ``purged-...``); None: no one client."""
    detail: str
    """A word more: the export's format, the printed document, ``as-of N``; or empty."""


def parse_since(value: str | dt.date | None) -> str | None:
    """The ``--since`` bound as the log compares it (``YYYY-MM-DD``), or None.

    Raises:
        InvalidValueError: not a date (the value is named: it is never clinical).
    """
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        shown = text if len(text) <= 20 else f"{text[:20]}..."
        raise InvalidValueError("since date", shown, "a date YYYY-MM-DD") from None


class AccessLog:
    """The access log of one open application (``hw.access``).

    Args:
        app: the open application: its store holds the log, its clinician signs.
    """

    def __init__(self, app: StoreApplication) -> None:
        self._app = app
        self._memory: list[AccessRow] = []
        """The log of an in-memory store (it has no database to keep it in)."""

    @property
    def clinician(self) -> str:
        """Who this application's entries name."""
        return self._app.clinician

    def _recorder(self) -> AdminRecorder | None:
        recorder = self._app.recorder
        return recorder if isinstance(recorder, AdminRecorder) else None

    def _read_only(self) -> bool:
        name = str(self._app.env.get("SQLITE_DBNAME") or "")
        return "mode=ro" in name

    def record(
        self, action: str, client: str | Iterable[str] | None = None, detail: str = ""
    ) -> bool:
        """Append an entry (one per client given) in one transaction.

        Args:
            action: one of :data:`ACTIONS`.
            client: the client identifier, several, or None (no one client).
            detail: a word more (a format, a document kind): :data:`DETAIL_RULE`.

        Returns:
            True when written; False on a store hw may only read.

        Raises:
            ValueError: an action hw does not log (a programming error).
            InvalidValueError: a detail that is more than a word or two (it is
                never shown: it may be clinical text).
            StoreError: the store refused the entry (e.g. a PostgreSQL role
                without INSERT on ``hw_access_log``): the read is not shown.
        """
        if action not in ACTIONS:
            raise ValueError(f"not an access-log action: {action!r}")
        if not _DETAIL.fullmatch(detail):  # an embedder's detail: never clinical text
            raise InvalidValueError("access-log detail", f"<{len(detail)} characters>", DETAIL_RULE)
        names: list[str | None]
        if client is None:
            names = [None]
        elif isinstance(client, str):
            names = [validate_client(client)]
        else:
            names = [validate_client(c) for c in client]
        at = now()
        rows = [AccessRow(at, self.clinician, action, name, detail) for name in names]
        recorder = self._recorder()
        if recorder is None:
            self._memory.extend(rows)
            return True
        if self._read_only():
            return False
        with store_errors():
            append(recorder, rows)
        return True

    def entries(
        self, *, client: str | None = None, since: str | dt.date | None = None
    ) -> list[AccessEntry]:
        """The entries, oldest first.

        Args:
            client: only this client's (its identifier, or a purged client's pseudonym).
            since: only from this date on (``YYYY-MM-DD``, UTC).

        Raises:
            InvalidValueError: ``since`` is not a date, ``client`` not an identifier.
        """
        bound = parse_since(since)
        name = validate_client(client) if client is not None else None
        recorder = self._recorder()
        if recorder is None:
            rows = [
                r
                for r in self._memory
                if (name is None or r.client == name) and (bound is None or r.at >= bound)
            ]
        else:
            with store_errors():
                rows = read_rows(recorder, client=name, since=bound)
        return [AccessEntry(*row) for row in rows]
