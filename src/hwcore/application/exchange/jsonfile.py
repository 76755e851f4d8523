"""hw's JSON export: a lossless dump of the event log, and its import through the guards.

An export lists every client's stored events (topic, version, timestamp and
state, as the store's transcoder encodes it). Importing one never trusts the
file: each new event is recorded again by the domain command that would have
recorded it, on an in-memory copy of the case, and is kept only when that
command accepts it and records exactly what the file says. So an edited file
can never store what a command would refuse (a 10 MB title, confidence 99,
done 900 of 7, a spec made a string, a key hw does not know), and the events
written are the file's own (their timestamps included).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from typing import Any, cast

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from hwcore.application.eventstore.recording import FIELD as RECORDED_BY
from hwcore.application.eventstore.recording import with_recorded_by
from hwcore.application.exchange.errors import ImportFileError
from hwcore.application.exchange.port import ExchangeStore
from hwcore.application.records import ImportReport
from hwcore.clinician import check_clinician
from hwcore.domain import (
    AssignmentSpec,
    Case,
    ChangeKind,
    FollowupProtocol,
    HwError,
    ReviewTrigger,
    SystemChoice,
    case_id_for,
    validate_client,
)
from hwcore.domain.identifiers import check_new_client
from hwcore.domain.measures import BUILTIN, define_measure

EXPORT_FORMAT = "hw-export"
EXPORT_VERSION = 2
"""The version an export is written in: 2 since the outcome events' insights and
modification (revision 2); version 1 files are read too (their outcome events
without them, read as empty)."""
READ_VERSIONS = (1, 2)
"""The export versions this hw imports."""

_TOP_KEYS = frozenset({"format", "version", "clients"})
_ENTRY_KEYS = frozenset({"client", "events"})
_EVENT_KEYS = frozenset({"topic", "version", "timestamp", "state"})
_NOT_STATE = ("originator_id", "originator_version", "timestamp")
_TOPIC_PREFIX = "hwcore.domain.case:Case."


def export_document(
    store: ExchangeStore,
    client: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """A lossless JSON-ready dump of one client's or every client's events.

    ``progress`` is called after each client with (clients done, all clients).
    """
    names = [validate_client(client)] if client else store.client_names()
    clients = []
    for done, name in enumerate(names, start=1):
        clients.append(
            {"client": name, "events": [event_data(store, e) for e in _events(store, name)]}
        )
        if progress is not None:
            progress(done, len(names))
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "clients": clients}


def _events(store: ExchangeStore, name: str) -> list[Aggregate.Event]:
    events = store.stored_events(name)
    if not events:
        from hwcore.domain import ClientNotFoundError

        raise ClientNotFoundError(name)
    return events


def event_data(store: ExchangeStore, event: Aggregate.Event) -> dict[str, Any]:
    """One stored event as an export item."""
    return {
        "topic": get_topic(type(event)),
        "version": event.originator_version,
        "timestamp": event.timestamp.isoformat(),
        "state": _state(store, event),
    }


def _state(store: ExchangeStore, event: Aggregate.Event) -> Any:
    # recorded_by is kept when known and left out when not (an event stored
    # before hw recorded it, or imported without it), as the file had it.
    state = {
        k: v
        for k, v in event.__dict__.items()
        if k not in _NOT_STATE and not (k == RECORDED_BY and not v)
    }
    return json.loads(store.transcoder.encode(state))


def _without_author(state: Any) -> Any:
    return {k: v for k, v in state.items() if k != RECORDED_BY}


def plan_json_import(
    store: ExchangeStore, text: str, source: str
) -> tuple[list[Aggregate.Event], ImportReport]:
    """The events an hw export adds to the store, checked, and what importing it does.

    A client already in the store is extended when its stored events are the
    start of the exported ones, left as it is when the exported ones are the
    start of its stored ones (the store is ahead of the file), and refused
    when they differ.

    Raises:
        ImportFileError: one line naming the file, the client and the event,
            when anything in the file is not what hw would record.
    """
    data = _document(text, source)
    new_events: list[Aggregate.Event] = []
    new_clients = unchanged = behind = rows = 0
    seen: set[str] = set()
    for index, entry in enumerate(data["clients"], start=1):
        name, items = _entry(entry, index, source)
        if name in seen:
            raise ImportFileError(f"{source}: client {name!r} is listed twice")
        seen.add(name)
        rows += len(items)
        where = f"{source}: client {name!r}"
        existing = store.stored_events(name)
        if not existing:
            _check_new_client(name, where)
        incoming = [_event_from_item(store, name, item, where) for item in items]
        new_clients += not existing
        shared = min(len(existing), len(incoming))
        if [event_data(store, e) for e in existing[:shared]] != [
            event_data(store, e) for e in incoming[:shared]
        ]:
            msg = f"{where} already has a different history in this store"
            raise ImportFileError(msg)
        rest = incoming[len(existing) :]
        if rest:
            check_events(store, name, existing, rest, where)
            new_events.extend(rest)
        else:
            unchanged += 1
            behind += len(existing) > len(incoming)
    report = ImportReport(
        source=source,
        rows=rows,
        clients=len(seen),
        new_clients=new_clients,
        events_written=len(new_events),
        assignments_added=sum(isinstance(e, Case.HomeworkAssigned) for e in new_events),
        outcomes_added=sum(
            isinstance(e, Case.HomeworkCompleted | Case.HomeworkMissed) for e in new_events
        ),
        unchanged_rows=unchanged,
        store_ahead=behind,
    )
    return new_events, report


def _document(text: str, source: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except RecursionError:
        msg = f"{source}: the JSON is nested too deeply: expected an hw export"
        raise ImportFileError(msg) from None
    except json.JSONDecodeError as e:
        msg = f"{source}: not valid JSON (line {e.lineno}): expected an hw export"
        raise ImportFileError(msg) from None
    except ValueError:  # e.g. an integer of thousands of digits
        msg = f"{source}: not valid JSON (a number too long): expected an hw export"
        raise ImportFileError(msg) from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        msg = f'{source}: not an hw export (expected "format": "{EXPORT_FORMAT}")'
        raise ImportFileError(msg)
    version = data.get("version")
    if version not in READ_VERSIONS or isinstance(version, bool):
        if isinstance(version, str) and version.strip() in [str(v) for v in READ_VERSIONS]:
            msg = (
                f'{source}: export version the text "{version.strip()}", not the number'
                f' {version.strip()}: write "version": {version.strip()}'
            )
            raise ImportFileError(msg)
        if isinstance(version, int) and not isinstance(version, bool):
            what = str(version)
        else:
            what = "missing or not a number"
        readable = " and ".join(str(v) for v in READ_VERSIONS)
        msg = f"{source}: export version {what}: this hw reads versions {readable}"
        raise ImportFileError(msg)
    extra = sorted(set(data) - _TOP_KEYS)
    if extra:
        raise ImportFileError(f"{source}: unknown key {_key(extra[0])} in the export")
    if not isinstance(data.get("clients", []), list):
        raise ImportFileError(f'{source}: "clients" must be a list')
    data.setdefault("clients", [])
    return data


def _check_new_client(name: str, where: str) -> None:
    """Refuse a new client whose identifier mixes scripts (as ``hw client add`` does)."""
    try:
        check_new_client(name)
    except HwError as e:
        raise ImportFileError(f"{where}: {e}") from None


def _key(name: str) -> str:
    return repr(name) if len(name) <= 40 else f"<{len(name)} characters>"


def _entry(entry: Any, index: int, source: str) -> tuple[str, list[Any]]:
    where = f"{source}: client entry {index}"
    if not isinstance(entry, dict):
        raise ImportFileError(f"{where} is not an object with a client and its events")
    extra = sorted(set(entry) - _ENTRY_KEYS)
    if extra:
        raise ImportFileError(f"{where}: unknown key {_key(str(extra[0]))}")
    client = entry.get("client")
    if not isinstance(client, str):
        raise ImportFileError(f'{where}: "client" must be the client identifier')
    try:
        name = validate_client(client)
    except HwError as e:
        raise ImportFileError(f"{where}: {e}") from None
    if name != client:
        raise ImportFileError(f"{where}: client {client!r} is not written as hw writes it")
    items = entry.get("events")
    if not isinstance(items, list) or not items:
        raise ImportFileError(f'{where}: "events" must be a non-empty list of events')
    return name, items


@functools.cache
def _event_classes() -> dict[str, type[Aggregate.Event]]:
    return {
        _TOPIC_PREFIX + name: value
        for name, value in vars(Case).items()
        if isinstance(value, type) and issubclass(value, Aggregate.Event) and name != "Snapshot"
    }


def _event_from_item(store: ExchangeStore, client: str, item: Any, where: str) -> Aggregate.Event:
    malformed = f"{where}: a malformed event: expected an hw export"
    if not isinstance(item, dict) or set(item) != _EVENT_KEYS:
        raise ImportFileError(malformed)
    cls = _event_classes().get(str(item["topic"]))
    if cls is None or not isinstance(item["state"], dict):
        raise ImportFileError(malformed)
    version = item["version"]
    if not isinstance(version, int) or isinstance(version, bool):
        raise ImportFileError(malformed)
    try:
        state = store.transcoder.decode(json.dumps(item["state"]).encode())
        author = state.pop(RECORDED_BY, None)
        if author is not None:
            author = check_clinician(author, RECORDED_BY)
        timestamp = dt.datetime.fromisoformat(str(item["timestamp"]))
        event = cls(
            originator_id=case_id_for(client),
            originator_version=version,
            timestamp=timestamp,
            **state,
        )
        # Kept as the file has it: unknown stays unknown, never the importer.
        with_recorded_by(event, author)
        known = _state(store, event)
    except HwError as e:
        raise ImportFileError(f"{where}, event {version}: {e}") from None
    except Exception:
        raise ImportFileError(malformed) from None
    unknown = _unknown_key(item["state"], known)
    if unknown:
        raise ImportFileError(f"{where}, event {version}: unknown key {_key(unknown)}")
    return event


def check_events(
    store: ExchangeStore,
    client: str,
    existing: Sequence[Aggregate.Event],
    events: Sequence[Aggregate.Event],
    where: str,
) -> None:
    """Record each event again by its domain command; refuse it unless it is the same.

    Raises:
        ImportFileError: naming the event, when its command refuses it (the
            domain's own one-line reason), when it is not what the command
            records.
    """
    if existing:
        case = Case.replay(existing)
    else:
        first = events[0]
        if not isinstance(first, Case.Registered) or first.originator_version != 1:
            raise ImportFileError(f"{where}: its events do not start with its registration")
        if first.client != client:
            msg = f"{where}: its registration names another client: the events are not its own"
            raise ImportFileError(msg)
        case = cast("Case", first.mutate(None))
        events = events[1:]
    for event in events:
        at = f"{where}, event {event.originator_version}"
        if event.originator_version != case.version + 1:
            raise ImportFileError(f"{at}: the event versions are not 1, 2, 3...")
        command = _COMMANDS.get(type(event))
        if command is None:
            raise ImportFileError(f"{at}: a registration after the first event")
        try:
            command(case, event)
        except HwError as e:
            raise ImportFileError(f"{at}: {e}") from None
        except Exception:
            raise ImportFileError(f"{at}: a malformed event: expected an hw export") from None
        produced = case.collect_events()
        if len(produced) != 1 or type(produced[0]) is not type(event):
            raise ImportFileError(f"{at}: not what hw records for it (nothing to record)")
        mine, theirs = _state(store, produced[0]), _without_author(_state(store, event))
        if mine != theirs:
            field = _first_difference(mine, theirs)
            raise ImportFileError(f"{at}: not what hw records for it ({field})")


def _first_difference(mine: Any, theirs: Any, path: str = "") -> str:
    """The first field (a dotted path) whose value differs, for the error line."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        for key in sorted(set(mine) | set(theirs)):
            if mine.get(key) != theirs.get(key):
                if key in ("_type_", "_data_"):
                    return _first_difference(mine.get("_data_"), theirs.get("_data_"), path)
                return _first_difference(
                    mine.get(key), theirs.get(key), f"{path}.{key}".lstrip(".")
                )
    return path or "its value"


def _unknown_key(raw: Any, known: Any) -> str | None:
    """A key of the file's data that hw's own encoding of the same value does not have."""
    if isinstance(raw, dict) and isinstance(known, dict):
        for key, value in raw.items():
            if key not in known:
                return str(key)
            found = _unknown_key(value, known[key])
            if found:
                return found
    elif isinstance(raw, list) and isinstance(known, list):
        for a, b in zip(raw, known, strict=False):
            found = _unknown_key(a, b)
            if found:
                return found
    return None


def _typed(value: Any, kind: type, field: str) -> Any:
    if not isinstance(value, kind):
        from hwcore.domain import InvalidValueError

        raise InvalidValueError(field, type(value).__name__, f"a {kind.__name__}")
    return value


def _assigned(case: Case, e: Any) -> None:
    case.assign(e.session, _typed(e.spec, AssignmentSpec, "spec"))


def _measured(case: Case, e: Any) -> None:
    """A measure again: a built-in instrument as it is, a practice's one from its event."""
    builtin = BUILTIN.get(e.instrument)
    if builtin is not None:
        case.take_measure(e.session, builtin, items=_typed(e.items, list, "items"))
        return
    instrument = define_measure(e.instrument, e.minimum, e.maximum, e.better, e.reliable_change)
    case.take_measure(e.session, instrument, score=e.total)


def _reviewed(case: Case, e: Any) -> None:
    case.review(
        e.session,
        _typed(e.system, SystemChoice, "system"),
        _typed(e.followup, FollowupProtocol, "followup"),
        e.next_review_session,
        _typed(e.trigger, ReviewTrigger, "trigger"),
        e.notes,
    )


_COMMANDS: dict[type[Aggregate.Event], Callable[[Case, Any], object]] = {
    Case.SessionHeld: lambda case, e: case.hold_session(e.number, e.held_on, inferred=e.inferred),
    Case.SessionDateCorrected: lambda case, e: case.correct_session_date(
        e.number, e.held_on, e.reason
    ),
    Case.HomeworkAssigned: _assigned,
    Case.HomeworkCompleted: lambda case, e: case.complete(
        e.assignment_id,
        e.session,
        partial=e.partial,
        done=e.done,
        planned=e.planned,
        experience=e.experience,
        insights=e.insights,
        modification=e.modification,
    ),
    Case.HomeworkMissed: lambda case, e: case.miss(
        e.assignment_id,
        e.session,
        explanation=e.explanation,
        reasons=e.reasons,
        insights=e.insights,
        modification=e.modification,
    ),
    Case.FramingChanged: lambda case, e: case.change_framing(
        e.session, e.label, e.wording, e.reason
    ),
    Case.ChangeNoted: lambda case, e: case.note_change(
        e.session, _typed(e.kind, ChangeKind, "kind"), e.note
    ),
    Case.SystemReviewed: _reviewed,
    Case.EntryCorrected: lambda case, e: case.correct(
        e.assignment_id, e.session, _typed(e.changes, dict, "changes"), e.reason
    ),
    Case.MeasureTaken: _measured,
    Case.ConsentRecorded: lambda case, e: case.record_consent(
        e.session,
        e.channel,
        boundaries=e.boundaries,
        privacy_risk=e.privacy_risk,
        days=_typed(e.days, list, "days"),
        note=e.note,
    ),
    Case.AlertAcknowledged: lambda case, e: case.acknowledge_alert(
        e.session, e.kind, e.alert_session, e.note
    ),
}
"""The domain command that records each kind of event (registration is the case's creation)."""
