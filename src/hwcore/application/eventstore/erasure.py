"""What a purge must still reach after it: restores of older backups, and files in the home.

- :func:`returning_clients`: a backup made before a purge holds the purged
  client; restoring it over the store that was purged would bring the client
  back. The store knows its purges from their tombstones (``shredding``), so
  a restore names who would return and needs them named back
  (``hw restore --force --bring-back CLIENT``).
- :func:`stray_files`: exports, PDFs, calendar files or backups saved inside
  the hw home are not the store: a purge cannot reach them, and a backup
  leaves them out (and says so).
"""

# Table names in SQL text are constants; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Mapper, StoredEvent

from hwcore.application.eventstore.application import StoreApplication
from hwcore.application.eventstore.audit import admin_recorder
from hwcore.application.eventstore.errors import store_errors
from hwcore.application.eventstore.persistence import StoredRow
from hwcore.application.eventstore.shredding import (
    TOMBSTONE_TOPIC,
    ClientPurged,
    DataCipher,
    KeyRow,
    data_keys,
)
from hwcore.application.eventstore.sqlitefile import SQLITE_HEADER
from hwcore.domain import Case, StoreError

CASE_TOPIC_PREFIX = "hwcore.domain."
"""The topics of a client's events and snapshots."""


# ---------------------------------------------------------------- tombstones


def tombstone_rows(app: StoreApplication) -> list[StoredRow]:
    """Every purge tombstone in the log, as stored (oldest first)."""
    recorder = admin_recorder(app)
    table = recorder.qualified(recorder.events_table_name)
    with store_errors(), recorder.admin_transaction(commit=False) as cursor:
        cursor.execute(
            f"SELECT originator_id, originator_version, topic, state FROM {table}"
            f" WHERE topic = {recorder.placeholder} ORDER BY {recorder.log_order}",
            (TOMBSTONE_TOPIC,),
        )
        rows = cursor.fetchall()
    out: list[StoredRow] = []
    for row in rows:
        ident, version, topic, state = tuple(row.values()) if isinstance(row, dict) else tuple(row)
        hex_id = ident.hex if isinstance(ident, uuid.UUID) else uuid.UUID(str(ident)).hex
        out.append((hex_id, int(version), str(topic), bytes(state)))
    return out


def purged_case(app: StoreApplication, row: StoredRow) -> str:
    """The case id (32 hex digits) a stored tombstone names."""
    event = app.mapper.to_domain_event(_stored(row))
    assert isinstance(event, ClientPurged)
    return event.purged


def returning_clients(
    app: StoreApplication,
    events: Sequence[StoredRow],
    keys: Sequence[KeyRow],
    tombstones: Sequence[StoredRow],
) -> dict[str, str]:
    """The clients a restore of ``events`` would bring back after the store purged them.

    A case counts when the store holds a tombstone for it that the backup
    does not (the backup was made before that purge) and the backup holds
    the case's events.

    Returns:
        case id (hex) -> client identifier, as the backup registered it.
    """
    in_backup = {row[0] for row in events if row[2] == TOMBSTONE_TOPIC}
    cases = {row[0] for row in events if row[2].startswith(CASE_TOPIC_PREFIX)}
    purged = {purged_case(app, t) for t in tombstones if t[0] not in in_backup}
    returning = purged & cases
    if not returning:
        return {}
    wrapped = {k[0]: k[1] for k in keys}
    names: dict[str, str] = {}
    for row in events:
        if row[0] in returning and row[1] == 1 and row[0] not in names:
            names[row[0]] = _registered_client(app, row, wrapped.get(row[0]))
    return names


def carried_tombstones(
    app: StoreApplication,
    events: Sequence[StoredRow],
    tombstones: Sequence[StoredRow],
    brought_back: Iterable[str],
) -> list[StoredRow]:
    """The store's tombstones a replacing restore keeps (appended after the backup's events).

    Those the backup lacks, except for the cases brought back: a purge stays
    known to followers and to the next restore.
    """
    in_backup = {row[0] for row in events}
    back = set(brought_back)
    return [t for t in tombstones if t[0] not in in_backup and purged_case(app, t) not in back]


def decode_row(app: StoreApplication, row: StoredRow, wrapped: bytes | None) -> Any:
    """A backup's stored row as a domain event, with the backup's own data key for it."""
    stored = _stored(row)
    keys = data_keys(app)
    if wrapped is None or keys is None:
        return app.mapper.to_domain_event(stored)
    ident = uuid.UUID(row[0])
    key = keys.unwrap(ident, wrapped)
    mapper: Mapper[uuid.UUID] = Mapper(
        app.mapper.transcoder, app.mapper.compressor, DataCipher(key, ident)
    )
    return mapper.to_domain_event(stored)


def _registered_client(app: StoreApplication, row: StoredRow, wrapped: bytes | None) -> str:
    try:
        event = decode_row(app, row, wrapped)
    except Exception:
        msg = "the backup's events cannot be read with this store's settings: nothing restored"
        raise StoreError(msg) from None
    return str(event.client) if isinstance(event, Case.Registered) else row[0]


def _stored(row: StoredRow) -> StoredEvent:
    return StoredEvent(uuid.UUID(row[0]), row[1], row[2], row[3])


# -------------------------------------------------------------- stray files

HW_OWN_JSON = ("config.json", "measures.json")
"""JSON files of the home that are hw's own (configuration, the measures catalogue)."""
RECORD_SUFFIXES = (".pdf", ".csv", ".ics", ".json", ".jsonl", ".ndjson", ".xml", ".zip")
"""What exports, printouts and calendar files are saved as."""


def is_stray_file(path: Path, rel: str) -> bool:
    """Whether a file of the home is a client record hw did not keep there itself.

    An export, a PDF, a calendar file or a backup (an SQLite file) saved
    inside the home: a purge cannot reach it.
    """
    name = rel.rsplit("/", 1)[-1]
    if name in HW_OWN_JSON:
        return False
    if name.lower().endswith(RECORD_SUFFIXES):
        return True
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError:
        return False
    return head == SQLITE_HEADER or head.startswith(b"%PDF")


def stray_files(home: Path | None, is_home_file: Callable[[str], bool]) -> list[str]:
    """The client records saved inside the home (relative paths), which a purge cannot reach.

    ``is_home_file``: which paths a backup would copy (``backup.is_home_file``).
    """
    if home is None or not home.is_dir():
        return []
    found = []
    for path in sorted(home.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        rel = path.relative_to(home).as_posix()
        if not is_home_file(rel):
            continue
        if is_stray_file(path, rel):
            found.append(rel)
    return found
