"""The application's read side: its read model, attached, kept current and queried current.

Composed into :class:`~hwcore.application.HwApplication` (``app.reads``), so
the use cases only ask for a current view (:meth:`ReadSide.current`) and say
when they wrote (:meth:`ReadSide.after_write`). The read model itself is a
projection (ADR 0002); which reads may skip the application altogether is
the read policy's choice (:mod:`hwcore.application.reads`, ADR 0004).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hwcore.application.eventstore.errors import store_errors
from hwcore.readmodel import EventSource, Progress, ReadModel


def _warn(message: str) -> None:
    """Log a warning (logging is imported only when there is one: start-up time)."""
    import logging

    logging.getLogger(__name__).warning(message)


class ReadSide:
    """The read model of one application and how it follows the event log.

    Args:
        source: the event store as the read model's source (asked when needed).
    """

    def __init__(self, source: Callable[[], EventSource]) -> None:
        self._source = source
        self.readmodel: ReadModel | None = None
        """The attached read model (None: an in-memory one is made on first use)."""

    def attach(self, path: str | Path | None, *, plan_cache: bool = True) -> ReadModel:
        """Keep a read model in this SQLite file (None: in memory) current after writes."""
        if self.readmodel is not None:
            self.readmodel.close()
        self.readmodel = ReadModel(path, plan_cache=plan_cache)
        return self.readmodel

    def model(self) -> ReadModel:
        """The read model as it is (an in-memory one is made on first use)."""
        if self.readmodel is None:
            self.readmodel = ReadModel(None)
        return self.readmodel

    def catch_up(self, progress: Progress | None = None) -> int:
        """Apply the events stored since the read model's position; how many."""
        readmodel = self.model()
        with store_errors():
            return readmodel.catch_up(self._source(), progress)

    def rebuild(self, progress: Progress | None = None) -> int:
        """Drop the read model's tables and re-project the whole log; how many events."""
        readmodel = self.model()
        with store_errors():
            return readmodel.rebuild(self._source(), progress)

    def current(self) -> ReadModel:
        """The read model, caught up with the event log."""
        self.catch_up()
        return self.model()

    def after_write(self, progress: Progress | None = None) -> None:
        """Catch up after a write; a failure loses nothing (the next command catches up)."""
        if self.readmodel is None:
            return
        try:
            self.catch_up(progress)
        except Exception:  # the write succeeded: never report it as failed
            _warn("read model not updated after a write; the next command catches up")

    def close(self) -> None:
        """Close the read model. Closing writes nothing: a file deleted by the user
        meanwhile stays deleted until the next command that reads it."""
        readmodel = self.readmodel
        if readmodel is None:
            return
        readmodel.close()
