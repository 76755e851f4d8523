"""Store checks on open: the settings, the SQLite file and the first stored event.

What every command needs before (and right after) the event store is opened.
The rest of store administration (erasure, backup, restore, audit) is in
:mod:`hwcore.application.eventstore.admin`, imported only by the commands that use it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

from eventsourcing.application import Application

from hwcore.application.eventstore.errors import store_error
from hwcore.application.eventstore.sqlitefile import header_problem, lost_problem
from hwcore.domain import InvalidValueError, StoreError

KEY_SIZES = (16, 24, 32)
TOPIC_PREFIX = "hwcore."
"""Every hw event and snapshot topic starts with this."""

# ----------------------------------------------------------------- cipher keys


def check_key(key: str) -> None:
    """Raise a clear error unless ``key`` is 16, 24 or 32 bytes in base64."""
    import base64
    import binascii

    try:
        raw = base64.b64decode(key.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raw = b""
    if len(raw) not in KEY_SIZES:
        raise InvalidValueError(
            "HW_CIPHER_KEY",
            "<hidden>",
            "16, 24 or 32 random bytes in base64: create one with 'hw key generate'",
        )


# -------------------------------------------------------------- store checks


def preflight(env: Mapping[str, str]) -> Path | None:
    """Check the settings and an SQLite file before the library opens (and alters) it.

    Returns:
        The SQLite store file this opens for writing (a plain path), else None.

    Raises:
        InvalidValueError: the cipher key is malformed.
        StoreError: the SQLite file is corrupt, truncated or not an hw store.
    """
    key = env.get("CIPHER_KEY")
    if key:
        check_key(key)
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.sqlite":
        name = env.get("SQLITE_DBNAME", "")
        if name.startswith("file:") and "mode=ro" in name:  # a read-only home
            from urllib.parse import unquote, urlsplit

            problem = header_problem(Path(unquote(urlsplit(name).path)))
            if problem is not None:
                raise StoreError(problem)
            return None
        if name and ":memory:" not in name and "mode=memory" not in name:
            lost = lost_problem(Path(name))
            if lost is not None:
                raise StoreError(lost)
            check_sqlite_file(Path(name))
            return None if name.startswith("file:") else Path(name)
    elif env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        probe_postgres(env)
    return None


def connect_postgres(env: Mapping[str, str]) -> Any:
    """One direct psycopg connection with the store's settings (autocommit, tuple rows).

    Raises:
        StoreError: it cannot connect (one clear line, never the URL).
    """
    import psycopg

    try:
        return psycopg.connect(
            host=env.get("POSTGRES_HOST", "localhost"),
            port=env.get("POSTGRES_PORT", "5432"),
            dbname=env.get("POSTGRES_DBNAME", ""),
            user=env.get("POSTGRES_USER", ""),
            password=env.get("POSTGRES_PASSWORD", ""),
            connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT") or 10),
            autocommit=True,
        )
    except psycopg.Error as e:
        raise store_error(e) from None


def probe_postgres(env: Mapping[str, str]) -> None:
    """Connect once directly, so a bad URL fails fast with its real reason.

    The library's connection pool would retry until its timeout and then only
    say that no connection could be had. When the store is opened without
    creating its schema (``CREATE_TABLE`` off: every open but ``hw db
    init``'s), the same connection checks the caseload's schema is there,
    granted and of this hw's version (:func:`~hwcore.application.eventstore.schema.schema_problem`).

    Raises:
        StoreError: it cannot connect, or the schema is missing, not granted or too old.
    """
    import psycopg

    from hwcore.application.eventstore.schema import schema_problem

    conn = connect_postgres(env)
    try:
        if env.get("CREATE_TABLE", "yes").lower() in ("no", "n", "false", "f", "off", "0"):
            schema = env.get("POSTGRES_SCHEMA") or "public"
            caseload = "default" if schema == "public" else schema
            with conn.cursor() as cursor:
                problem = schema_problem(cursor, schema, caseload)
            if problem is not None:
                raise StoreError(problem)
    except psycopg.Error as e:
        raise store_error(e) from None
    finally:
        conn.close()


def check_not_emptied(path: Path, applied: Callable[[], int]) -> None:
    """Refuse an empty store file in a home that shows the store had content.

    hw creates a new store as an empty file, so an empty file alone is a new
    store; but when the home's read model has applied events (``applied()``,
    asked only for an empty file), or hw's stamp beside the store says hw
    last left it holding data (:mod:`~hwcore.application.eventstore.sqlitestamp`,
    which the read model's deletion does not remove), the store was emptied
    (or replaced): opening it as new would wipe the read model and start a
    second history.

    Raises:
        StoreError: the store file is empty although events were recorded.
    """
    try:
        empty = path.is_file() and path.stat().st_size == 0
    except OSError:
        return  # the open reports it
    if not empty:
        return
    events = applied()
    if events > 0:
        msg = (
            f"the event store {path.name!r} is empty but this home's read model has applied"
            f" {events} events: the store was emptied or replaced (nothing was changed);"
            " delete that empty file, then restore a backup (hw restore)"
        )
        raise StoreError(msg)
    from hwcore.application.eventstore.sqlitestamp import read_stamp

    left = read_stamp(path)
    if left is not None and left[2] > 0:
        msg = (
            f"the event store {path.name!r} is empty but hw last left it holding"
            f" {left[2]} bytes: the store was emptied or replaced (nothing was changed);"
            " delete that empty file, then restore a backup (hw restore)"
        )
        raise StoreError(msg)


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not a readable SQLite database holding an hw store."""
    problem = header_problem(path)
    if problem is not None:
        raise StoreError(problem)
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)) as conn:
            tables = {
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            }
            first = None
            if "stored_events" in tables:
                first = conn.execute(
                    "SELECT topic FROM stored_events ORDER BY rowid LIMIT 1"
                ).fetchone()
    except sqlite3.Error as e:
        raise store_error(e, path.name) from None
    if tables and "stored_events" not in tables:
        msg = f"{str(path)!r} is an SQLite database but not an hw store: nothing was changed"
        raise StoreError(msg)
    if first is not None and not str(first[0]).startswith(TOPIC_PREFIX):
        msg = f"{str(path)!r} holds events of another application, not hw: nothing was changed"
        raise StoreError(msg)


