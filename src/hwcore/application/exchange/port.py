"""What the exchange needs from the application (a protocol: no import of ``app.py``)."""

from __future__ import annotations

from typing import Protocol

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Transcoder

from hwcore.domain import Case


class ExchangeStore(Protocol):
    """The application as the exchange sees it: cases, stored events, the transcoder."""

    @property
    def transcoder(self) -> Transcoder:
        """The JSON transcoder of stored event states."""

    def load_or_new(self, client: str) -> tuple[Case, bool]:
        """The client's case, or a new unsaved one (True when new)."""

    def stored_events(self, client: str) -> list[Aggregate.Event]:
        """The client's stored events in order ([] for a client not in the store)."""

    def client_names(self) -> list[str]:
        """Every client's identifier, sorted."""
