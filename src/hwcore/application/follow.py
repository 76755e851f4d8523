"""Following hw's event log from another process (a downstream "follower").

A follower reads the store's notification log with eventsourcing's own
:class:`~eventsourcing.system.NotificationLogReader`, on the log of an
application opened with :func:`hwcore.bootstrap.open_application` (so hw's
settings, transcodings and cipher decode every event: nothing internal to
import, no settings prefix to set, no second database), and keeps its own
position: the notification id of the last event it handled. See
docs/events.md ("Following the log")::

    from hwcore.application import LogFollower
    from hwcore.bootstrap import open_application

    with open_application(home) as hw:
        follower = LogFollower(hw, position=saved_position)
        for item in follower.read():
            handle(item.as_dict())          # topic, client, state... (JSON-ready)
            save_position(item.position)    # resume from here next time

The items' ``state`` is the event's state exactly as ``hw export`` writes it,
so docs/schema/hw-export.schema.json describes it too.

A purge leaves a tombstone in the log (no clinical content: the purged case's
id and when); the follower turns it into an item of kind :data:`PURGE`, on
which whoever keeps a copy erases everything it holds of that client
(``case`` is the client's case id; ``client`` its identifier when this
follower saw it registered).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs
from eventsourcing.persistence import Notification
from eventsourcing.system import NotificationLogReader

from hwcore.application.eventstore.shredding import TOMBSTONE_TOPIC
from hwcore.application.exchange.jsonfile import event_data
from hwcore.domain import Case, case_id_for
from hwcore.valueclass import Value

if TYPE_CHECKING:
    from hwcore.application.app import HwApplication

SECTION_SIZE = 100
"""How many notifications the reader asks the store for at a time."""

EVENT = "event"
"""The ``kind`` of an item holding one recorded event."""
PURGE = "purge"
"""The ``kind`` of a purge's tombstone: the follower must then forget everything
it holds of the client ``case`` (the tombstone holds no clinical content)."""


@attrs.frozen(repr=False, eq=False)
class FollowedEvent(Value):
    """One item of the log as a follower sees it.

    ``position`` is the notification id: store the last one handled and pass
    it back as ``LogFollower(..., position=...)`` to resume after it.
    """

    position: int
    kind: str
    """:data:`EVENT` (or :data:`PURGE` for a tombstone)."""
    client: str
    topic: str
    version: int
    """The event's version in the client's case (1 for ``Registered``)."""
    timestamp: str
    state: dict[str, Any]
    """The event's fields as hw exports them (docs/events.md); empty for a tombstone."""
    case: str = ""
    """The client's case id (32 hex digits): the event's, or the purged one's."""

    def as_dict(self) -> dict[str, Any]:
        """The item as JSON-ready data (what ``hw follow`` prints, one per line)."""
        return attrs.asdict(self)


def tombstone(app: HwApplication, notification: Notification) -> FollowedEvent | None:
    """The purge tombstone a notification is, or None.

    The purge appends a content-free notification (topic
    ``hwcore.application.eventstore.shredding:ClientPurged``, state: the
    purged case id and when); this turns it into an item of kind
    :data:`PURGE` naming the case (``client`` is filled in by the follower
    when it knows the identifier).
    """
    if notification.topic != TOMBSTONE_TOPIC:
        return None
    event = app.mapper.to_domain_event(notification)
    purged = str(getattr(event, "purged", ""))
    return FollowedEvent(
        position=notification.id,
        kind=PURGE,
        client="",
        topic=notification.topic,
        version=notification.originator_version,
        timestamp=event.timestamp.isoformat() if hasattr(event, "timestamp") else "",
        state={},
        case=purged,
    )


class LogFollower:
    """Reads hw's log after ``position`` with eventsourcing's NotificationLogReader.

    Args:
        app: an open application (:func:`hwcore.bootstrap.open_application`).
        position: the notification id of the last event already handled
            (0: from the start).
        section_size: notifications read from the store at a time.
    """

    def __init__(
        self, app: HwApplication, position: int = 0, section_size: int = SECTION_SIZE
    ) -> None:
        self.app = app
        self.position = position
        """The notification id of the last item :meth:`read` yielded."""
        self.reader = NotificationLogReader(app.notification_log, section_size=section_size)
        self._clients: dict[UUID, str] = {}

    def read(self, limit: int | None = None) -> Iterator[FollowedEvent]:
        """Each item after :attr:`position`, oldest first (at most ``limit``).

        :attr:`position` advances as each item is yielded; the read ends at
        the end of the log (call again later for what was recorded since).
        """
        for count, notification in enumerate(self.reader.read(start=self.position + 1)):
            if limit is not None and count >= limit:
                return
            item = tombstone(self.app, notification)
            item = self._erase(item) if item is not None else self._item(notification)
            self.position = notification.id
            yield item

    def _erase(self, item: FollowedEvent) -> FollowedEvent:
        """A tombstone: name the purged client if known, and forget it here."""
        with suppress(ValueError):
            name = self._clients.pop(UUID(item.case), "")
            return attrs.evolve(item, client=name)
        return item

    def _item(self, notification: Notification) -> FollowedEvent:
        event = self.app.mapper.to_domain_event(notification)
        if isinstance(event, Case.Registered):
            self._clients[event.originator_id] = event.client
        data = event_data(self.app, event)  # type: ignore[arg-type]
        return FollowedEvent(
            position=notification.id,
            kind=EVENT,
            client=self._client(event.originator_id),
            topic=data["topic"],
            version=data["version"],
            timestamp=data["timestamp"],
            state=data["state"],
            case=event.originator_id.hex,
        )

    def _client(self, case_id: UUID) -> str:
        if case_id not in self._clients:
            # Resumed after the client's registration: the case id is derived
            # from the client identifier, so the registered names give it.
            self._clients.update((case_id_for(name), name) for name in self.app.client_names())
        return self._clients.get(case_id, "")