def verify_store(app: Application[Any]) -> None:
    """Check the store holds hw events readable with the configured key.

    Reads the first stored event only: cheap on every open. Catches an
    encrypted store opened without a key (or with the wrong one), and a plain
    store opened with a key (writing would mix plain and encrypted events).

    Raises:
        StoreError: a clear message naming the problem (never any content).
    """
    items = app.recorder.select_notifications(start=1, limit=1)
    if not items:
        return
    first = items[0]
    if not first.topic.startswith(TOPIC_PREFIX):
        msg = "the database holds events of another application, not hw: nothing was changed"
        raise StoreError(msg)
    try:
        app.mapper.to_domain_event(first)
    except Exception:
        raise StoreError(_undecodable_message(app, first.state)) from None


def _looks_plain(app: Application[Any], state: bytes) -> bool:
    try:
        app.mapper.transcoder.decode(state)
    except Exception:
        return False
    return True


def _undecodable_message(app: Application[Any], state: bytes) -> str:
    if app.mapper.cipher is None:
        return (
            "the event store is encrypted: set HW_CIPHER_KEY to its key"
            " (nothing was read or changed)"
        )
    if _looks_plain(app, state):
        return (
            "the event store is not encrypted but HW_CIPHER_KEY is set: unset it, or move the"
            " data to an encrypted home with 'hw backup' and 'hw restore'"
        )
    return "HW_CIPHER_KEY does not decrypt this event store (wrong key): nothing was read"
