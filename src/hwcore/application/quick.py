"""Answers read straight from a current read model, without loading the domain.

``hw caseload`` and ``hw plan CLIENT`` are asked many times a day and must feel
instant. When the read model file is exactly as current as the event log,
their answers are already in it (``client_summary`` and the ``plans`` cache),
so this module reads them with the stdlib ``sqlite3`` driver and never imports
eventsourcing, the domain or the planner (start-up time).

Every function returns ``None`` whenever it cannot be *sure* the read model
holds the current answer, and the caller then asks the full application
(:class:`~hwcore.application.HwApplication`), which catches up, reports errors
and fills the cache. The quick path is taken only when all of these hold:

- the store is the embedded SQLite file (no database URL) without a cipher key
  (with one, the read model lives in memory only);
- both files exist and every read-model migration has been applied;
- the read model's tracking position is the event log's last notification
  (same id, same aggregate, same version), and that event is plain JSON;
- for a planner: the cached ``plans`` row has the client's current version.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Mapping
from contextlib import closing
from typing import TYPE_CHECKING, Any, TypeVar

from hwcore.application.caseload import CaseloadEntry, caseload_from, caseload_sql
from hwcore.application.eventstore.sqlitefile import header_problem
from hwcore.jsondata import FLOAT_DIGITS, rounded
from hwcore.readmodel.schema import MIGRATION_NAMES, MIGRATION_SET, PLANS_TABLE, TRACKING_NAME

if TYPE_CHECKING:
    from hwcore.config import Settings

__all__ = ["FLOAT_DIGITS", "quick_caseload", "quick_planner", "rounded"]

T = TypeVar("T")


def quick_caseload(
    home: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
    *,
    due_only: bool = False,
    environ: Mapping[str, str] | None = None,
) -> list[CaseloadEntry] | None:
    """The caseload, when the read model is current; else None (ask the application).

    Args:
        home: the data folder (else ``HW_HOME``, else the user data dir).
        database_url: a database URL (else ``HW_DATABASE_URL``); any URL means None.
        due_only: only clients whose review is due.
        environ: the environment to resolve settings from (default ``os.environ``).

    Returns:
        The same entries as :meth:`HwApplication.caseload`, or None.
    """
    return _answer(
        home,
        database_url,
        environ,
        lambda conn: caseload_from(conn.execute(caseload_sql(due_only=due_only))),
    )


def quick_planner(
    client: str,
    home: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any] | None:
    """CLIENT's current planner document, when cached and current; else None.

    Args:
        client: the client identifier, exactly as registered.
        home: the data folder (else ``HW_HOME``, else the user data dir).
        database_url: a database URL (else ``HW_DATABASE_URL``); any URL means None.
        environ: the environment to resolve settings from (default ``os.environ``).

    Returns:
        The document ``to_dict(HwApplication.plan(client), digits=None)`` returns
        (floats at full precision: print ``rounded(document)`` as JSON), or None.
    """
    name = client.strip()
    if not name:
        return None

    def cached(conn: sqlite3.Connection) -> dict[str, Any] | None:
        row = conn.execute(
            f"SELECT p.planner FROM {PLANS_TABLE} p JOIN clients c USING (client)"  # noqa: S608
            " WHERE p.client = ? AND p.version = c.version",
            (name,),
        ).fetchone()
        document = json.loads(row[0]) if row is not None else None
        return document if isinstance(document, dict) else None

    return _answer(home, database_url, environ, cached)


def _answer(
    home: str | os.PathLike[str] | None,
    database_url: str | None,
    environ: Mapping[str, str] | None,
    query: Callable[[sqlite3.Connection], T | None],
) -> T | None:
    """``query``'s answer, read in one snapshot of a read model current with the log.

    None when the read model is not (provably) current, or on any SQLite or
    file error: the application then answers, and explains or repairs.
    """
    from hwcore.config import resolve_settings

    settings = resolve_settings(home, database_url, environ)
    if not _eligible(settings):
        return None
    try:
        with closing(_connect(settings.readmodel_path)) as conn:
            conn.execute("BEGIN")  # one snapshot for the check and the answer
            try:
                if _migrated(conn) and _tracks_last_event(conn, settings):
                    return query(conn)
                return None
            finally:
                conn.execute("ROLLBACK")
    except (sqlite3.Error, OSError, ValueError):
        return None


def _eligible(settings: Settings) -> bool:
    if settings.database_url or settings.cipher_key:
        return False
    if not (settings.events_path.is_file() and settings.readmodel_path.is_file()):
        return False
    # Checked before any connection touches the store (the application reports it).
    return header_problem(settings.events_path) is None


def _connect(path: os.PathLike[str]) -> sqlite3.Connection:
    return sqlite3.connect(os.fspath(path), timeout=5.0, isolation_level=None)


def _migrated(conn: sqlite3.Connection) -> bool:
    applied = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,)
        )
    }
    return applied.issuperset(MIGRATION_NAMES)


def _tracks_last_event(conn: sqlite3.Connection, settings: Settings) -> bool:
    tracked = conn.execute(
        "SELECT position, originator_id, originator_version FROM tracking WHERE name = ?",
        (TRACKING_NAME,),
    ).fetchone()
    if tracked is None:
        return False
    # A plain connection (it only reads): a read-only one would leave the WAL's
    # -wal and -shm files behind, which the last connection otherwise removes.
    with closing(_connect(settings.events_path)) as events:
        last = events.execute(
            "SELECT rowid, originator_id, originator_version, substr(state, 1, 1)"
            " FROM stored_events ORDER BY rowid DESC LIMIT 1"
        ).fetchone()
    if last is None:
        return tuple(tracked) == (0, None, None)
    position, originator_id, version, head = last
    # A plain event's state is a JSON object; anything else (an encrypted
    # store read without its key) is the application's to report.
    plain = head in (b"{", "{")
    return plain and (tracked[0], _hex(tracked[1]), tracked[2]) == (
        position,
        _hex(originator_id),
        version,
    )


def _hex(uuid_text: object) -> str:
    """A UUID's 32 hex digits (the store keeps them bare, tracking with dashes)."""
    return str(uuid_text).replace("-", "").lower()
