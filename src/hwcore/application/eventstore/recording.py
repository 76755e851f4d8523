"""Who recorded an event: ``recorded_by``, stamped on its way into the store.

Every event hw stores carries ``recorded_by``, the clinician's identifier
(spec section 3), in its stored state beside its own fields. It is not a
field of the event classes: eventsourcing's events are frozen dataclasses
whose fields the domain's commands fill, and the domain knows nothing of
who is at the keyboard. The store's mapper adds it instead, to each event
(never to a snapshot) that does not carry one yet: one place covers every
command, every import, every backend.

Reading it back needs nothing either: eventsourcing rebuilds an event by
setting its ``__dict__`` to the stored state, so an event stored with it has
it and an event stored before (``tests/fixtures/store_v1``) simply has not:
:func:`recorded_by` then answers None (unknown). Topics are untouched.
"""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import CanSnapshotAggregate
from eventsourcing.persistence import Mapper, StoredEvent

from hwcore.application.eventstore.shredding import ShreddingMapper

FIELD = "recorded_by"
"""The key in an event's stored state."""

E = TypeVar("E")


def recorded_by(event: object) -> str | None:
    """Who recorded the event; None when unknown (stored before hw recorded it)."""
    value = vars(event).get(FIELD)
    return value if isinstance(value, str) and value else None


def with_recorded_by(event: E, clinician: str | None) -> E:
    """The event, saying who recorded it (None or '': unknown, and kept unknown).

    For an import, which writes another store's events as they were: an event
    marked unknown here is stored unknown, not stamped with the importer.
    """
    object.__setattr__(event, FIELD, clinician or "")
    return event


class RecordingMapper(Mapper[UUID]):
    """eventsourcing's mapper, adding ``recorded_by`` to each new event it stores.

    Built by the application's ``construct_mapper`` through eventsourcing's
    factory (its transcoder, compressor and cipher), then given
    :attr:`clinician`; with a cipher key the application uses
    :class:`RecordingShreddingMapper`, which also encrypts each case's events
    with its own data key.
    """

    clinician: str = ""
    """The identifier recorded on each new event (set by the application)."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        """The stored event, with ``recorded_by`` added when the event has none."""
        state = vars(domain_event)
        if FIELD not in state and not isinstance(domain_event, CanSnapshotAggregate):
            stamped = object.__new__(type(domain_event))
            object.__setattr__(stamped, "__dict__", {**state, FIELD: self.clinician})
            domain_event = stamped
        return super().to_stored_event(domain_event)


class RecordingShreddingMapper(RecordingMapper, ShreddingMapper):
    """Both: ``recorded_by`` stamped first, then the case's own data key encrypts the event."""
