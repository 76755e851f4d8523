"""The application behind the TUI: the caller's, or opened once on first need.

Opening :class:`~hwcore.application.HwApplication` loads eventsourcing, the
domain and the planner (a few hundred milliseconds), so the TUI paints the
caseload from the read model first (the read policy, :func:`hwcore.application.reads.answer`)
and opens the application afterwards, in a worker thread. Nothing here imports
Textual or the heavy hwcore modules at import time.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

from hwtui.calls import CallFailed, call

if TYPE_CHECKING:
    from hwcore.application import CaseloadEntry, HwApplication


class Closed(CallFailed):
    """The UI has closed: the application is not opened any more."""

    def __init__(self) -> None:
        super().__init__("the UI is closing: nothing was written")


class Opener:
    """The application: the one given, or opened lazily (once, thread-safe) on a home.

    Args:
        application: an open application (the caller closes it); else one is
            opened on ``home``/``database_url`` when first needed and closed by
            :meth:`close`.
        home: the data folder (else ``HW_HOME``, else the user data dir).
        database_url: a database URL (else ``HW_DATABASE_URL``, else SQLite).
    """

    def __init__(
        self,
        application: HwApplication | None = None,
        *,
        home: str | os.PathLike[str] | None = None,
        database_url: str | None = None,
    ) -> None:
        self.home = home
        self.database_url = database_url
        self.given = application is not None
        """True when the caller passed the application (and closes it)."""
        self._application = application
        self._open_lock = threading.Lock()  # held while opening: one open at a time
        self._state_lock = threading.Lock()  # guards _application and _closed
        self._closed = False
        self.opened = 0
        """How many times this opener opened an application (0 or 1)."""
        self._prefetch: threading.Thread | None = None
        self._prefetched: list[CaseloadEntry] | None = None

    def prefetch_caseload(self) -> None:
        """Start reading the caseload from the read model now, in a thread.

        The read then overlaps the UI's own start-up; the next
        :meth:`quick_caseload` takes its answer. Nothing happens when an
        application was given (it answers the caseload).
        """
        if self._application is not None or self._prefetch is not None:
            return

        def read() -> None:
            self._prefetched = self._read_quick_caseload()

        self._prefetch = threading.Thread(target=read, name="hw-caseload-prefetch", daemon=True)
        self._prefetch.start()

    @property
    def current(self) -> HwApplication | None:
        """The application if it is open now (never opens it)."""
        return self._application

    def get(self) -> HwApplication:
        """The application, opened now if needed (blocks: call it from a worker thread).

        Raises:
            CallFailed: the store cannot be opened (a safe, one-line message).
            Closed: :meth:`close` was called (the UI is closing).
        """
        application = self._application
        if application is not None:
            return application
        with self._open_lock:
            if self._application is not None:
                return self._application
            if self._closed:
                raise Closed
            from hwcore.bootstrap import open_application

            opened = call(open_application, self.home, database_url=self.database_url)
            with self._state_lock:
                closed = self._closed
                if not closed:
                    self._application = opened
                    self.opened += 1
            if closed:  # the UI closed while the store was opening
                opened.close()
                raise Closed
            return opened

    def quick_caseload(self) -> list[CaseloadEntry] | None:
        """The caseload straight from a current read model, or None (ask the application).

        None as well once the application is open: it answers as fast and is
        always current.
        """
        if self._application is not None:
            return None
        prefetch, self._prefetch = self._prefetch, None
        if prefetch is not None:  # started at construction: take its answer, once
            prefetch.join()
            entries, self._prefetched = self._prefetched, None
            return entries
        return self._read_quick_caseload()

    def _read_quick_caseload(self) -> list[CaseloadEntry] | None:
        from hwcore.application.reads import answer, caseload_read

        try:
            # No application offered: the fast read or None (never blocks on an open).
            answered = answer(caseload_read(), self.home, self.database_url)
        except Exception:  # the application then answers, and explains any error
            return None
        return None if answered is None else answered.value

    def close(self) -> None:
        """Close the application if this opener opened it; no opening afterwards."""
        with self._state_lock:
            self._closed = True
            application = None if self.given else self._application
            if application is not None:
                self._application = None
        if application is not None:
            application.close()
