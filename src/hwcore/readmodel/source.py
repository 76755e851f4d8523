"""Where the read model pulls events from: the event store's notification log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, cast
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification

from hwcore.domain import Case


class EventSource(Protocol):
    """Where the read model pulls events from (the application's event store)."""

    def select_notifications(self, start: int, limit: int) -> Sequence[Notification]:
        """Notifications with ids from ``start`` (inclusive), at most ``limit``."""

    def max_notification_id(self) -> int:
        """The id of the last notification (0 for an empty log)."""

    def to_event(self, notification: Notification) -> DomainEventProtocol[UUID]:
        """The domain event stored in a notification (decrypted, decoded)."""

    def load_case(self, case_id: UUID, version: int, state: bytes) -> Case:
        """The case as it was at ``version``, whose last event is stored as ``state``."""


class Repository(Protocol):
    """The part of hw's repository the read model uses."""

    def get(self, aggregate_id: UUID, *, version: int | None = None) -> Any:
        """The aggregate, optionally at a version."""

    def saved_case(self, case_id: UUID, version: int, state: bytes) -> Case | None:
        """A copy of a case this process saved, when it is at ``version`` with that event."""


class EventStoreSource:
    """An :class:`EventSource` over an eventsourcing application's store.

    Args:
        recorder: the application recorder (its notification log).
        mapper: the mapper that decodes (and decrypts) stored events.
        repository: loads a case at a version when it is not cached.
    """

    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper[UUID], repository: Any):
        self.recorder = recorder
        self.mapper = mapper
        self.repository = cast("Repository", repository)

    def select_notifications(self, start: int, limit: int) -> Sequence[Notification]:
        """Notifications with ids from ``start`` (inclusive), at most ``limit``."""
        return self.recorder.select_notifications(start, limit)

    def max_notification_id(self) -> int:
        """The id of the last notification (0 for an empty log)."""
        return self.recorder.max_notification_id() or 0

    def to_event(self, notification: Notification) -> DomainEventProtocol[UUID]:
        """The domain event stored in a notification."""
        return self.mapper.to_domain_event(notification)

    def load_case(self, case_id: UUID, version: int, state: bytes) -> Case:
        """The case as it was at ``version``: the one just saved if kept, else loaded."""
        case = self.repository.saved_case(case_id, version, state)
        if case is not None:
            return case
        return cast("Case", self.repository.get(case_id, version=version))
