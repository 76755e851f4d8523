"""The one aggregate cache: eventsourcing's repository, keeping the cases this process saved.

eventsourcing's repository can keep aggregates between loads
(``AGGREGATE_CACHE_MAXSIZE``) and fast-forward a kept one with the events
stored since (``AGGREGATE_CACHE_FASTFORWARD``). That is safe while events are
only ever appended. hw's store also has a purge and a restore, which another
process may run at any time, and a purged client can come back with an
edited history of the same length (an edited export re-imported), whose
last event, even its notification id, can be the same as before. So a kept
case is used only while both hold:

- the store's *generation* is the one this process last saw: purges and
  restores are the only writes that change stored events, and each adds an
  entry to the audit trail, whose size and latest time are the generation
  (:meth:`~hwcore.application.eventstore.persistence.AdminRecorder.generation`);
- the store still holds the kept case's last event, byte for byte, at its
  version: the fast-forward query starts one event earlier
  (``gt=version - 1``) to check it, and applies another writer's later events.

Cases are kept when this process saves them (the save returns the stored
bytes), so a long-lived process (the TUI, an embedder) loads a case it writes
again and again with two small queries; the read model's projection takes its
copy of a case just saved from here (:meth:`CaseRepository.saved_case`).
Anything else is a normal load from snapshot and events.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import LRUCache, ProjectorFunction, Repository
from eventsourcing.persistence import EventStore, Recording

from hwcore.domain import Case

DEFAULT_CACHE_MAXSIZE = 1000
"""Cases kept per process unless ``AGGREGATE_CACHE_MAXSIZE`` says otherwise."""

_UNKNOWN: Hashable = object()
"""The generation before this process first looked."""


def project_case(case: Any, events: Iterable[Any]) -> Any:
    """Replay events onto a case (or onto None, from its creation or a snapshot).

    eventsourcing's default projector asserts ``isinstance(event,
    CanMutateProtocol)`` on every event; a runtime Protocol check costs about
    as much as applying the event, so loads use this plain loop instead.
    """
    for event in events:
        case = event.mutate(case)
    return case


class CaseRepository(Repository[UUID]):
    """eventsourcing's repository whose cache checks each kept case against the store.

    Args:
        event_store: the application's event store.
        snapshot_store: its snapshot store (or None).
        cache_maxsize: how many cases to keep (None: none; 0 or less: no limit).
        generation: reads the store's generation (one small query).
    """

    def __init__(
        self,
        event_store: EventStore[UUID],
        *,
        snapshot_store: EventStore[UUID] | None = None,
        cache_maxsize: int | None = DEFAULT_CACHE_MAXSIZE,
        generation: Callable[[], Hashable] = lambda: None,
    ) -> None:
        # eventsourcing's own cache stays off: it would trust a kept case unchecked.
        super().__init__(event_store=event_store, snapshot_store=snapshot_store)
        self.kept: LRUCache[UUID, tuple[Case, bytes]] | None = (
            None if cache_maxsize is None else LRUCache(maxsize=max(cache_maxsize, 0) or 2**31)
        )
        """Case id -> (the case as saved, the stored bytes of its last event)."""
        self._read_generation = generation
        self._generation = _UNKNOWN
        self._lock = threading.Lock()

    def _unchanged(self) -> bool:
        """True when no purge or restore happened since this process last looked.

        After one, every kept case is dropped. Called with the lock held.
        """
        assert self.kept is not None
        generation = self._read_generation()
        if generation == self._generation:
            return True
        self.kept = LRUCache(maxsize=self.kept.maxsize)
        self._generation = generation
        return False

    def get(
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        projector_func: ProjectorFunction[Any, Any] = project_case,
        fastforward_skipping: bool = False,
        deepcopy_from_cache: bool = True,
    ) -> Any:
        """The case (a copy of the kept one, brought up to date and checked), else loaded."""
        if version is None and self.kept is not None:
            case = self._fast_forward(aggregate_id)
            if case is not None:
                return case
            with self._lock:
                if self._generation is _UNKNOWN:  # looked at before the load
                    self._generation = self._read_generation()
        return super().get(aggregate_id, version=version, projector_func=projector_func)

    def get_kept(self, case_id: UUID) -> Any:
        """The case, and keep it for the next call (a copy, checked as for a saved case).

        For a long-lived process that reads the same case again and again
        without writing it (the TUI's live preview dry-runs the wrap-up on
        every key: ``tui_keystroke_latency``): a loaded case is kept with the
        stored bytes of its last event (one small query), so the next call is
        the fast-forward check instead of a load from snapshot and events.
        :meth:`get` keeps nothing on load (a command that reads every client
        would keep them all).
        """
        if self.kept is None:
            return self.get(case_id)
        case = self.get(case_id)
        if self.kept_version(case_id) == case.version:
            return case  # fast-forwarded from the kept copy
        stored = self.event_store.recorder.select_events(case_id, gt=case.version - 1, limit=1)
        if stored and stored[0].originator_version == case.version:
            with self._lock:
                self.kept.put(case_id, (case.clone(), stored[0].state))
        return case

    def _fast_forward(self, case_id: UUID) -> Case | None:
        """A copy of the kept case with the events stored since, if its last event is intact."""
        assert self.kept is not None
        with self._lock:
            try:
                case, state = self.kept.get(case_id)
            except KeyError:
                return None
            if not self._unchanged():
                return None
            stored = self.event_store.recorder.select_events(case_id, gt=case.version - 1)
            if (
                not stored
                or stored[0].originator_version != case.version
                or stored[0].state != state
            ):
                # Purged, restored or re-imported meanwhile: load it as stored now.
                self.kept.get(case_id, evict=True)
                return None
            if len(stored) > 1:  # another writer's events
                mapper = self.event_store.mapper
                case = project_case(case, (mapper.to_domain_event(s) for s in stored[1:]))
                self.kept.put(case_id, (case, stored[-1].state))
            return case.clone()

    def keep(self, cases: Sequence[Case], recordings: Sequence[Recording[UUID]]) -> None:
        """Keep the cases just saved, each with the stored bytes of its last event."""
        if self.kept is None or self._generation is _UNKNOWN:
            return  # nothing loaded yet: no generation the cases are known to be of
        last = {r.notification.originator_id: r.notification for r in recordings}
        with self._lock:
            for case in cases:
                stored = last.get(case.id)
                if stored is not None and stored.originator_version == case.version:
                    self.kept.put(case.id, (case.clone(), stored.state))

    def kept_version(self, case_id: UUID) -> int | None:
        """The version of the case kept for ``case_id`` (None when none is kept)."""
        if self.kept is None:
            return None
        with self._lock:
            try:
                return self.kept.get(case_id)[0].version
            except KeyError:
                return None

    def kept_state(self, case_id: UUID) -> tuple[int, bytes, Hashable] | None:
        """The kept case's version, the stored bytes of its last event and the store's generation.

        None when no case is kept for ``case_id``. Together they tell the case
        as stored: a purge and re-import can store the same last event again,
        but it changes the generation.
        """
        if self.kept is None:
            return None
        with self._lock:
            try:
                case, state = self.kept.get(case_id)
            except KeyError:
                return None
            return case.version, state, self._generation

    def saved_case(self, case_id: UUID, version: int, state: bytes) -> Case | None:
        """A copy of the kept case when it is at ``version`` with that last event; else None."""
        if self.kept is None:
            return None
        with self._lock:
            try:
                case, kept_state = self.kept.get(case_id)
            except KeyError:
                return None
            if case.version != version or kept_state != state or not self._unchanged():
                return None
            return case.clone()
